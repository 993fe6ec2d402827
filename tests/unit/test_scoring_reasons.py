from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest

from creditline.scoring import Scorecard, ScorecardSettings
from creditline.scoring.reason_codes import rank_reason_codes
from creditline.scoring.scorecard import MISSING_OBSERVED, Bin, Characteristic, MissingBin


def characteristic(name, code, splits, points, missing_points=0.0):
    bounds = [None, *splits, None]
    bins = tuple(
        Bin(bounds[k], bounds[k + 1], 10, 0.1, 0.0, float(p)) for k, p in enumerate(points)
    )
    missing = MissingBin(5, 0.2, 0.0, float(missing_points), MISSING_OBSERVED)
    return Characteristic(name, code, "ascending", "ascending", tuple(splits), bins, missing, -1.0, 0.1)


def hand_scorecard(characteristics, max_reasons=4):
    return Scorecard(
        model_version="sc-hand",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        target="bad",
        settings=ScorecardSettings(max_reasons=max_reasons),
        characteristics=tuple(characteristics),
        dropped=(),
        intercept=0.0,
        factor=20.0,
        offset=500.0,
    )


# Best bins: utilisation 60 points, payment ratio 50, age 30 (the missing age also 30).
UTIL = characteristic("utilisation_latest", "RS_UTILISATION", [0.5], [60, 20])
PAY = characteristic("payment_ratio_mean", "RS_PAYMENT_RATIO", [0.5], [10, 50])
AGE = characteristic("age", "RS_AGE", [30.0], [0, 30], missing_points=30)


def test_reasons_ordered_by_points_lost():
    model = hand_scorecard([UTIL, PAY, AGE])
    frame = pl.DataFrame({"utilisation_latest": [0.9], "payment_ratio_mean": [0.1], "age": [25]})
    scored = model.score(frame)
    # Losses: util 40, pay 40, age 30 -> the tie keeps model order.
    assert scored["reason_codes"].to_list() == [["RS_UTILISATION", "RS_PAYMENT_RATIO", "RS_AGE"]]
    assert scored["score"].to_list() == [30.0]


def test_reasons_skip_characteristics_without_loss():
    model = hand_scorecard([UTIL, PAY, AGE])
    frame = pl.DataFrame({"utilisation_latest": [0.1], "payment_ratio_mean": [0.1], "age": [45]})
    assert model.score(frame)["reason_codes"].to_list() == [["RS_PAYMENT_RATIO"]]


def test_reasons_empty_when_every_bin_is_best():
    model = hand_scorecard([UTIL, PAY, AGE])
    frame = pl.DataFrame({"utilisation_latest": [0.1], "payment_ratio_mean": [0.9], "age": [45]})
    scored = model.score(frame)
    assert scored["reason_codes"].to_list() == [[]]
    assert scored["reason_codes"].dtype == pl.List(pl.String)


def test_reasons_keep_shared_code_once_at_first_position():
    spending = characteristic("utilisation_max_6m", "RS_UTILISATION", [1.0], [35, 0])
    model = hand_scorecard([PAY, spending, AGE, UTIL])
    frame = pl.DataFrame(
        {
            "payment_ratio_mean": [0.1, 0.9],
            "utilisation_max_6m": [2.0, 2.0],
            "age": [25, 25],
            "utilisation_latest": [0.9, 0.1],
        }
    )
    # Row 0 losses: pay 40, util_max 35, age 30, util 40 -> RS_UTILISATION sits at pay's tie.
    # Row 1 losses: pay 0, util_max 35, age 30, util 0.
    assert model.score(frame)["reason_codes"].to_list() == [
        ["RS_PAYMENT_RATIO", "RS_UTILISATION", "RS_AGE"],
        ["RS_UTILISATION", "RS_AGE"],
    ]


def test_reasons_capped_at_max_reasons():
    model = hand_scorecard([UTIL, PAY, AGE], max_reasons=2)
    frame = pl.DataFrame({"utilisation_latest": [0.9], "payment_ratio_mean": [0.1], "age": [25]})
    assert model.score(frame)["reason_codes"].to_list() == [["RS_UTILISATION", "RS_PAYMENT_RATIO"]]


def test_missing_value_above_best_bin_gives_no_reason():
    richer_missing = characteristic("age", "RS_AGE", [30.0], [0, 30], missing_points=45)
    model = hand_scorecard([UTIL, richer_missing])
    frame = pl.DataFrame(
        {"utilisation_latest": [0.1], "age": [None]},
        schema={"utilisation_latest": pl.Float64, "age": pl.Int64},
    )
    scored = model.score(frame)
    assert scored["reason_codes"].to_list() == [[]]
    assert scored["score"].to_list() == [105.0]


def test_score_with_points_adds_one_column_per_characteristic():
    model = hand_scorecard([UTIL, PAY, AGE])
    frame = pl.DataFrame(
        {"utilisation_latest": [0.9, 0.1], "payment_ratio_mean": [0.1, None], "age": [25, 40]}
    )
    scored = model.score(frame, with_points=True)
    assert scored["points_utilisation_latest"].to_list() == [20.0, 60.0]
    assert scored["points_payment_ratio_mean"].to_list() == [10.0, 0.0]
    assert scored["points_age"].to_list() == [0.0, 30.0]
    assert scored["score"].to_list() == [30.0, 90.0]
    assert "points_age" not in model.score(frame).columns


def test_score_of_zero_rows():
    model = hand_scorecard([UTIL, PAY])
    frame = pl.DataFrame(schema={"utilisation_latest": pl.Float64, "payment_ratio_mean": pl.Float64})
    scored = model.score(frame)
    assert scored.height == 0
    assert scored.columns == ["utilisation_latest", "payment_ratio_mean", "score", "pd", "pd_raw", "reason_codes"]


def reference_reasons(losses, codes, max_reasons):
    """Plain-Python statement of the rule: sort by loss (stable), keep > 0, first code wins."""
    rows = []
    for row in losses:
        order = sorted(range(len(codes)), key=lambda j: -row[j])
        picked = []
        for j in order:
            if row[j] > 0 and codes[j] not in picked:
                picked.append(codes[j])
        rows.append(picked[:max_reasons])
    return rows


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_ranking_matches_plain_rule_on_random_tables(seed):
    rng = np.random.default_rng(seed)
    n_features = 7
    codes = [f"C{k}" for k in rng.integers(0, 4, n_features)]
    # Losses from a few integer levels make ties common; some slots lose nothing or gain.
    slot_losses = [rng.integers(-1, 4, size=5).astype(np.float64) for _ in range(n_features)]
    slots = [rng.integers(0, 5, size=300).astype(np.uint8) for _ in range(n_features)]
    losses = np.column_stack([slot_losses[j][slots[j]] for j in range(n_features)])

    ranked = rank_reason_codes(slots, slot_losses, codes, 3)

    assert ranked.to_list() == reference_reasons(losses.tolist(), codes, 3)
