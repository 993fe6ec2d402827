import hashlib
import json
import math
import subprocess
import sys
from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest

from creditline.errors import InvalidInput
from creditline.scoring import Scorecard, ScorecardSettings, load_scorecard
from creditline.scoring.artifact import default_model_version, frame_fingerprint
from creditline.scoring.scorecard import MISSING_NEUTRAL, MISSING_OBSERVED, pd_from_score
from creditline.scoring.train import fit_logistic, fit_scorecard

FEATURES = [
    "utilisation_latest",
    "payment_ratio_mean",
    "noise",
    "sex",
    "constant_flag",
    "product",
    "rare_flag",
]
TRENDS = {"utilisation_latest": "ascending", "payment_ratio_mean": "descending"}
FIT_TIME = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)


def synthetic_frame(n=8000, seed=20):
    """Accounts whose bad rate rises with utilisation and falls with the payment ratio.

    ``sex`` is predictive on purpose, to show that an excluded attribute stays out even
    when it would help. Every tenth payment ratio is null, with the bad rate of a
    mid-range payer.
    """
    rng = np.random.default_rng(seed)
    utilisation = rng.uniform(0.0, 1.2, n)
    payment_ratio = rng.uniform(0.0, 1.0, n)
    sex = rng.integers(1, 3, n)
    log_odds = -2.2 + 2.8 * utilisation - 2.2 * payment_ratio + 0.8 * (sex == 2)
    bad = (rng.random(n) < 1 / (1 + np.exp(-log_odds))).astype(np.int64)
    payment_observed = np.where(np.arange(n) % 10 == 0, np.nan, payment_ratio)
    return pl.DataFrame(
        {
            "utilisation_latest": utilisation,
            "payment_ratio_mean": pl.Series(payment_observed).fill_nan(None),
            "noise": rng.normal(size=n),
            "sex": sex,
            "constant_flag": np.ones(n, dtype=np.int64),
            "product": ["card"] * n,
            "rare_flag": (np.arange(n) % 100 == 0).astype(np.int64),
            "bad": bad,
        }
    )


@pytest.fixture(scope="module")
def frame():
    return synthetic_frame()


@pytest.fixture(scope="module")
def model(frame):
    return fit_scorecard(frame, features=FEATURES, trends=TRENDS, created_at=FIT_TIME)


def points_of(characteristic):
    return [b.points for b in characteristic.bins]


def by_name(model, name):
    return next(c for c in model.characteristics if c.name == name)


def test_fit_keeps_informative_features_in_order(model):
    assert model.features == ("utilisation_latest", "payment_ratio_mean")


def test_points_fall_as_utilisation_rises(model):
    utilisation = by_name(model, "utilisation_latest")
    points = points_of(utilisation)
    assert len(points) >= 3
    assert all(a > b for a, b in zip(points, points[1:]))
    assert utilisation.trend == "ascending"
    assert utilisation.reason_code == "RS_UTILISATION"


def test_points_rise_with_payment_ratio(model):
    payment = by_name(model, "payment_ratio_mean")
    points = points_of(payment)
    assert all(a < b for a, b in zip(points, points[1:]))
    assert payment.trend == "descending"
    assert payment.reason_code == "RS_PAYMENT_RATIO"


def test_coefficients_are_negative(model):
    assert all(c.coefficient < 0 for c in model.characteristics)


def test_scaling_follows_base_score_odds_and_pdo(model):
    factor = 20 / math.log(2)
    assert model.factor == pytest.approx(factor, rel=1e-15)
    assert model.offset == pytest.approx(600 - factor * math.log(50), rel=1e-15)
    assert pd_from_score(np.array([600.0]), model.offset, model.factor)[0] == pytest.approx(1 / 51, rel=1e-12)
    assert pd_from_score(np.array([620.0]), model.offset, model.factor)[0] == pytest.approx(1 / 101, rel=1e-12)


def test_points_are_shifted_scaled_woe(model):
    n = len(model.characteristics)
    for characteristic in model.characteristics:
        for b in characteristic.bins:
            expected = (
                -(characteristic.coefficient * b.woe + model.intercept / n) * model.factor
                + model.offset / n
            )
            assert b.points == pytest.approx(expected, abs=1e-9)


def test_pd_equals_logistic_predict_proba(model, frame):
    woe = model.woe(frame).to_numpy()
    estimator = fit_logistic(woe, frame["bad"].to_numpy(), model.settings)
    np.testing.assert_allclose(
        estimator.coef_[0], [c.coefficient for c in model.characteristics], rtol=0, atol=1e-12
    )
    assert estimator.intercept_[0] == pytest.approx(model.intercept, abs=1e-12)
    expected = estimator.predict_proba(woe)[:, 1]
    scored = model.score(frame)
    np.testing.assert_allclose(scored["pd"].to_numpy(), expected, rtol=0, atol=1e-9)


