"""Binning inputs that used to break or silently degrade a fit, each with its expected outcome."""

import json
import math

import numpy as np
import polars as pl
import pytest

from creditline.errors import InvalidInput
from creditline.scoring import Scorecard, ScorecardSettings
from creditline.scoring.binning import ZERO_CELL_CORRECTION, bin_feature, prebinning_splits
from creditline.scoring.scorecard import DroppedFeature
from creditline.scoring.train import fit_scorecard

# Selection and stepwise off: these tests look at binning alone.
PLAIN = ScorecardSettings(stepwise="none", max_correlation=1.0, max_vif=1e9)


def logistic_frame(n=6000, seed=7):
    rng = np.random.default_rng(seed)
    utilisation = rng.uniform(0.0, 1.2, n)
    bad = (rng.random(n) < 1 / (1 + np.exp(-(-2.0 + 2.5 * utilisation)))).astype(np.int64)
    return pl.DataFrame({"utilisation": utilisation, "bad": bad})


def test_perfect_separator_keeps_two_bins():
    x = np.arange(1000, dtype=np.float64)
    frame = pl.DataFrame({"x": x, "bad": (x >= 500).astype(np.int64)})

    model = fit_scorecard(frame, features=["x"], trends={"x": "ascending"}, settings=PLAIN)

    characteristic = model.characteristics[0]
    assert characteristic.splits == (500.0,)
    assert [b.count for b in characteristic.bins] == [500, 500]
    assert [b.bad_rate for b in characteristic.bins] == [0.0, 1.0]
    # Pure bins get 0.5 added to both counts: ln((500.5/500) / (0.5/500)) for the good bin.
    assert characteristic.bins[0].woe == pytest.approx(math.log(500.5 / 0.5))
    assert characteristic.bins[1].woe == pytest.approx(math.log(0.5 / 500.5))
    assert all(math.isfinite(b.points) for b in characteristic.bins)
    assert model.warnings[0].detail == "optbinning gave no usable bins (one bin); quantile pre-binning used"


def test_zero_cell_correction_is_one_half():
    assert ZERO_CELL_CORRECTION == 0.5


def test_constant_column_is_dropped():
    frame = logistic_frame().with_columns(pl.lit(3.0).alias("flat"))
    model = fit_scorecard(frame, features=["utilisation", "flat"], settings=PLAIN)
    assert [(d.name, d.reason, d.detail) for d in model.dropped] == [("flat", "constant value", "every value is 3.0")]


def test_all_missing_column_is_dropped():
    frame = logistic_frame().with_columns(pl.lit(None, dtype=pl.Float64).alias("empty"))
    model = fit_scorecard(frame, features=["utilisation", "empty"], settings=PLAIN)
    assert [(d.name, d.reason) for d in model.dropped] == [("empty", "all values missing")]


def test_only_special_values_count_as_missing():
    frame = logistic_frame().with_columns(pl.lit(-1.0).alias("bureau_debt"))
    settings = ScorecardSettings(special_values={"bureau_debt": [-1]}, stepwise="none")
    model = fit_scorecard(frame, features=["utilisation", "bureau_debt"], settings=settings)
    assert model.dropped[0].detail == "no finite value outside the special values"


def test_target_with_one_bad_names_counts():
    frame = pl.DataFrame({"x": np.arange(100.0), "bad": [1] + [0] * 99})
    with pytest.raises(InvalidInput) as caught:
        fit_scorecard(frame, features=["x"])
    assert caught.value.render("en") == (
        "Target column bad has too few rows of one class: 1 bads and 99 goods; "
        "training needs at least 10 of each (setting min_class_rows)."
    )
    assert caught.value.render("zh") == (
        "目标列 bad 的样本太少：坏 1 个、好 99 个，训练需要好坏各至少 10 个（参数 min_class_rows）。"
    )


def test_target_without_bads_names_counts():
    frame = pl.DataFrame({"x": np.arange(100.0), "bad": [0] * 100})
    with pytest.raises(InvalidInput) as caught:
        fit_scorecard(frame, features=["x"])
    assert caught.value.render("en") == (
        "Target column bad has one class only (0 bads, 100 goods); training needs both classes."
    )


