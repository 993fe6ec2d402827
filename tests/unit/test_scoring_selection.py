"""Feature selection: correlation, VIF, stepwise and L1, and their record in the artifact."""

import json
import math

import numpy as np
import polars as pl
import pytest

from creditline.scoring import ScorecardSettings
from creditline.scoring.selection import (
    correlation_filter,
    forward_stepwise,
    l1_filter,
    logistic_fit,
    variance_inflation,
    vif_filter,
)
from creditline.scoring.train import fit_scorecard


def risk_frame(n=8000, seed=4):
    """Two informative features, a near copy of the first, and pure noise."""
    rng = np.random.default_rng(seed)
    utilisation = rng.uniform(0.0, 1.2, n)
    payment = rng.uniform(0.0, 1.0, n)
    copy = utilisation + rng.normal(scale=0.02, size=n)
    noise = rng.normal(size=n)
    log_odds = -2.0 + 2.6 * utilisation - 2.0 * payment
    bad = (rng.random(n) < 1 / (1 + np.exp(-log_odds))).astype(np.int64)
    return pl.DataFrame({"utilisation": utilisation, "payment": payment, "copy": copy, "noise": noise, "bad": bad})


def test_correlation_drops_lower_iv_feature():
    rng = np.random.default_rng(0)
    a = rng.normal(size=1000)
    woe = np.column_stack([a, a * 0.99 + rng.normal(scale=0.01, size=1000), rng.normal(size=1000)])
    result = correlation_filter(["a", "b", "c"], woe, {"a": 0.2, "b": 0.3, "c": 0.1}, 0.7)
    assert result.kept == ["b", "c"]
    assert [(d.name, d.reason) for d in result.dropped] == [("a", "correlated with a stronger feature")]
    assert result.dropped[0].detail.endswith("> 0.7 with b")
    dropped_step = next(s for s in result.steps if s.feature == "a")
    assert dropped_step.value > 0.99


def test_vif_of_exact_combination_is_infinite():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(500, 2))
    woe = np.column_stack([x, x[:, 0] + x[:, 1]])
    assert math.isinf(variance_inflation(woe)[2])

    result = vif_filter(["x1", "x2", "sum"], woe, {"x1": 0.3, "x2": 0.2, "sum": 0.4}, 10.0)
    assert len(result.kept) == 2
    assert result.dropped[0].detail == "VIF infinite (exact linear combination) > 10.0"
    assert result.steps[0].value is None


def test_vif_of_independent_columns_is_near_one():
    woe = np.random.default_rng(2).normal(size=(5000, 3))
    assert np.allclose(variance_inflation(woe), 1.0, atol=0.01)
    assert variance_inflation(woe[:, :1]).tolist() == [1.0]


def test_logistic_fit_matches_scikit_learn():
    from sklearn.linear_model import LogisticRegression

    frame = risk_frame()
    x = frame.select("utilisation", "payment").to_numpy()
    y = frame["bad"].to_numpy()
    fit = logistic_fit(x, y)
    reference = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(x, y)
    assert fit.coefficients[0] == pytest.approx(reference.intercept_[0], abs=1e-4)
    assert fit.coefficients[1:] == pytest.approx(reference.coef_[0], abs=1e-4)
    assert fit.aic == pytest.approx(6.0 - 2.0 * fit.log_likelihood)


def test_forward_aic_leaves_out_noise():
    frame = risk_frame()
    woe = frame.select("utilisation", "payment", "noise").to_numpy()
    result = forward_stepwise(
        ["utilisation", "payment", "noise"], woe, frame["bad"].to_numpy(), criterion="aic", entry_p_value=0.05
    )
    assert result.kept == ["utilisation", "payment"]
    assert [s.feature for s in result.steps if s.reason == "kept"] == ["utilisation", "payment"]
    assert result.dropped[0].name == "noise"
    assert result.dropped[0].detail.startswith("AIC ")


def test_forward_pvalue_leaves_out_noise():
    frame = risk_frame()
    woe = frame.select("noise", "payment").to_numpy()
    result = forward_stepwise(["noise", "payment"], woe, frame["bad"].to_numpy(), criterion="pvalue", entry_p_value=0.01)
    assert result.kept == ["payment"]
    assert result.dropped[0].detail.startswith("p-value ")


def test_l1_zeroes_noise_at_strong_penalty():
    frame = risk_frame()
    woe = frame.select("utilisation", "noise").to_numpy()
    result = l1_filter(["utilisation", "noise"], woe, frame["bad"].to_numpy(), 0.001, 0)
    assert result.kept == ["utilisation"]
    assert [(d.name, d.reason) for d in result.dropped] == [("noise", "zero L1 coefficient")]


def test_fit_records_every_selection_step():
    frame = risk_frame()
    model = fit_scorecard(
        frame,
        features=["utilisation", "payment", "copy", "noise"],
        trends={"utilisation": "ascending", "payment": "descending", "copy": "ascending"},
        settings=ScorecardSettings(min_iv=0.0),
    )
    artifact = json.loads(model.to_json())
    steps = {(s["feature"], s["step"]): s for s in artifact["selection"]}

    assert "payment" in model.features
    assert ("utilisation" in model.features) != ("copy" in model.features)
    twin = "utilisation" if "copy" in model.features else "copy"
    assert steps[(twin, "correlation")]["reason"] == "correlated with a stronger feature"
    assert steps[(twin, "correlation")]["value"] > 0.9
    assert steps[("noise", "stepwise")]["reason"] in ("not selected by stepwise regression", "kept")
    assert all(set(s) == {"feature", "step", "reason", "value"} for s in artifact["selection"])
    selected = [s["feature"] for s in artifact["selection"] if s["step"] == "selected"]
    assert selected == list(model.features)


@pytest.mark.parametrize("method", ["none", "forward_aic", "forward_pvalue", "l1"])
def test_every_stepwise_method_fits(method):
    frame = risk_frame(n=3000)
    model = fit_scorecard(
        frame,
        features=["utilisation", "payment"],
        trends={"utilisation": "ascending", "payment": "descending"},
        settings=ScorecardSettings(stepwise=method, l1_C=1.0),
    )
    assert model.features == ("utilisation", "payment")
    assert model.settings.stepwise == method