def test_woe_uses_good_over_bad_share(model, frame):
    utilisation = by_name(model, "utilisation_latest")
    goods = frame.height - int(frame["bad"].sum())
    bads = int(frame["bad"].sum())
    for b in utilisation.bins:
        bin_bads = round(b.bad_rate * b.count)
        expected = math.log(((b.count - bin_bads) / goods) / (bin_bads / bads))
        assert b.woe == pytest.approx(expected, rel=1e-12)


def test_excluded_attribute_never_used(model, frame):
    assert "sex" not in model.features
    assert [d for d in model.dropped if d.name == "sex"][0].reason == "excluded attribute"
    flipped = frame.with_columns((3 - pl.col("sex")).alias("sex"))
    assert model.score(flipped)["score"].to_list() == model.score(frame)["score"].to_list()
    assert model.score(frame.drop("sex")).height == frame.height


def test_custom_excluded_attribute_is_dropped(frame):
    settings = ScorecardSettings(excluded_attributes=("payment_ratio_mean",))
    fitted = fit_scorecard(frame, features=["utilisation_latest", "payment_ratio_mean"], settings=settings)
    assert fitted.features == ("utilisation_latest",)
    assert fitted.dropped[0].name == "payment_ratio_mean"
    assert fitted.dropped[0].reason == "excluded attribute"


def test_dropped_features_carry_reasons(model):
    reasons = {d.name: d.reason for d in model.dropped}
    assert reasons == {
        "noise": "information value below minimum",
        "sex": "excluded attribute",
        "constant_flag": "constant value",
        "product": "constant value",
        "rare_flag": "single bin",
    }
    noise = next(d for d in model.dropped if d.name == "noise")
    assert noise.iv is not None and noise.iv < 0.02


def test_iv_table_lists_every_requested_feature(model):
    table = model.iv_table()
    assert table.columns == ["feature", "iv", "selected", "reason"]
    assert table["feature"].to_list()[:3] == ["utilisation_latest", "payment_ratio_mean", "noise"]
    assert sorted(table["feature"].to_list()) == sorted(FEATURES)
    assert table.filter(pl.col("selected"))["reason"].to_list() == [None, None]
    assert table.filter(pl.col("feature") == "sex")["iv"].to_list() == [None]


def test_observed_missing_values_get_own_bin(model, frame):
    payment = by_name(model, "payment_ratio_mean")
    assert payment.missing_bin.rule == MISSING_OBSERVED
    assert payment.missing_bin.count == 800
    # A mid-range payer's risk: the missing bin lies strictly inside the bin range.
    points = points_of(payment)
    assert min(points) < payment.missing_bin.points < max(points)
    rows = frame.head(2).with_columns(
        pl.Series("payment_ratio_mean", [None, float("nan")], dtype=pl.Float64)
    )
    scored = model.score(rows, with_points=True)
    assert scored["points_payment_ratio_mean"].to_list() == [payment.missing_bin.points] * 2


def test_unseen_missing_gets_neutral_bin_points(model, frame):
    utilisation = by_name(model, "utilisation_latest")
    assert utilisation.missing_bin.rule == MISSING_NEUTRAL
    assert utilisation.missing_bin.count == 0
    assert utilisation.missing_bin.bad_rate is None
    neutral = min(utilisation.bins, key=lambda b: abs(b.woe))
    assert utilisation.missing_bin.points == neutral.points
    rows = frame.head(1).with_columns(pl.lit(None, dtype=pl.Float64).alias("utilisation_latest"))
    scored = model.score(rows, with_points=True)
    assert scored["points_utilisation_latest"].to_list() == [neutral.points]


def test_values_beyond_training_range_use_outer_bins(model, frame):
    utilisation = by_name(model, "utilisation_latest")
    rows = frame.head(4).with_columns(
        pl.Series("utilisation_latest", [-5.0, 1e9, float("-inf"), float("inf")])
    )
    scored = model.score(rows, with_points=True)
    first, last = utilisation.bins[0].points, utilisation.bins[-1].points
    assert scored["points_utilisation_latest"].to_list() == [first, last, first, last]


