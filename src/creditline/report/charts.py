"""The report's charts as inline SVG: ROC, KS, score distributions, calibration, ROC overlay."""

from __future__ import annotations

import numpy as np

from creditline.i18n import translate
from creditline.report.content import ChallengerSection, ReportContent
from creditline.report.curves import CalibrationBin, Histogram, KsCurve, RocCurve
from creditline.report.svg import BLUE, GREEN, ORANGE, RED, Axes, Label, Series, chart

# Ids of every chart in page order; the browser test checks each one is drawn.
CHART_IDS = ("chart-roc", "chart-ks", "chart-score-distribution", "chart-calibration", "chart-roc-challenger")


def label(key: str, **params: object) -> Label:
    """Return catalogue text ``key`` in both languages."""
    return Label(translate(key, "zh", **params), translate(key, "en", **params))


def roc_chart(roc: RocCurve, auc: float) -> str:
    axes = _roc_axes()
    series = [Series(label("report.chart.scorecard_auc", auc=auc), roc.false_positive_rate, roc.true_positive_rate, BLUE)]
    return chart("chart-roc", label("report.chart.roc"), axes, series, diagonal=True)


def ks_chart(curve: KsCurve) -> str:
    low, high = float(curve.score.min()), float(curve.score.max())
    if high <= low:
        high = low + 1.0
    axes = Axes(label("report.axis.score"), label("report.axis.cumulative_share"), (low, high), (0.0, 1.0), percent_y=True)
    at = int(np.argmin(np.abs(curve.score - curve.ks_score)))
    series = [
        Series(label("report.chart.cumulative_bads"), curve.score, curve.bad_share, RED),
        Series(label("report.chart.cumulative_goods"), curve.score, curve.good_share, GREEN),
        Series(
            label("report.chart.ks_at", ks=curve.ks, score=curve.ks_score),
            [curve.ks_score, curve.ks_score],
            [float(curve.good_share[at]), float(curve.bad_share[at])],
            BLUE,
            dashed=True,
        ),
    ]
    return chart("chart-ks", label("report.chart.ks"), axes, series)


def distribution_chart(histogram: Histogram) -> str:
    edges = histogram.edges
    top = float(max(histogram.good_share.max(), histogram.bad_share.max(), 0.01)) * 1.1
    axes = Axes(
        label("report.axis.score"),
        label("report.axis.share_of_group"),
        (float(edges[0]), float(edges[-1])),
        (0.0, top),
        percent_y=True,
    )
    series = [
        Series(label("report.chart.goods"), edges[:-1], histogram.good_share, GREEN, kind="bars"),
        Series(label("report.chart.bads"), edges[:-1], histogram.bad_share, RED, kind="bars"),
    ]
    return chart("chart-score-distribution", label("report.chart.distribution"), axes, series)


def calibration_chart(bins: list[CalibrationBin]) -> str:
    predicted = [b.mean_pd for b in bins]
    observed = [b.bad_rate for b in bins]
    top = min(1.0, max([*predicted, *observed, 0.01]) * 1.1)
    axes = Axes(
        label("report.axis.predicted_pd"),
        label("report.axis.observed_bad_rate"),
        (0.0, top),
        (0.0, top),
        percent_x=True,
        percent_y=True,
    )
    series = [
        Series(label("report.chart.calibration_bins"), predicted, observed, BLUE, kind="points"),
        Series(label("report.chart.calibration_bins"), predicted, observed, BLUE, in_legend=False),
    ]
    return chart("chart-calibration", label("report.chart.calibration"), axes, series, diagonal=True)


def challenger_chart(content: ReportContent, section: ChallengerSection | None) -> str:
    series = [
        Series(
            label("report.chart.scorecard_auc", auc=content.metrics["auc"]),
            content.roc.false_positive_rate,
            content.roc.true_positive_rate,
            BLUE,
        )
    ]
    if section is not None:
        series.append(
            Series(
                label("report.chart.challenger_auc", auc=section.metrics["auc"]),
                section.roc.false_positive_rate,
                section.roc.true_positive_rate,
                ORANGE,
            )
        )
    return chart("chart-roc-challenger", label("report.chart.roc_overlay"), _roc_axes(), series, diagonal=True)


def _roc_axes() -> Axes:
    return Axes(
        label("report.axis.false_positive_rate"),
        label("report.axis.true_positive_rate"),
        (0.0, 1.0),
        (0.0, 1.0),
        percent_x=True,
        percent_y=True,
    )
