"""LightGBM challenger: constraints, determinism, reason codes, JSON artifact, bad inputs."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest

from creditline.errors import InvalidInput
from creditline.scoring.challenger import (
    Challenger,
    ChallengerSettings,
    fit_challenger,
    monotone_constraints,
    rank_contributions,
)

CREATED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
FEATURES = ["utilisation_latest", "payment_ratio_mean", "age"]
TRENDS = {"utilisation_latest": "ascending", "payment_ratio_mean": "descending", "age": "auto"}
SMALL = ChallengerSettings(n_estimators=40, min_child_samples=20)


def synthetic_frame(n_rows: int = 2000, seed: int = 7) -> pl.DataFrame:
    """Rows whose log-odds of bad rise with utilisation and fall with the payment ratio."""
    rng = np.random.default_rng(seed)
    utilisation = rng.uniform(0.0, 1.2, n_rows)
    payment_ratio = rng.uniform(0.0, 1.0, n_rows)
    age = rng.integers(21, 70, n_rows).astype(np.float64)
    log_odds = -1.5 + 2.5 * utilisation - 2.0 * payment_ratio
    bad = (rng.random(n_rows) < 1.0 / (1.0 + np.exp(-log_odds))).astype(np.int64)
    utilisation[::50] = np.nan
    return pl.DataFrame(
        {"utilisation_latest": utilisation, "payment_ratio_mean": payment_ratio, "age": age, "bad": bad}
    )


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return synthetic_frame()


@pytest.fixture(scope="module")
def model(frame: pl.DataFrame) -> Challenger:
    return fit_challenger(frame, features=FEATURES, trends=TRENDS, settings=SMALL, created_at=CREATED)


def test_trends_map_to_constraints() -> None:
    constraints = monotone_constraints(["a", "b", "c", "d"], {"a": "ascending", "b": "descending", "c": "auto"})
    assert constraints == {"a": 1, "b": -1, "c": 0, "d": 0}


def test_invalid_trend_is_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        monotone_constraints(["a"], {"a": "up"})
    assert caught.value.render("en") == (
        "Risk trend 'up' of feature a is invalid: use one of ascending, descending, auto."
    )


def test_model_records_constraints_and_codes(model: Challenger) -> None:
    assert [(f.name, f.reason_code, f.monotone_constraint) for f in model.inputs] == [
        ("utilisation_latest", "RS_UTILISATION", 1),
        ("payment_ratio_mean", "RS_PAYMENT_RATIO", -1),
        ("age", "RS_AGE", 0),
    ]
    assert model.model_version.startswith("ch-")
    assert len(model.model_version) == 15
    assert model.training["rows"] == 2000


@pytest.mark.parametrize(("feature", "direction"), [("utilisation_latest", 1), ("payment_ratio_mean", -1)])
def test_pd_is_monotone_in_constrained_feature(model: Challenger, feature: str, direction: int) -> None:
    grid = np.linspace(-0.5, 1.5, 81)
    rng = np.random.default_rng(3)
    for _ in range(20):
        base = {"utilisation_latest": rng.uniform(0, 1.2), "payment_ratio_mean": rng.uniform(0, 1), "age": 40.0}
        rows = pl.DataFrame({name: grid if name == feature else np.full(grid.size, value) for name, value in base.items()})
        pd_values = model.score(rows)["pd"].to_numpy()
        steps = np.diff(pd_values) * direction
        assert (steps >= -1e-12).all()
    assert model.score(synthetic_frame(400, seed=9))["pd"].n_unique() > 10


def test_refit_gives_same_version_and_text(frame: pl.DataFrame, model: Challenger) -> None:
    again = fit_challenger(frame, features=FEATURES, trends=TRENDS, settings=SMALL, created_at=CREATED)
    assert again.model_version == model.model_version
    assert again.booster_text == model.booster_text


def test_score_uses_scorecard_points_scale(model: Challenger, frame: pl.DataFrame) -> None:
    scored = model.score(frame.head(200))
    pd_values = scored["pd"].to_numpy()
    expected = SMALL.offset - SMALL.factor * np.log(pd_values / (1.0 - pd_values))
    np.testing.assert_allclose(scored["score"].to_numpy(), expected, rtol=0, atol=1e-9)
    assert SMALL.factor == pytest.approx(20.0 / math.log(2.0))
    assert SMALL.offset == pytest.approx(600.0 - 20.0 / math.log(2.0) * math.log(50.0))


def test_json_round_trip_scores_identically(model: Challenger, frame: pl.DataFrame) -> None:
    text = model.to_json()
    loaded = Challenger.from_json(text)
    first = model.score(frame)
    second = loaded.score(frame)
    assert loaded.model_version == model.model_version
    assert loaded.created_at == CREATED
    assert loaded.inputs == model.inputs
    assert loaded.settings == model.settings
    assert first["score"].to_list() == second["score"].to_list()
    assert first["reason_codes"].to_list() == second["reason_codes"].to_list()


def test_artifact_embeds_lightgbm_text(model: Challenger) -> None:
    data = json.loads(model.to_json())
    assert data["format"] == "creditline.challenger"
    assert data["format_version"] == 1
    assert data["booster"].startswith("tree\nversion=v4\n")
    assert "monotone_constraints=1 -1 0" in data["booster"]
    assert data["scaling"] == {"factor": SMALL.factor, "offset": SMALL.offset}


def test_save_and_load_file(model: Challenger, tmp_path) -> None:
    path = model.save(tmp_path / "challenger.json")
    assert Challenger.load(path).model_version == model.model_version


def test_reasons_come_from_risk_raising_features(model: Challenger, frame: pl.DataFrame) -> None:
    rows = pl.DataFrame(
        {"utilisation_latest": [1.15, 0.05], "payment_ratio_mean": [0.02, 0.98], "age": [40.0, 40.0]}
    )
    scored = model.score(rows)
    risky, safe = scored["reason_codes"].to_list()
    assert risky[:2] in (["RS_UTILISATION", "RS_PAYMENT_RATIO"], ["RS_PAYMENT_RATIO", "RS_UTILISATION"])
    assert "RS_UTILISATION" not in safe
    assert "RS_PAYMENT_RATIO" not in safe
    assert model.score(frame)["reason_codes"].list.len().max() <= 3


def test_rank_contributions_dedupes_and_caps() -> None:
    contributions = np.array(
        [
            [0.5, 0.9, 0.7, -0.2, 0.1, 0.3],
            [-0.1, -0.3, 0.0, -0.2, -0.5, -0.4],
            [0.2, 0.2, 0.2, 0.2, 0.2, 0.2],
        ]
    )
    codes = ["RS_A", "RS_B", "RS_A", "RS_C", "RS_D", "RS_E"]
    reasons = rank_contributions(contributions, codes, 3)
    assert reasons.name == "reason_codes"
    assert reasons.to_list() == [["RS_B", "RS_A", "RS_E"], [], ["RS_A", "RS_B", "RS_C"]]


def test_rank_contributions_rejects_shape_mismatch() -> None:
    with pytest.raises(ValueError, match="3 contribution columns for 2 reason codes"):
        rank_contributions(np.zeros((1, 3)), ["RS_A", "RS_B"], 4)


def test_missing_column_is_named(model: Challenger, frame: pl.DataFrame) -> None:
    with pytest.raises(InvalidInput) as caught:
        model.score(frame.drop("age"))
    assert caught.value.render("en") == f"The data lacks columns that model {model.model_version} needs: age."


def test_text_feature_is_rejected(frame: pl.DataFrame) -> None:
    data = frame.with_columns(pl.col("age").cast(pl.String))
    with pytest.raises(InvalidInput) as caught:
        fit_challenger(data, features=FEATURES, settings=SMALL)
    assert caught.value.render("en") == "Feature age has dtype String; the challenger needs a numeric column."


def test_duplicate_features_are_rejected(frame: pl.DataFrame) -> None:
    with pytest.raises(InvalidInput) as caught:
        fit_challenger(frame, features=["age", "age"], settings=SMALL)
    assert caught.value.render("en") == "The feature list names age more than once; list each feature once."


def test_empty_feature_list_is_rejected(frame: pl.DataFrame) -> None:
    with pytest.raises(InvalidInput) as caught:
        fit_challenger(frame, features=[], settings=SMALL)
    assert caught.value.render("zh") == "挑战者模型没有输入特征：请至少指定一个数值特征。"


def test_non_binary_target_is_rejected(frame: pl.DataFrame) -> None:
    data = frame.with_columns(pl.when(pl.int_range(pl.len()) == 5).then(2).otherwise(pl.col("bad")).alias("bad"))
    with pytest.raises(InvalidInput) as caught:
        fit_challenger(data, features=FEATURES, settings=SMALL)
    assert caught.value.render("en") == (
        "Target column bad must hold only 0 (good) or 1 (bad) and no nulls; found 2."
    )


def test_null_target_is_rejected(frame: pl.DataFrame) -> None:
    data = frame.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(None).otherwise(pl.col("bad")).alias("bad"))
    with pytest.raises(InvalidInput, match="found null"):
        fit_challenger(data, features=FEATURES, settings=SMALL)


def test_single_class_target_is_rejected(frame: pl.DataFrame) -> None:
    with pytest.raises(InvalidInput) as caught:
        fit_challenger(frame.with_columns(pl.lit(0).alias("bad")), features=FEATURES, settings=SMALL)
    assert caught.value.render("en") == (
        "Target column bad has one class only (0 bads, 2000 goods); training needs both classes."
    )


def test_naive_creation_time_is_rejected(frame: pl.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="has no time zone"):
        fit_challenger(frame, features=FEATURES, settings=SMALL, created_at=datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [("n_estimators", 0, "int >= 1"), ("learning_rate", -0.1, "float > 0"), ("num_leaves", 1, "int >= 2"), ("seed", True, "int >= 0")],
)
def test_invalid_setting_is_rejected(name: str, value: object, allowed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        ChallengerSettings(**{name: value})  # type: ignore[arg-type]
    assert caught.value.render("en") == f"Challenger setting {name} is invalid: expected {allowed}, got {value!r}."


def test_unknown_setting_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="Unknown challenger settings: depth"):
        ChallengerSettings.from_dict({"depth": 3})


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: "not json", "The challenger artifact is not valid JSON: Expecting value: line 1 column 1 (char 0)"),
        (lambda d: json.dumps(d | {"format": "creditline.scorecard"}), "Not a challenger artifact: format is 'creditline.scorecard', expected creditline.challenger."),
        (lambda d: json.dumps(d | {"format_version": 2}), "Challenger artifact format_version 2 is not supported: this version reads 1. Retrain it with this version."),
        (lambda d: json.dumps({k: v for k, v in d.items() if k != "booster"}), "Invalid challenger artifact: field $.booster: missing."),
        (lambda d: json.dumps(d | {"features": []}), "Invalid challenger artifact: field $.features: the model has no features."),
        (lambda d: json.dumps(d | {"created_at": "2026-12-01T08:00:00"}), "Invalid challenger artifact: field $.created_at: the time has no time zone."),
    ],
    ids=["not-json", "format", "version", "missing-booster", "no-features", "naive-time"],
)
def test_broken_artifact_is_rejected(model: Challenger, edit, message: str) -> None:
    text = edit(json.loads(model.to_json()))
    with pytest.raises(InvalidInput) as caught:
        Challenger.from_json(text)
    assert caught.value.render("en") == message


def test_bad_constraint_in_artifact_is_rejected(model: Challenger) -> None:
    data = json.loads(model.to_json())
    data["features"][0]["monotone_constraint"] = 2
    with pytest.raises(InvalidInput) as caught:
        Challenger.from_json(json.dumps(data))
    assert caught.value.render("en") == (
        "Invalid challenger artifact: field $.features[0].monotone_constraint: 2 is not -1, 0 or 1."
    )


def test_scoring_from_json_needs_no_sklearn(model: Challenger, tmp_path) -> None:
    path = model.save(tmp_path / "challenger.json")
    script = f"""
import sys
sys.modules["sklearn"] = None  # any import of scikit-learn now raises ImportError
import polars as pl
from creditline.scoring.challenger import Challenger
model = Challenger.load({str(path)!r})
rows = pl.DataFrame({{"utilisation_latest": [0.9], "payment_ratio_mean": [0.1], "age": [30.0]}})
print(round(model.score(rows)["pd"][0], 12))
print(any(name == "sklearn" or name.startswith("sklearn.") for name, mod in sys.modules.items() if mod))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    expected = model.score(pl.DataFrame({"utilisation_latest": [0.9], "payment_ratio_mean": [0.1], "age": [30.0]}))
    assert done.stdout.split() == [str(round(expected["pd"][0], 12)), "False"]