def test_points_columns_sum_to_score(model, frame):
    scored = model.score(frame.head(50), with_points=True)
    total = scored["points_utilisation_latest"] + scored["points_payment_ratio_mean"]
    np.testing.assert_allclose(scored["score"].to_numpy(), total.to_numpy(), rtol=0, atol=1e-9)


def test_scores_integer_and_boolean_columns(model, frame):
    rows = frame.head(3).with_columns(pl.Series("utilisation_latest", [0, 1, 1], dtype=pl.Int32))
    floats = rows.with_columns(pl.col("utilisation_latest").cast(pl.Float64))
    assert model.score(rows)["score"].to_list() == model.score(floats)["score"].to_list()


def test_json_round_trip_gives_identical_scores(model, frame):
    loaded = Scorecard.from_json(model.to_json())
    assert loaded == model
    assert loaded.score(frame).equals(model.score(frame))


def test_save_writes_json_not_pickle(model, frame, tmp_path):
    path = model.save(tmp_path / "scorecard.json")
    raw = path.read_bytes()
    assert raw[:1] == b"{"
    assert json.loads(raw)["format"] == "creditline.scorecard"
    assert load_scorecard(path).score(frame).equals(model.score(frame))


def test_artifact_records_settings_and_training(model, frame):
    artifact = json.loads(model.to_json())
    assert artifact["format_version"] == 2
    assert artifact["created_at"] == "2025-06-30T12:00:00+00:00"
    assert artifact["target"] == "bad"
    assert artifact["settings"]["base_score"] == 600.0
    assert artifact["settings"]["excluded_attributes"] == ["sex", "marital_status"]
    assert artifact["settings"]["random_state"] == 0
    assert artifact["training"]["rows"] == 8000
    assert artifact["training"]["bads"] == int(frame["bad"].sum())
    assert artifact["training"]["bad_rate"] == pytest.approx(frame["bad"].mean(), rel=1e-15)
    columns = [name for name in FEATURES if name != "sex"] + ["bad"]
    assert artifact["training"]["fingerprint"] == frame_fingerprint(frame, columns)
    assert artifact["scaling"] == {"factor": model.factor, "offset": model.offset}
    feature = artifact["features"][0]
    assert feature["bins"][0]["lower"] is None
    assert feature["bins"][-1]["upper"] is None
    assert feature["bins"][0]["upper"] == feature["splits"][0]
    assert feature["missing_bin"]["rule"] == "neutral bin"
    assert set(artifact["metrics"]) == {"train_auc", "train_ks", "train_gini"}
    assert artifact["metrics"]["train_auc"] > 0.7
    assert feature["dtype"] == "numerical"
    assert feature["special_bins"] == []
    assert artifact["calibration"] is None
    assert [w["feature"] for w in artifact["warnings"]] == ["rare_flag"]


def test_model_version_is_hash_of_artifact_body(model, frame):
    assert model.model_version == default_model_version(model)
    assert len(model.model_version) == 15
    assert model.model_version.startswith("sc-")
    refit = fit_scorecard(frame, features=FEATURES, trends=TRENDS)
    assert refit.model_version == model.model_version


def test_given_model_version_is_kept(frame):
    fitted = fit_scorecard(frame, features=["utilisation_latest"], model_version="sc-champion-7")
    assert fitted.model_version == "sc-champion-7"


def test_fingerprint_changes_with_one_value(frame):
    changed = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(0.123).otherwise(pl.col("noise")).alias("noise")
    )
    assert frame_fingerprint(frame, ["noise", "bad"]) != frame_fingerprint(changed, ["noise", "bad"])
    assert frame_fingerprint(frame, ["noise", "bad"]) == frame_fingerprint(frame.clone(), ["noise", "bad"])


def test_positive_coefficient_feature_is_dropped():
    rng = np.random.default_rng(3)
    n = 8000
    strong = rng.normal(size=n)
    shadow = strong + 0.5 * rng.normal(size=n)
    # Given the strong feature, a higher shadow value lowers risk, though alone it raises it.
    log_odds = -1.2 + 2.0 * strong - 1.0 * shadow
    bad = (rng.random(n) < 1 / (1 + np.exp(-log_odds))).astype(np.int64)
    frame = pl.DataFrame({"strong": strong, "shadow": shadow, "bad": bad})
    # Correlation and VIF selection would drop the shadow first; switch them off here.
    settings = ScorecardSettings(max_correlation=1.0, max_vif=1e9, stepwise="none")
    fitted = fit_scorecard(frame, features=["strong", "shadow"], settings=settings)
    assert fitted.features == ("strong",)
    assert fitted.dropped[0].name == "shadow"
    assert fitted.dropped[0].reason == "coefficient sign reversed"
    assert fitted.dropped[0].iv > 0.02


