"""Bilingual customer notices for limit changes and offers, written to the outbox table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from creditline.domain.money import format_grouped
from creditline.domain.reasons import reason_text
from creditline.i18n import LOCALES, translate


def _reasons(codes: Sequence[str], locale: str) -> str:
    separator = translate("notice.reason_separator", locale)
    return separator.join(reason_text(code, locale) for code in codes)


def render_notice(
    kind: str,
    *,
    account_id: str,
    currency: str,
    old_limit: int,
    new_limit: int,
    reason_codes: Sequence[str],
    effective_at: datetime,
    zone: ZoneInfo,
) -> dict[str, str]:
    """Return ``title_zh``, ``body_zh``, ``title_en`` and ``body_en`` for a notice.

    ``kind`` is "increase", "decrease" or "offer". Amounts are minor units and appear in
    major units; the effective date is shown in the lender's time zone.
    """
    local_day = effective_at.astimezone(zone).date().isoformat()
    texts: dict[str, str] = {}
    for locale in LOCALES:
        params: dict[str, Any] = {
            "tail": account_id[-4:],
            "old": format_grouped(old_limit, currency),
            "new": format_grouped(new_limit, currency),
            "currency": translate(f"currency.{currency}", locale),
            "reasons": _reasons(reason_codes, locale),
            "when": local_day,
        }
        texts[f"title_{locale}"] = translate(f"notice.{kind}.title", locale)
        texts[f"body_{locale}"] = translate(f"notice.{kind}.body", locale, **params)
    return texts
