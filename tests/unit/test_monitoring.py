"""PSI of the score and CSI of each characteristic, with their corner cases."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest

from creditline.errors import InvalidInput
from creditline.scoring import Scorecard, ScorecardSettings
from creditline.scoring.monitoring import (
    SCORE_REFERENCE_KEY,
    SHARE_SMOOTHING,
    monitor,
    psi_terms,
    score_reference,
    score_reference_from_scores,
    smoothed_shares,
    stability_status,
)
from tests.unit.test_export_sql import handmade_scorecard, numerical_characteristic


def repeated(pairs: list[tuple[object, int]], dtype: pl.DataType) -> pl.Series:
    """A column with each value repeated its count of times."""
    return pl.Series([value for value, count in pairs for _ in range(count)], dtype=dtype)


def training_like_portfolio() -> pl.DataFrame:
    """1,000 rows whose slot counts equal the handmade scorecard's training counts."""
    return pl.DataFrame(
        {
            "utilisation": repeated([(0.1, 400), (0.5, 300), (0.9, 200), (-1.0, 50), (None, 50)], pl.Float64),
            "dpd": repeated([(0, 600), (5, 250), (60, 150)], pl.Int64),
            "income_band": repeated([("high", 150), ("高", 150), ("mid", 400), ("low", 300)], pl.String),
            "segment": repeated([(1, 700), (3, 300)], pl.Int64),
            "age": repeated([(20.0, 200), (30.0, 500), (50.0, 300)], pl.Float64),
            "tenure": repeated([(6.0, 300), (24.0, 700)], pl.Float64),
        }
    )


def expected_psi(expected: list[float], actual: list[float]) -> float:
    """The PSI written out term by term, with the documented smoothing."""
    k = len(expected)
    total = 0.0
    for e, a in zip(expected, actual, strict=True):
        e_s = (e + SHARE_SMOOTHING) / (1 + k * SHARE_SMOOTHING)
        a_s = (a + SHARE_SMOOTHING) / (1 + k * SHARE_SMOOTHING)
        total += (a_s - e_s) * math.log(a_s / e_s)
    return total


def csi_of(report, feature: str):
    return next(item for item in report.characteristics if item.feature == feature)


@pytest.mark.parametrize(
    ("value", "status"),
    [(0.0, "stable"), (0.0999, "stable"), (0.10, "watch"), (0.25, "watch"), (0.2501, "shift"), (3.0, "shift")],
)
def test_stability_status_bands(value: float, status: str) -> None:
    assert stability_status(value) == status


def test_smoothed_shares_sum_to_one() -> None:
    shares = smoothed_shares([0.0, 0.25, 0.75])
    assert shares.sum() == pytest.approx(1.0, abs=1e-15)
    assert shares[0] == SHARE_SMOOTHING / (1 + 3 * SHARE_SMOOTHING)


def test_psi_of_equal_shares_is_zero() -> None:
    assert psi_terms([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]).tolist() == [0.0, 0.0, 0.0]


def test_psi_band_empty_on_both_sides_adds_zero() -> None:
    assert psi_terms([0.0, 1.0], [0.0, 1.0]).tolist() == [0.0, 0.0]


def test_psi_rejects_different_band_counts() -> None:
    with pytest.raises(ValueError, match="^2 expected and 3 actual shares; expected the same non-zero number$"):
        psi_terms([0.5, 0.5], [0.2, 0.3, 0.5])


def test_portfolio_like_training_has_zero_csi() -> None:
    report = monitor(handmade_scorecard(), training_like_portfolio())
    assert [(item.feature, item.csi, item.status) for item in report.characteristics] == [
        ("utilisation", 0.0, "stable"),
        ("dpd", 0.0, "stable"),
        ("income_band", 0.0, "stable"),
        ("segment", 0.0, "stable"),
        ("age", 0.0, "stable"),
        ("tenure", 0.0, "stable"),
    ]
    assert report.n_reference == 1000
    assert report.n_current == 1000
    assert report.smoothing == 0.0001