def test_binning_failure_falls_back_to_prebinning(frame, monkeypatch):
    import optbinning

    original = optbinning.OptimalBinning.fit

    def failing_fit(self, x, y, *args, **kwargs):
        if self.name == "payment_ratio_mean":
            raise RuntimeError("solver crashed")
        return original(self, x, y, *args, **kwargs)

    monkeypatch.setattr(optbinning.OptimalBinning, "fit", failing_fit)
    fitted = fit_scorecard(frame, features=["utilisation_latest", "payment_ratio_mean"], trends=TRENDS)
    assert fitted.features == ("utilisation_latest", "payment_ratio_mean")
    assert fitted.warnings[0].feature == "payment_ratio_mean"
    assert fitted.warnings[0].detail == (
        "optbinning gave no usable bins (RuntimeError: solver crashed); quantile pre-binning used"
    )
    bad_rates = [b.bad_rate for b in by_name(fitted, "payment_ratio_mean").bins]
    assert bad_rates == sorted(bad_rates, reverse=True)


def test_all_missing_feature_is_dropped(frame):
    rows = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("empty"))
    fitted = fit_scorecard(rows, features=["utilisation_latest", "empty"])
    assert [(d.name, d.reason) for d in fitted.dropped] == [("empty", "all values missing")]


def test_infinite_training_values_fall_in_outer_bins(frame):
    rows = frame.with_columns(
        pl.when(pl.int_range(pl.len()) < 3)
        .then(float("inf"))
        .otherwise(pl.col("utilisation_latest"))
        .alias("utilisation_latest")
    )
    fitted = fit_scorecard(rows, features=["utilisation_latest"], trends=TRENDS)
    assert fitted.characteristics[0].missing_bin.count == 0
    assert sum(b.count for b in fitted.characteristics[0].bins) == frame.height


def test_no_usable_feature_raises(frame):
    with pytest.raises(InvalidInput) as caught:
        fit_scorecard(frame, features=["noise", "sex"])
    assert caught.value.render("en") == (
        "No feature is usable for the scorecard. Dropped features and reasons: "
        "noise: information value below minimum; sex: excluded attribute."
    )


def test_non_binary_target_raises(frame):
    rows = frame.with_columns(pl.col("bad") * 2)
    with pytest.raises(InvalidInput) as caught:
        fit_scorecard(rows, features=["noise"])
    assert caught.value.render("en") == (
        "Target column bad must hold only 0 (good) or 1 (bad) and no nulls; found 2.0."
    )


def test_single_class_target_raises(frame):
    rows = frame.with_columns(pl.lit(0).alias("bad"))
    with pytest.raises(InvalidInput) as caught:
        fit_scorecard(rows, features=["noise"])
    assert caught.value.render("en") == (
        "Target column bad has one class only (0 bads, 8000 goods); training needs both classes."
    )


def test_unknown_trend_raises(frame):
    with pytest.raises(InvalidInput) as caught:
        fit_scorecard(frame, features=["noise"], trends={"noise": "up"})
    assert caught.value.render("en") == (
        "Trend 'up' of feature noise is invalid: use one of ascending, descending, auto."
    )


def test_missing_training_column_raises(frame):
    with pytest.raises(InvalidInput) as caught:
        fit_scorecard(frame, features=["noise", "income"], target="default_flag")
    assert caught.value.render("en") == (
        "The training data lacks the columns income, default_flag; check the feature and target names."
    )


def test_naive_creation_time_raises(frame):
    with pytest.raises(InvalidInput) as caught:
        fit_scorecard(frame, features=["utilisation_latest"], created_at=datetime(2025, 6, 30))
    assert caught.value.render("en") == (
        "Model creation time 2025-06-30T00:00:00 has no time zone; "
        "pass an aware datetime such as datetime.now(UTC)."
    )


def test_trend_enum_is_stored_as_text(frame):
    from creditline.profile.catalog import RiskTrend

    fitted = fit_scorecard(
        frame, features=["utilisation_latest"], trends={"utilisation_latest": RiskTrend.ASCENDING}
    )
    assert json.loads(fitted.to_json())["features"][0]["requested_trend"] == "ascending"
    assert type(fitted.characteristics[0].requested_trend) is str


def test_repeated_feature_raises(frame):
    with pytest.raises(InvalidInput) as caught:
        fit_scorecard(frame, features=["noise", "noise"])
    assert caught.value.render("en") == "Invalid feature list: repeated names: noise."


