"""Render the validation report as one self-contained HTML page in Chinese and English.

The page has no external resource: styles, the language switch script and every chart
(inline SVG) are in the file. Both languages are in the markup, and ``data-lang`` on the
``<html>`` element picks the visible one. Chinese is the default. The switch button or a
``#en`` fragment in the URL changes it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from html import escape

from creditline.domain.reasons import reason_text
from creditline.i18n import MESSAGES
from creditline.profile.catalog import FEATURES_BY_NAME
from creditline.report import charts
from creditline.report.charts import label
from creditline.report.content import ReportContent
from creditline.report.fairness import UNKNOWN, FairnessRow
from creditline.report.svg import Label
from creditline.scoring.scorecard import Characteristic

STYLE = """
html[data-lang="zh"] .en, html[data-lang="en"] .zh { display: none; }
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif;
       margin: 0 auto; max-width: 1180px; padding: 16px 24px 48px; color: #222; }
header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid #0072B2; }
h1 { font-size: 24px; } h2 { font-size: 19px; margin-top: 36px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin: 18px 0 6px; }
#lang-toggle { font-size: 14px; padding: 6px 14px; cursor: pointer; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f2f6fa; } td.text, th.text { text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
svg.chart { border: 1px solid #ddd; background: #fafafa; font-size: 12px; }
svg.chart .tick { fill: #555; font-size: 11px; }
.note { color: #555; font-size: 13px; }
.bins { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 8px 24px; }
"""

SCRIPT = """
(function () {
  var root = document.documentElement;
  function show(lang) {
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang === "zh" ? "zh-CN" : "en");
    document.title = root.getAttribute("data-title-" + lang);
  }
  document.getElementById("lang-toggle").addEventListener("click", function () {
    show(root.getAttribute("data-lang") === "zh" ? "en" : "zh");
  });
  if (window.location.hash === "#en") { show("en"); }
})();
"""


def render_report(content: ReportContent) -> str:
    """Return the whole report page as HTML text."""
    title = label("report.title", model_version=content.scorecard.model_version)
    body = [
        _header(content, title),
        _summary(content),
        _section("report.section.discrimination", _charts([charts.roc_chart(content.roc, content.metrics["auc"]), charts.ks_chart(content.ks)])),
        _section("report.section.distribution", _charts([charts.distribution_chart(content.histogram)])),
        _section("report.section.calibration", _charts([charts.calibration_chart(content.calibration)]) + _calibration_table(content)),
        _section("report.section.iv", _iv_table(content)),
        _section("report.section.bins", '<div class="bins">' + "".join(_bins_table(c) for c in content.scorecard.characteristics) + "</div>"),
        _section("report.section.challenger", _challenger(content)),
        _section("report.section.fairness", _fairness(content)),
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="zh-CN" data-lang="zh" data-title-zh="{escape(title.zh)}" data-title-en="{escape(title.en)}">'
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title.zh)}</title><style>{STYLE}</style></head><body>"
        + "".join(body)
        + f"<script>{SCRIPT}</script></body></html>\n"
    )


def text(item: Label) -> str:
    """Return both language versions of a text as two spans."""
    return f'<span class="zh">{escape(item.zh)}</span><span class="en">{escape(item.en)}</span>'


def t(key: str, **params: object) -> str:
    return text(label(key, **params))


def _header(content: ReportContent, title: Label) -> str:
    model = content.scorecard
    facts = t(
        "report.header.facts",
        status=content.status,
        created_at=model.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        generated_at=content.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        n_features=len(model.characteristics),
    )
    toggle = '<button id="lang-toggle" type="button"><span class="zh">English</span><span class="en">中文</span></button>'
    return f"<header><h1>{text(title)}</h1>{toggle}</header><p class=\"note\">{facts}</p>"


def _summary(content: ReportContent) -> str:
    split = t(
        "report.summary.split",
        n_train=f"{content.n_train:,}",
        n_holdout=f"{content.n_holdout:,}",
        bads=f"{content.n_holdout_bads:,}",
        share=f"{content.train_share:.0%}",
        seed=content.split_seed,
    )
    header = [t("report.col.model"), "AUC", "KS", "Gini"]
    rows = [[t("report.model.scorecard") + f" {escape(content.scorecard.model_version)}", *_metric_cells(content.metrics)]]
    return _section("report.section.summary", f'<p class="note">{split}</p>' + _table(header, rows, text_columns=1))


def _metric_cells(metrics: dict[str, float]) -> list[str]:
    return [f"{metrics['auc']:.4f}", f"{metrics['ks']:.4f}", f"{metrics['gini']:.4f}"]


def _calibration_table(content: ReportContent) -> str:
    header = [t("report.col.bin"), t("report.col.accounts"), t("report.col.mean_pd"), t("report.col.bad_rate")]
    rows = [
        [str(position), f"{b.count:,}", _percent(b.mean_pd), _percent(b.bad_rate)]
        for position, b in enumerate(content.calibration, start=1)
    ]
    return _table(header, rows)


def _iv_table(content: ReportContent) -> str:
    header = [t("report.col.feature"), t("report.col.description"), "IV", t("report.col.selected"), t("report.col.drop_reason")]
    rows = []
    for row in content.scorecard.iv_table().iter_rows(named=True):
        iv = "—" if row["iv"] is None else f"{row['iv']:.4f}"
        selected = t("report.yes") if row["selected"] else t("report.no")
        rows.append([escape(row["feature"]), _description(row["feature"]), iv, selected, _drop_reason(row["reason"])])
    return _table(header, rows, text_columns=2, last_text=True)


def _bins_table(characteristic: Characteristic) -> str:
    header = [t("report.col.range"), t("report.col.accounts"), t("report.col.bad_rate"), "WoE", t("report.col.points")]
    rows = []
    for b in characteristic.bins:
        rows.append([_range(b.lower, b.upper), f"{b.count:,}", _percent(b.bad_rate), f"{b.woe:.4f}", f"{b.points:.2f}"])
    missing = characteristic.missing_bin
    rows.append([t("report.bin.missing"), f"{missing.count:,}", _percent(missing.bad_rate), f"{missing.woe:.4f}", f"{missing.points:.2f}"])
    caption = t(
        "report.bins.caption",
        feature=characteristic.name,
        iv=characteristic.iv,
        trend=characteristic.trend,
        reason=characteristic.reason_code,
    )
    reason = text(Label(reason_text(characteristic.reason_code, "zh"), reason_text(characteristic.reason_code, "en")))
    return f"<div><h3>{escape(characteristic.name)} · {_description(characteristic.name)}</h3><p class=\"note\">{caption} {reason}</p>{_table(header, rows, text_columns=1)}</div>"


def _challenger(content: ReportContent) -> str:
    section = content.challenger
    header = [t("report.col.model"), "AUC", "KS", "Gini"]
    rows = [[t("report.model.scorecard") + f" {escape(content.scorecard.model_version)}", *_metric_cells(content.metrics)]]
    if section is None:
        intro = f'<p class="note">{t("report.challenger.none")}</p>'
    else:
        rows.append([t("report.model.challenger") + f" {escape(section.model_version)}", *_metric_cells(section.metrics)])
        intro = f'<p class="note">{t("report.challenger.intro", n_features=len(section.features))}</p>'
    return intro + _table(header, rows, text_columns=1) + _charts([charts.challenger_chart(content, section)])


def _fairness(content: ReportContent) -> str:
    if content.batch_id is None:
        batch_note = t("report.fairness.no_batch")
    else:
        batch_note = t("report.fairness.batch", batch_id=content.batch_id)
    header = [
        t("report.col.attribute"),
        t("report.col.group"),
        t("report.col.accounts"),
        t("report.col.mean_score"),
        t("report.col.mean_pd"),
        t("report.col.bad_rate"),
        t("report.col.batch_items"),
        t("report.col.increase_rate"),
        t("report.col.decrease_rate"),
    ]
    rows = [_fairness_cells(row) for row in content.fairness]
    return f'<p class="note">{t("report.fairness.intro")} {batch_note}</p>' + _table(header, rows, text_columns=2)


def _fairness_cells(row: FairnessRow) -> list[str]:
    return [
        t(f"report.attribute.{row.attribute}"),
        _group(row),
        f"{row.accounts:,}",
        "—" if row.mean_score is None else f"{row.mean_score:.1f}",
        _percent(row.mean_pd),
        _percent(row.bad_rate),
        "—" if row.items is None else f"{row.items:,}",
        _percent(row.increase_rate),
        _percent(row.decrease_rate),
    ]


def _group(row: FairnessRow) -> str:
    if row.group == UNKNOWN:
        return t("report.group.unknown")
    if row.attribute == "sex" and f"report.sex.{row.group}" in MESSAGES:
        return t(f"report.sex.{row.group}")
    return escape(row.group)


def _description(feature: str) -> str:
    spec = FEATURES_BY_NAME.get(feature)
    return text(Label(spec.description_zh, spec.description_en)) if spec else ""


def _drop_reason(reason: str | None) -> str:
    if reason is None:
        return ""
    key = "report.drop." + reason.replace(" ", "_")
    return t(key) if key in MESSAGES else escape(reason)


def _range(lower: float | None, upper: float | None) -> str:
    low = "-∞" if lower is None else f"{lower:g}"
    high = "+∞" if upper is None else f"{upper:g}"
    return f"[{low}, {high})"


def _percent(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{value:.2%}"


def _section(title_key: str, inner: str) -> str:
    return f"<section><h2>{t(title_key)}</h2>{inner}</section>"


def _charts(svgs: Iterable[str]) -> str:
    return '<div class="charts">' + "".join(svgs) + "</div>"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], *, text_columns: int = 0, last_text: bool = False) -> str:
    """Return a table; the first ``text_columns`` cells (and the last with ``last_text``) align left."""

    def cell(tag: str, position: int, count: int, value: str) -> str:
        is_text = position < text_columns or (last_text and position == count - 1)
        css = ' class="text"' if is_text else ""
        return f"<{tag}{css}>{value}</{tag}>"

    head = "".join(cell("th", i, len(header), value) for i, value in enumerate(header))
    body = "".join(
        "<tr>" + "".join(cell("td", i, len(row), value) for i, value in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