def test_empty_bin_gives_finite_csi() -> None:
    portfolio = training_like_portfolio().with_columns(
        repeated([(0.5, 500), (0.9, 300), (-1.0, 100), (None, 100)], pl.Float64).alias("utilisation")
    )
    item = csi_of(monitor(handmade_scorecard(), portfolio), "utilisation")
    assert item.csi == pytest.approx(expected_psi([0.4, 0.3, 0.2, 0.05, 0.05], [0.0, 0.5, 0.3, 0.1, 0.1]), rel=1e-12)
    assert math.isfinite(item.csi)
    assert item.status == "shift"
    assert [(s.kind, s.actual_count) for s in item.slots] == [
        ("bin", 0), ("bin", 500), ("bin", 300), ("special", 100), ("missing", 100)
    ]
    assert (item.slots[0].lower, item.slots[0].upper) == (None, 0.3)
    assert item.slots[3].label == "-1.0"


def test_vanished_category_is_listed() -> None:
    portfolio = training_like_portfolio().with_columns(
        repeated([("high", 300), ("mid", 400), ("low", 300)], pl.String).alias("income_band")
    )
    item = csi_of(monitor(handmade_scorecard(), portfolio), "income_band")
    # "高", "it's" and "a\\b" vanished, but each shares its bin with a label still
    # present, so every bin keeps its share.
    assert item.vanished_labels == ("a\\b", "it's", "高")
    assert item.csi == 0.0
    assert item.new_labels == ()


def test_vanished_bin_gives_finite_csi() -> None:
    portfolio = training_like_portfolio().with_columns(
        repeated([("mid", 700), ("low", 300)], pl.String).alias("income_band")
    )
    item = csi_of(monitor(handmade_scorecard(), portfolio), "income_band")
    assert item.vanished_labels == ("a\\b", "high", "it's", "高")
    assert item.csi == pytest.approx(expected_psi([0.3, 0.4, 0.3, 0.0, 0.0], [0.0, 0.7, 0.3, 0.0, 0.0]), rel=1e-12)
    assert math.isfinite(item.csi)


def test_new_category_counts_in_unseen_bin() -> None:
    portfolio = training_like_portfolio().with_columns(
        repeated([("high", 300), ("mid", 200), ("新客群", 150), ("other", 50), ("low", 300)], pl.String).alias(
            "income_band"
        )
    )
    item = csi_of(monitor(handmade_scorecard(), portfolio), "income_band")
    assert item.new_labels == ("other", "新客群")
    assert item.new_label_rows == 200
    # The unseen bin is "mid" (slot 1): 200 mid rows plus 200 new-label rows.
    assert [s.actual_count for s in item.slots] == [300, 400, 300, 0, 0]
    assert item.csi == 0.0


def test_new_numeric_category_counts_in_unseen_bin() -> None:
    portfolio = training_like_portfolio().with_columns(repeated([(1, 600), (3, 300), (7, 100)], pl.Int64).alias("segment"))
    item = csi_of(monitor(handmade_scorecard(), portfolio), "segment")
    assert item.new_labels == ("7",)
    assert item.new_label_rows == 100
    assert [s.actual_count for s in item.slots] == [700, 300, 0]


def test_all_missing_column_gives_finite_csi() -> None:
    portfolio = training_like_portfolio().with_columns(pl.lit(None, dtype=pl.Float64).alias("age"))
    item = csi_of(monitor(handmade_scorecard(), portfolio), "age")
    assert [s.actual_count for s in item.slots] == [0, 0, 0, 1000]
    assert item.csi == pytest.approx(expected_psi([0.2, 0.5, 0.3, 0.0], [0.0, 0.0, 0.0, 1.0]), rel=1e-12)
    assert item.csi == pytest.approx(17.384474, abs=1e-6)
    assert item.status == "shift"


def test_all_missing_null_dtype_column_is_accepted() -> None:
    portfolio = training_like_portfolio().with_columns(pl.lit(None).alias("income_band"), pl.lit(None).alias("dpd"))
    report = monitor(handmade_scorecard(), portfolio)
    assert [s.actual_count for s in csi_of(report, "income_band").slots] == [0, 0, 0, 0, 1000]
    assert [s.actual_count for s in csi_of(report, "dpd").slots] == [0, 0, 0, 1000]
    assert math.isfinite(csi_of(report, "dpd").csi)


