"""PD calibration on held-out rows: the table, the Brier score and their use in scoring."""

import json

import numpy as np
import polars as pl
import pytest

from creditline.errors import InvalidInput
from creditline.scoring import Scorecard, ScorecardSettings
from creditline.scoring.calibration import PD_FLOOR, calibration_table, fit_calibration
from creditline.scoring.train import fit_scorecard


def portfolio(n, seed):
    rng = np.random.default_rng(seed)
    utilisation = rng.uniform(0.0, 1.2, n)
    bad = (rng.random(n) < 1 / (1 + np.exp(-(-2.4 + 3.0 * utilisation)))).astype(np.int64)
    return pl.DataFrame({"utilisation": utilisation, "bad": bad})


def test_isotonic_table_is_monotone_and_improves_brier():
    rng = np.random.default_rng(0)
    score = rng.uniform(500, 700, 20000)
    true_pd = 1 / (1 + np.exp((score - 560) / 20))
    bad = (rng.random(score.size) < true_pd).astype(np.int64)
    # A raw PD that is twice too high.
    raw = np.clip(2 * true_pd, 0, 1)

    calibration = fit_calibration(score, bad, raw, method="isotonic")

    assert list(calibration.scores) == sorted(set(calibration.scores))
    assert list(calibration.pds) == sorted(calibration.pds, reverse=True)
    assert min(calibration.pds) >= PD_FLOOR
    assert calibration.brier < calibration.brier_raw
    assert (calibration.n_rows, calibration.n_bads) == (20000, int(bad.sum()))
    assert calibration.pd([calibration.scores[0] - 100])[0] == calibration.pds[0]
    assert calibration.pd([calibration.scores[-1] + 100])[0] == calibration.pds[-1]


def test_platt_recovers_logistic_curve():
    rng = np.random.default_rng(1)
    score = rng.uniform(500, 700, 50000)
    true_pd = 1 / (1 + np.exp((score - 560) / 20))
    bad = (rng.random(score.size) < true_pd).astype(np.int64)

    calibration = fit_calibration(score, bad, true_pd, method="platt")

    assert len(calibration.scores) == 64
    grid = np.array([520.0, 560.0, 620.0])
    assert calibration.pd(grid) == pytest.approx(1 / (1 + np.exp((grid - 560) / 20)), abs=0.01)


def test_calibration_table_counts_and_rates():
    bad = np.array([0, 0, 1, 0, 1, 1, 0, 1])
    pd = np.array([0.1, 0.1, 0.2, 0.2, 0.6, 0.6, 0.9, 0.9])
    table = calibration_table(bad, pd, n_bins=4)
    assert [(b.count, b.bads) for b in table] == [(2, 0), (2, 1), (2, 2), (2, 1)]
    assert [b.bad_rate for b in table] == [0.0, 0.5, 1.0, 0.5]
    assert [b.mean_pd for b in table] == pytest.approx([0.1, 0.2, 0.6, 0.9])


def test_calibration_table_keeps_ties_together():
    table = calibration_table(np.array([0, 1, 0, 1]), np.array([0.3, 0.3, 0.3, 0.3]), n_bins=10)
    assert [(b.count, b.lower_pd, b.upper_pd) for b in table] == [(4, 0.3, 0.3)]


def test_calibration_with_one_class_raises():
    with pytest.raises(InvalidInput) as caught:
        fit_calibration([600.0, 610.0], [0, 0], [0.1, 0.1], method="isotonic")
    assert caught.value.render("en") == (
        "Cannot calibrate the PD: the calibration rows need both classes, got 0 bads and 2 goods. "
        "Use more calibration rows or set calibration to 'none'."
    )


def test_unknown_calibration_method_raises():
    with pytest.raises(InvalidInput) as caught:
        fit_calibration([600.0, 610.0], [0, 1], [0.1, 0.1], method="beta")
    assert caught.value.render("en") == (
        "Scorecard setting calibration is invalid: expected 'isotonic' | 'platt', got 'beta'."
    )


@pytest.fixture(scope="module")
def calibrated():
    fit_rows, calibration_rows = portfolio(6000, 2), portfolio(3000, 3)
    return fit_scorecard(
        fit_rows,
        features=["utilisation"],
        trends={"utilisation": "ascending"},
        settings=ScorecardSettings(calibration="isotonic"),
        calibration_frame=calibration_rows,
    )


def test_score_uses_calibrated_pd_and_keeps_raw(calibrated):
    frame = portfolio(500, 4)
    scored = calibrated.score(frame)
    assert scored["pd"].to_list() == calibrated.calibration.pd(scored["score"].to_numpy()).tolist()
    raw = 1 / (1 + np.exp((scored["score"].to_numpy() - calibrated.offset) / calibrated.factor))
    assert scored["pd_raw"].to_numpy() == pytest.approx(raw, rel=1e-12)


def test_uncalibrated_pd_equals_raw():
    model = fit_scorecard(portfolio(3000, 5), features=["utilisation"], trends={"utilisation": "ascending"})
    scored = model.score(portfolio(200, 6))
    assert model.calibration is None
    assert scored["pd"].to_list() == scored["pd_raw"].to_list()


def test_calibration_round_trips_through_json(calibrated):
    artifact = json.loads(calibrated.to_json())
    assert artifact["calibration"]["method"] == "isotonic"
    assert sum(row["count"] for row in artifact["calibration"]["table"]) == 3000
    reloaded = Scorecard.from_json(calibrated.to_json())
    frame = portfolio(300, 7)
    assert reloaded.score(frame)["pd"].to_list() == calibrated.score(frame)["pd"].to_list()


def test_rising_calibration_table_is_rejected(calibrated):
    artifact = json.loads(calibrated.to_json())
    artifact["calibration"]["pds"] = sorted(artifact["calibration"]["pds"])
    with pytest.raises(InvalidInput) as caught:
        Scorecard.from_json(json.dumps(artifact))
    assert caught.value.render("en") == (
        "Invalid scorecard artifact: field $.calibration.scores: the PDs must not rise as the score rises."
    )


def test_calibration_none_setting_skips_calibration():
    model = fit_scorecard(
        portfolio(3000, 8),
        features=["utilisation"],
        settings=ScorecardSettings(calibration="none"),
        calibration_frame=portfolio(1000, 9),
    )
    assert model.calibration is None
