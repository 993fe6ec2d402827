"""Plain-words explanation of a stored suggestion, in the customer's language."""

from __future__ import annotations

from typing import Any

from creditline.domain.money import format_amount
from creditline.domain.reasons import CATALOGUE
from creditline.i18n import translate


def explain(
    *,
    direction: str,
    currency: str,
    current_limit: int,
    low: int,
    high: int,
    reason_codes: tuple[str, ...] | list[str],
    inputs: dict[str, Any],
    locale: str,
) -> list[str]:
    """Return the sentences that explain a suggestion: summary, figures, reasons, data used.

    Amounts are minor units of ``currency``; ``inputs`` is the stored ``{"figures": ...,
    "sources": [...]}`` of the suggestion.
    """
    figures = inputs.get("figures", {})
    currency_name = translate(f"currency.{currency}", locale)
    summary = translate(
        f"suggestion.summary.{direction}",
        locale,
        months=figures.get("months", 0),
        current=format_amount(current_limit, currency),
        low=format_amount(low, currency),
        high=format_amount(high, currency),
        currency=currency_name,
    )
    sentences = [summary]
    if "predicted_utilisation" in figures:
        sentences.append(
            translate(
                "suggestion.figures",
                locale,
                peak=format_amount(int(figures["peak_bill"]), currency),
                paid=format_amount(int(figures["mean_paid"]), currency),
                outstanding=format_amount(int(figures.get("outstanding", 0)), currency),
                utilisation=round(float(figures["predicted_utilisation"]) * 100),
                currency=currency_name,
            )
        )
    separator = translate("notice.reason_separator", locale)
    reasons = separator.join(CATALOGUE[code].text(locale) for code in reason_codes if code in CATALOGUE)
    if reasons:
        sentences.append(translate("suggestion.reasons", locale, reasons=reasons))
    sources = separator.join(translate(f"suggestion.source.{name}", locale) for name in inputs.get("sources", []))
    sentences.append(translate("suggestion.data_used", locale, sources=sources))
    return sentences
