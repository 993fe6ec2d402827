"""Need-for-change model: windows, features, fitting, JSON round trip and real-data quality."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from creditline.errors import InvalidInput
from creditline.suggestion.features import (
    FEATURE_NAMES,
    StatementWindow,
    feature_matrix,
    next_month_targets,
    shift_month,
    statement_windows,
    utilisation,
)
from creditline.suggestion.model import (
    UtilisationModel,
    evaluate,
    fit_utilisation_model,
    load_shipped_model,
)


def window_of(bills: list[list[int]], paid: list[list[int]], limits: list[int]) -> StatementWindow:
    bill_array = np.array(bills, dtype=np.int64)
    return StatementWindow(
        account_ids=tuple(f"A{i}" for i in range(len(limits))),
        limits=np.array(limits, dtype=np.int64),
        bills=bill_array,
        paid=np.array(paid, dtype=np.int64),
        dpd=np.zeros_like(bill_array),
        present=np.ones_like(bill_array, dtype=bool),
        last_month=date(2026, 11, 1),
    )


def synthetic_history(n: int, seed: int = 7) -> tuple[StatementWindow, np.ndarray, np.ndarray]:
    """Six months of n lines: rising spenders, steady ones and lines going quiet."""
    rng = np.random.default_rng(seed)
    limits = np.full(n, 1_000_000)
    kind = np.arange(n) % 3
    start = rng.uniform(0.1, 0.6, n)
    slope = np.where(kind == 0, 0.12, np.where(kind == 1, 0.0, -0.1))
    months = np.arange(6)
    use = np.clip(start[:, None] + slope[:, None] * months + rng.normal(0, 0.02, (n, 6)), 0, 1.4)
    bills = (use * limits[:, None]).astype(np.int64)
    paid = np.concatenate([np.zeros((n, 1), dtype=np.int64), (bills[:, :-1] * 0.5).astype(np.int64)], axis=1)
    full = StatementWindow(
        account_ids=tuple(f"A{i:04d}" for i in range(n)),
        limits=limits,
        bills=bills,
        paid=paid,
        dpd=np.zeros_like(bills),
        present=np.ones_like(bills, dtype=bool),
        last_month=date(2026, 11, 1),
    )
    return full.head(5), bills[:, -1], paid[:, -1]


def test_shift_month_crosses_years() -> None:
    assert shift_month(date(2026, 1, 15), -1) == date(2025, 12, 1)
    assert shift_month(date(2026, 11, 1), 2) == date(2027, 1, 1)


def test_utilisation_clips_credit_balances_and_overruns() -> None:
    values = utilisation(np.array([[-500, 500, 5000]]), np.array([1000]))
    assert values.tolist() == [[0.0, 0.5, 1.5]]


def test_statement_windows_fill_missing_months() -> None:
    lines = pl.DataFrame({"account_id": ["A2", "A1"], "approved_limit": [2000, 1000]})
    statements = pl.DataFrame(
        {
            "account_id": ["A1", "A1", "A2", "A1"],
            "statement_month": [date(2026, 10, 1), date(2026, 11, 1), date(2026, 11, 1), date(2026, 5, 1)],
            "bill_amount": [300, 400, 900, 999],
            "paid_amount": [0, 300, 100, 999],
            "dpd": [0, 30, 0, 0],
        }
    )
    window = statement_windows(lines, statements, date(2026, 11, 20), months=3)
    assert window.account_ids == ("A1", "A2")
    assert window.limits.tolist() == [1000, 2000]
    assert window.bills.tolist() == [[0, 300, 400], [0, 0, 900]]
    assert window.paid.tolist() == [[0, 0, 300], [0, 0, 100]]
    assert window.dpd.tolist() == [[0, 0, 30], [0, 0, 0]]
    assert window.months_present.tolist() == [2, 1]
    assert window.last_month == date(2026, 11, 1)


def test_feature_matrix_values_for_one_line() -> None:
    window = window_of([[100, 200, 400]], [[0, 100, 200]], [1000])
    row = dict(zip(FEATURE_NAMES, feature_matrix(window)[0], strict=True))
    assert row["utilisation_1"] == pytest.approx(0.4)
    assert row["utilisation_trend"] == pytest.approx(0.3)
    assert row["repayment_ratio_1"] == pytest.approx(1.0)
    assert row["full_payment_1"] == 1.0
    # spend = bill - previous bill + payment: (200 - 100 + 100), (400 - 200 + 200)
    assert row["spend_to_limit_1"] == pytest.approx(0.4)
    assert row["spend_to_limit_mean"] == pytest.approx(0.3)
    assert row["inactive_1"] == 0.0


def test_feature_matrix_needs_three_months() -> None:
    with pytest.raises(ValueError, match="at least 3 months, got 2"):
        feature_matrix(window_of([[1, 2]], [[0, 0]], [10]))


def test_targets_mark_pressing_and_falling() -> None:
    history = window_of([[100, 200, 300], [500, 500, 500]], [[0, 100, 200], [0, 500, 500]], [1000, 1000])
    targets = next_month_targets(history, np.array([950, 520]), np.array([300, 100]))
    assert targets.pressing.tolist() == [True, False]
    # Line 2 spent 520 - 500 + 100 = 120 against a mean of 500: below 30 %.
    assert targets.falling.tolist() == [False, True]


def test_fitted_model_beats_naive_on_trends() -> None:
    history, next_bill, next_paid = synthetic_history(600)
    targets = next_month_targets(history, next_bill, next_paid)
    model = fit_utilisation_model(history, targets)
    metrics = evaluate(model, history, targets)
    assert metrics["mae"] < metrics["mae_baseline"]
    assert metrics["auc_pressing"] > 0.9
    assert model.n_train_ == 600


def test_model_json_round_trip_scores_the_same() -> None:
    history, next_bill, next_paid = synthetic_history(300)
    model = fit_utilisation_model(history, next_month_targets(history, next_bill, next_paid))
    text = model.to_json()
    again = UtilisationModel.from_json(text)
    assert again.version_ == model.version_
    assert again.to_json() == text
    first, second = model.predict(history), again.predict(history)
    assert np.array_equal(first.utilisation, second.utilisation)
    assert np.array_equal(first.pressing, second.pressing)


def test_model_rejects_other_artifacts() -> None:
    with pytest.raises(InvalidInput, match="expected a utilisation model artifact of format 1"):
        UtilisationModel.from_json('{"format": 1, "kind": "scorecard"}')


def test_model_rejects_window_of_wrong_length() -> None:
    model = load_shipped_model()
    with pytest.raises(InvalidInput, match="reads 5 statement months, the window has 3"):
        model.predict(window_of([[1, 2, 3]], [[0, 0, 0]], [10]))


def test_fit_rejects_single_class() -> None:
    history, next_bill, next_paid = synthetic_history(60)
    with pytest.raises(InvalidInput, match="same pressing class"):
        fit_utilisation_model(history, next_month_targets(history, next_bill * 0, next_paid))


def test_shipped_model_predicts_high_use_as_pressing() -> None:
    model = load_shipped_model()
    window = window_of(
        [[900, 950, 980, 990, 1000], [10, 0, 0, 0, 0]], [[0, 50, 50, 50, 50], [0, 10, 0, 0, 0]], [1000, 1000]
    )
    prediction = model.predict(window)
    assert prediction.pressing[0] > 0.8
    assert prediction.pressing[1] < 0.05
    assert prediction.falling[1] > prediction.falling[0]


@pytest.mark.slow
def test_model_on_taiwan_statements_beats_naive() -> None:
    home = os.environ.get("CREDITLINE_DATA_HOME")
    if not home:
        pytest.skip("CREDITLINE_DATA_HOME is not set; set it to the folder containing taiwan_credit_default/")
    from creditline.datasets.taiwan import convert_taiwan_default, locate_taiwan_source
    from creditline.ingest import load_portfolio
    from creditline.service.models import in_training_split

    source = locate_taiwan_source(None, Path(home))
    with tempfile.TemporaryDirectory() as folder:
        convert_taiwan_default(source, Path(folder), "parquet")
        portfolio = load_portfolio(Path(folder))
    full = statement_windows(portfolio.accounts, portfolio.statements, date(2005, 9, 1), 6)
    history = full.head(5)
    targets = next_month_targets(history, full.bills[:, -1], full.paid[:, -1])
    held_out = ~in_training_split(pl.Series(full.account_ids), 0.7, "creditline").to_numpy()

    metrics = evaluate(load_shipped_model(), history.take(held_out), targets.take(held_out))
    assert metrics["rows"] == 9061
    assert metrics["mae"] < metrics["mae_baseline"]
    assert metrics["r2"] > metrics["r2_baseline"]
    assert metrics["auc_pressing"] > metrics["auc_pressing_baseline"]
    assert metrics["auc_falling"] > metrics["auc_falling_baseline"] + 0.05