def test_empty_portfolio_is_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        monitor(handmade_scorecard(), training_like_portfolio().head(0))
    assert caught.value.render("en") == (
        "No credit line is stored, so the stability of model sc-handmade0001 cannot be measured; import a portfolio first."
    )
    assert caught.value.render("zh") == "当前没有任何额度，无法监控模型 sc-handmade0001 的稳定性：请先导入组合数据。"


def test_missing_column_is_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        monitor(handmade_scorecard(), training_like_portfolio().drop("tenure"))
    assert caught.value.render("en") == "The data to score lacks columns that scorecard sc-handmade0001 needs: tenure."


def two_characteristic_scorecard() -> Scorecard:
    return Scorecard(
        model_version="sc-tiny",
        created_at=datetime(2026, 1, 5, tzinfo=UTC),
        target="bad",
        settings=ScorecardSettings(),
        characteristics=(
            numerical_characteristic("a", "R_A", (1.0,), (10.0, 20.0), (1, 1)),
            numerical_characteristic("b", "R_B", (1.0,), (5.0, 0.0), (3, 1)),
        ),
        dropped=(),
        intercept=0.0,
        factor=1.0,
        offset=0.0,
        training={"rows": 4},
    )


def test_score_reference_from_bins_convolves_points() -> None:
    # Scores 15, 20, 25, 10 with shares 3/8, 1/8, 3/8, 1/8 under independence.
    edges, shares, source = score_reference(two_characteristic_scorecard())
    assert source == "bins"
    assert edges == [12.5, 17.5, 22.5]
    assert shares == pytest.approx([0.125, 0.375, 0.125, 0.375], abs=1e-15)


def test_score_reference_prefers_stored_distribution() -> None:
    stored = {"edges": [12.0, 18.0], "shares": [0.2, 0.5, 0.3], "rows": 10}
    model = replace(two_characteristic_scorecard(), training={"rows": 4, SCORE_REFERENCE_KEY: stored})
    assert score_reference(model) == ([12.0, 18.0], [0.2, 0.5, 0.3], "stored")


def test_score_psi_uses_stored_bands() -> None:
    stored = {"edges": [12.0, 18.0], "shares": [0.2, 0.5, 0.3], "rows": 10}
    model = replace(two_characteristic_scorecard(), training={"rows": 4, SCORE_REFERENCE_KEY: stored})
    # Scores: a=0 & b=0 -> 15, a=2 & b=2 -> 20, a=0 & b=2 -> 10.
    portfolio = pl.DataFrame({"a": [0.0, 0.0, 2.0, 0.0], "b": [0.0, 0.0, 2.0, 2.0]})
    report = monitor(model, portfolio)
    assert report.score.reference == "stored"
    assert [b.actual_count for b in report.score.bands] == [1, 2, 1]
    assert [(b.lower, b.upper) for b in report.score.bands] == [(None, 12.0), (12.0, 18.0), (18.0, None)]
    assert report.score.psi == pytest.approx(expected_psi([0.2, 0.5, 0.3], [0.25, 0.5, 0.25]), rel=1e-12)
    assert report.score.status == "stable"


def test_score_reference_from_scores_keeps_ties_in_one_band() -> None:
    scores = [500.0] * 50 + [520.0] * 30 + [540.0] * 20
    reference = score_reference_from_scores(scores, n_bands=4)
    assert reference == {"edges": [510.0, 530.0], "shares": [0.5, 0.3, 0.2], "rows": 100}


def test_score_reference_from_scores_rejects_no_finite_score() -> None:
    with pytest.raises(ValueError, match="^no finite training score to build a score reference from$"):
        score_reference_from_scores([math.nan])


def test_report_is_plain_json() -> None:
    portfolio = training_like_portfolio().with_columns(pl.lit(None, dtype=pl.Float64).alias("age"))
    data = monitor(handmade_scorecard(), portfolio).to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["characteristics"][4]["feature"] == "age"
    assert set(data) == {"model_version", "n_reference", "n_current", "smoothing", "score", "characteristics"}
    assert set(data["score"]) == {"psi", "status", "reference", "bands"}
    assert np.isclose(sum(b["expected_share"] for b in data["score"]["bands"]), 1.0)