def test_scoring_missing_column_raises(model, frame):
    with pytest.raises(InvalidInput) as caught:
        model.score(frame.drop("payment_ratio_mean"))
    assert caught.value.render("en") == (
        f"The data to score lacks columns that scorecard {model.model_version} needs: payment_ratio_mean."
    )


def test_scoring_text_column_raises(model, frame):
    rows = frame.with_columns(pl.col("utilisation_latest").cast(pl.String))
    with pytest.raises(InvalidInput) as caught:
        model.score(rows)
    assert caught.value.render("en") == (
        "Feature utilisation_latest has dtype String; scoring needs a numeric column."
    )


def test_scoring_leaves_input_unchanged(model, frame):
    before = frame.clone()
    model.score(frame, with_points=True)
    assert frame.equals(before)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"format": "other.model"},
            "Not a scorecard artifact: format is 'other.model', expected creditline.scorecard.",
        ),
        (
            {"format_version": 3},
            "Scorecard artifact format_version 3 is not supported: this version reads 1, 2. "
            "Retrain or export it again with this version.",
        ),
        ({"intercept": None}, "Invalid scorecard artifact: field $.intercept: expected a finite number, got None."),
        ({"created_at": "2025-06-30"}, "Invalid scorecard artifact: field $.created_at: expected a timestamp with a UTC offset, got '2025-06-30'."),
        ({"settings": {"pdo": -1}}, "Scorecard setting pdo is invalid: expected float > 0, got -1."),
        ({"features": []}, "Invalid scorecard artifact: field $.features: the scorecard has no characteristics."),
    ],
)
def test_from_json_rejects_broken_artifact(model, change, message):
    artifact = json.loads(model.to_json()) | change
    with pytest.raises(InvalidInput) as caught:
        Scorecard.from_json(json.dumps(artifact))
    assert caught.value.render("en") == message


def test_from_json_rejects_missing_bin_field(model):
    artifact = json.loads(model.to_json())
    del artifact["features"][1]["bins"][2]["points"]
    with pytest.raises(InvalidInput) as caught:
        Scorecard.from_json(json.dumps(artifact))
    assert caught.value.render("en") == (
        "Invalid scorecard artifact: field $.features[1].bins[2].points: missing."
    )


def test_from_json_rejects_bins_not_matching_splits(model):
    artifact = json.loads(model.to_json())
    artifact["features"][0]["splits"] = artifact["features"][0]["splits"][:-1]
    n_bins = len(artifact["features"][0]["bins"])
    with pytest.raises(InvalidInput) as caught:
        Scorecard.from_json(json.dumps(artifact))
    assert caught.value.render("en") == (
        f"Invalid scorecard artifact: field $.features[0].bins: {n_bins} bins for {n_bins - 2} splits; "
        f"expected {n_bins - 1}."
    )


def test_from_json_rejects_text_that_is_not_json():
    with pytest.raises(InvalidInput) as caught:
        Scorecard.from_json("model: v1")
    assert caught.value.render("en") == (
        "The scorecard artifact is not valid JSON: Expecting value: line 1 column 1 (char 0)"
    )


def test_settings_reject_invalid_value():
    with pytest.raises(InvalidInput) as caught:
        ScorecardSettings(min_bin_share=0.7)
    assert caught.value.render("en") == (
        "Scorecard setting min_bin_share is invalid: expected 0 < float <= 0.5, got 0.7."
    )
    assert caught.value.render("zh") == "评分卡参数 min_bin_share 无效：取值应为 0 < float <= 0.5，实际为 0.7。"


def test_settings_round_trip_through_dict():
    settings = ScorecardSettings(pdo=40.0, excluded_attributes=("sex",), max_reasons=2)
    assert ScorecardSettings.from_dict(settings.to_dict()) == settings


def test_scoring_imports_no_training_libraries(model, tmp_path, frame):
    path = model.save(tmp_path / "scorecard.json")
    frame.head(20).write_parquet(tmp_path / "rows.parquet")
    script = (
        "import sys, polars as pl\n"
        "from creditline.scoring import load_scorecard\n"
        f"model = load_scorecard({str(path)!r})\n"
        f"model.score(pl.read_parquet({str(tmp_path / 'rows.parquet')!r}))\n"
        "print(sorted(m for m in ('optbinning', 'sklearn', 'pandas') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_artifact_is_stable_text(model):
    text = model.to_json()
    assert Scorecard.from_json(text).to_json() == text
    assert hashlib.sha256(text.encode()).hexdigest() == hashlib.sha256(model.to_json().encode()).hexdigest()