def test_duplicated_csv_header_raises(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("x,x,bad\n1,2,0\n3,4,1\n", encoding="utf-8")
    frame = pl.read_csv(path)
    with pytest.raises(InvalidInput) as caught:
        fit_scorecard(frame, features=["x"])
    assert caught.value.render("en") == (
        "The training data has duplicated column names: x_duplicated_0. A repeated CSV header is "
        'renamed to "<name>_duplicated_<n>" on reading; make each column name appear once in the source file.'
    )


def test_repeated_feature_name_raises():
    with pytest.raises(InvalidInput) as caught:
        fit_scorecard(logistic_frame(), features=["utilisation", "utilisation"])
    assert caught.value.render("en") == "Invalid feature list: repeated names: utilisation."


def test_values_beyond_training_range_use_outer_bins():
    frame = logistic_frame()
    model = fit_scorecard(frame, features=["utilisation"], trends={"utilisation": "ascending"}, settings=PLAIN)
    bins = model.characteristics[0].bins
    scored = model.score(pl.DataFrame({"utilisation": [-50.0, 1e9, float("inf"), float("-inf")]}), with_points=True)
    assert scored["points_utilisation"].to_list() == [bins[0].points, bins[-1].points, bins[-1].points, bins[0].points]


def test_special_value_keeps_its_own_woe():
    frame = logistic_frame()
    rng = np.random.default_rng(1)
    no_file = rng.random(frame.height) < 0.1
    # Accounts without a bureau file are much riskier than their utilisation alone implies.
    bad = np.where(no_file, (rng.random(frame.height) < 0.6).astype(np.int64), frame["bad"].to_numpy())
    frame = frame.with_columns(
        pl.Series("utilisation", np.where(no_file, -1.0, frame["utilisation"].to_numpy())), pl.Series("bad", bad)
    )
    settings = ScorecardSettings(special_values={"utilisation": [-1, -2]}, stepwise="none")

    model = fit_scorecard(frame, features=["utilisation"], trends={"utilisation": "ascending"}, settings=settings)

    characteristic = model.characteristics[0]
    observed, unseen = characteristic.special_bins
    assert (observed.value, observed.count, observed.rule) == (-1.0, int(no_file.sum()), "observed")
    assert observed.bad_rate == pytest.approx(bad[no_file].mean())
    n_bads = int(bad.sum())
    special_bads = int(bad[no_file].sum())
    special_goods = int(no_file.sum()) - special_bads
    expected_woe = math.log((special_goods / (bad.size - n_bads)) / (special_bads / n_bads))
    assert observed.woe == pytest.approx(expected_woe, rel=1e-12)
    assert characteristic.splits[0] > 0  # -1 did not become the lowest utilisation bin
    assert (unseen.value, unseen.count, unseen.rule) == (-2.0, 0, "neutral bin")
    neutral = min(characteristic.bins, key=lambda b: abs(b.woe))
    assert unseen.points == neutral.points
    scored = model.score(pl.DataFrame({"utilisation": [-1.0, -2.0, None]}), with_points=True)
    points = scored["points_utilisation"].to_list()
    assert points[:2] == [observed.points, unseen.points]
    reloaded = Scorecard.from_json(model.to_json())
    assert reloaded.score(frame)["score"].to_list() == model.score(frame)["score"].to_list()


def test_requested_trend_not_met_is_dropped_with_warning():
    frame = logistic_frame()
    model_frame = frame.with_columns((-pl.col("utilisation")).alias("headroom"))
    # The bad rate falls as headroom rises, so "ascending" cannot hold.
    model = fit_scorecard(
        model_frame,
        features=["utilisation", "headroom"],
        trends={"utilisation": "ascending", "headroom": "ascending"},
        settings=PLAIN,
    )
    assert model.features == ("utilisation",)
    detail = (
        "requested trend ascending gives one bin, but the bad rate is descending in the data; "
        "check the trend setting of headroom"
    )
    assert [(d.name, d.reason, d.detail) for d in model.dropped] == [("headroom", "requested trend not met", detail)]
    artifact = json.loads(model.to_json())
    assert {"feature": "headroom", "detail": f"requested trend not met: {detail}"} in artifact["warnings"]


def test_prebinning_respects_minimum_bin_share():
    rng = np.random.default_rng(9)
    x = rng.uniform(size=5000)
    y = (rng.random(5000) < x * 0.4).astype(np.int64)
    splits = prebinning_splits(x, y, "ascending", ScorecardSettings(min_bin_share=0.1))
    counts = np.bincount(np.searchsorted(np.asarray(splits), x, side="right"))
    assert counts.min() >= 500
    rates = np.bincount(np.searchsorted(np.asarray(splits), x, side="right"), weights=y) / counts
    assert list(rates) == sorted(rates)


def categorical_frame(n=6000, seed=11):
    rng = np.random.default_rng(seed)
    labels = np.array(["上海", "北京", "深圳,南山", "广州;天河", "成都|高新"])
    risk = np.array([0.05, 0.08, 0.2, 0.3, 0.45])
    city = rng.integers(0, len(labels), n)
    bad = (rng.random(n) < risk[city]).astype(np.int64)
    return pl.DataFrame({"所在城市": labels[city], "bad": bad})


def test_chinese_categories_with_separators_round_trip():
    frame = categorical_frame()
    model = fit_scorecard(frame, features=["所在城市"], settings=PLAIN)

    characteristic = model.characteristics[0]
    assert characteristic.dtype == "categorical"
    assert characteristic.trend == "none"
    labels = sorted(label for group in characteristic.categories for label in group)
    assert labels == sorted(["上海", "北京", "深圳,南山", "广州;天河", "成都|高新"])
    rates = [b.bad_rate for b in characteristic.bins]
    assert rates == sorted(rates)
    text = model.to_json()
    assert "深圳,南山" in text  # stored as a JSON string, never split on the comma
    reloaded = Scorecard.from_json(text)
    assert reloaded.characteristics[0].categories == characteristic.categories
    assert reloaded.score(frame)["score"].to_list() == model.score(frame)["score"].to_list()
    assert model.iv_table()["feature"].to_list() == ["所在城市"]


def test_unseen_category_gets_neutral_bin():
    frame = categorical_frame()
    model = fit_scorecard(frame, features=["所在城市"], settings=PLAIN)
    characteristic = model.characteristics[0]
    neutral = min(range(len(characteristic.bins)), key=lambda k: abs(characteristic.bins[k].woe))
    assert characteristic.unseen_bin == neutral

    scored = model.score(pl.DataFrame({"所在城市": ["拉萨", None, "上海"]}), with_points=True)
    points = scored["points_所在城市"].to_list()
    assert points[0] == characteristic.bins[neutral].points
    assert points[1] == characteristic.missing_bin.points


def test_categorical_trend_is_ignored_with_warning():
    frame = categorical_frame()
    model = fit_scorecard(frame, features=["所在城市"], trends={"所在城市": "ascending"}, settings=PLAIN)
    assert model.characteristics[0].requested_trend == "ascending"
    assert model.warnings[0].detail == "trend ascending ignored: a categorical feature is ordered by bad rate"


def test_numeric_codes_can_be_categorical():
    rng = np.random.default_rng(3)
    code = rng.integers(1, 5, 5000)
    bad = (rng.random(5000) < np.array([0, 0.3, 0.05, 0.2, 0.1])[code]).astype(np.int64)
    frame = pl.DataFrame({"channel": code, "bad": bad})
    settings = ScorecardSettings(categorical_features=("channel",), stepwise="none")
    model = fit_scorecard(frame, features=["channel"], settings=settings)
    groups = model.characteristics[0].categories
    # Channel 2 (bad rate 0.05) is the safest and 1 (0.3) the riskiest, whatever their codes.
    assert groups[0][0] == "2"
    assert groups[-1][-1] == "1" or "1" in groups[-1]


def test_version_1_artifact_still_loads():
    frame = logistic_frame()
    model = fit_scorecard(frame, features=["utilisation"], trends={"utilisation": "ascending"}, settings=PLAIN)
    artifact = json.loads(model.to_json())
    artifact["format_version"] = 1
    for key in ("selection", "warnings", "calibration"):
        del artifact[key]
    for feature in artifact["features"]:
        for key in ("dtype", "categories", "unseen_bin", "special_bins"):
            del feature[key]
    artifact["settings"] = {k: v for k, v in artifact["settings"].items() if k in ("base_score", "pdo", "base_odds")}

    loaded = Scorecard.from_json(json.dumps(artifact))

    assert loaded.characteristics[0].dtype == "numerical"
    assert loaded.calibration is None
    assert loaded.score(frame)["score"].to_list() == model.score(frame)["score"].to_list()


def test_special_values_setting_rejects_empty_list():
    with pytest.raises(InvalidInput) as caught:
        ScorecardSettings(special_values={"bureau_debt": []})
    assert caught.value.render("en") == (
        "Scorecard setting special_values is invalid: expected {feature: [1 to 16 distinct finite numbers or "
        "strings]}, got (('bureau_debt', ()),)."
    )


def test_settings_with_special_values_round_trip():
    settings = ScorecardSettings(special_values={"bureau_debt": [-1, -2]}, categorical_features=["city"])
    data = settings.to_dict()
    assert data["special_values"] == {"bureau_debt": [-1, -2]}
    assert ScorecardSettings.from_dict(json.loads(json.dumps(data))) == settings
