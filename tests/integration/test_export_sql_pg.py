"""The exported SQL run on a real PostgreSQL server gives the Python scorer's results.

Each test creates its own database, loads profiles into a table, runs the statement of
:func:`creditline.scoring.export_sql.export_sql` and compares points (to 1e-9), scores
and reason codes with :meth:`Scorecard.score` row by row.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from creditline.scoring import Scorecard, ScorecardSettings
from creditline.scoring.export_sql import export_sql
from creditline.scoring.train import fit_scorecard
from creditline.store.db import make_engine, normalize_url
from tests.conftest import PG_URL, data_home
from tests.unit.test_export_sql import handmade_profiles, handmade_scorecard

pytestmark = pytest.mark.postgres

_PG_TYPES = {pl.Float64: "DOUBLE PRECISION", pl.Int64: "BIGINT", pl.String: "TEXT"}


@pytest.fixture
def pg_scratch() -> Iterator[Engine]:
    """A fresh, empty database, dropped after the test."""
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"creditline_export_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "no server"
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is required under CI but failed: {error}")
        pytest.skip(f"PostgreSQL at {PG_URL} is not reachable ({type(error).__name__}); PostgreSQL tests skipped")
    engine = make_engine(make_url(normalize_url(PG_URL)).set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def load_table(engine: Engine, frame: pl.DataFrame, table: str, types: dict[str, str] | None = None) -> None:
    """Create ``table`` (schema-qualified) with ``frame``'s columns and insert its rows."""
    schema, name = table.split(".")
    types = types or {}
    columns = ", ".join(f'"{c}" {types.get(c) or _PG_TYPES[frame.schema[c]]}' for c in frame.columns)
    placeholders = ", ".join(f":p{i}" for i in range(frame.width))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        conn.execute(text(f'CREATE TABLE "{schema}"."{name}" ({columns})'))
        rows = [{f"p{i}": value for i, value in enumerate(row)} for row in frame.iter_rows()]
        conn.execute(text(f'INSERT INTO "{schema}"."{name}" VALUES ({placeholders})'), rows)


def run_export(engine: Engine, model: Scorecard, table: str) -> list[dict[str, object]]:
    statement = export_sql(model, "postgresql", table=table, keep=("row_id",))
    with engine.connect() as conn:
        result = conn.exec_driver_sql(statement)
        rows = [dict(row._mapping) for row in result]
    return sorted(rows, key=lambda row: row["row_id"])


def assert_same_results(model: Scorecard, frame: pl.DataFrame, rows: list[dict[str, object]]) -> None:
    expected = model.score(frame, with_points=True)
    assert len(rows) == expected.height
    for name in model.features:
        sql_points = np.array([row[f"points_{name}"] for row in rows], dtype=np.float64)
        python_points = expected[f"points_{name}"].to_numpy()
        assert np.abs(sql_points - python_points).max() <= 1e-9, name
    sql_scores = np.array([row["score"] for row in rows], dtype=np.float64)
    assert np.abs(sql_scores - expected["score"].to_numpy()).max() <= 1e-9
    sql_reasons = [
        [row[f"reason_code_{k}"] for k in range(1, model.settings.max_reasons + 1) if row[f"reason_code_{k}"] is not None]
        for row in rows
    ]
    mismatched = [i for i, (a, b) in enumerate(zip(sql_reasons, expected["reason_codes"].to_list(), strict=True)) if a != b]
    assert mismatched == []


def test_handmade_scorecard_matches_python(pg_scratch: Engine) -> None:
    model = handmade_scorecard()
    frame = handmade_profiles(3000)
    # age as NUMERIC: the statement casts it to a double as the Python scorer does.
    load_table(pg_scratch, frame, "risk data.profiles", {"age": "NUMERIC(8, 2)"})
    rows = run_export(pg_scratch, model, "risk data.profiles")
    assert_same_results(model, frame, rows)


def test_handmade_scorecard_with_two_reasons_matches_python(pg_scratch: Engine) -> None:
    model = handmade_scorecard(max_reasons=2)
    frame = handmade_profiles(500, seed=11)
    load_table(pg_scratch, frame, "risk.profiles")
    rows = run_export(pg_scratch, model, "risk.profiles")
    assert set(rows[0]) == {"row_id", *(f"points_{n}" for n in model.features), "score", "reason_code_1", "reason_code_2"}
    assert_same_results(model, frame, rows)


def test_export_sends_nan_and_infinity_like_python(pg_scratch: Engine) -> None:
    model = handmade_scorecard()
    frame = handmade_profiles(5).with_columns(
        pl.Series("row_id", [0, 1, 2, 3, 4]),
        pl.Series("utilisation", [math.nan, math.inf, -math.inf, None, -1.0], dtype=pl.Float64),
    )
    load_table(pg_scratch, frame, "risk.edge")
    rows = run_export(pg_scratch, model, "risk.edge")
    assert [row["points_utilisation"] for row in rows] == [60.0, 10.0, 50.0, 60.0, 45.0]
    assert_same_results(model, frame, rows)


def synthetic_training(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    utilisation = rng.uniform(0, 1.2, n)
    special = rng.random(n) < 0.04
    missing = rng.random(n) < 0.05
    dpd = rng.choice([0, 0, 0, 5, 15, 30, 60], n)
    region = rng.choice(["华东", "华北", "south", "west", "north", "o'clock"], n)
    segment = rng.choice([1, 2, 3, 4], n)
    region_risk = {"华东": -0.6, "华北": -0.2, "south": 0.0, "west": 0.3, "north": 0.6, "o'clock": 1.0}
    logit = -3 + 2.5 * utilisation + 0.04 * dpd + np.array([region_risk[r] for r in region]) + 0.3 * segment
    logit = np.where(special, 0.5, logit)
    bad = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    values = np.where(special, -1.0, utilisation)
    return pl.DataFrame(
        {
            "row_id": np.arange(n),
            "utilisation": pl.Series([None if m else float(v) for v, m in zip(values, missing, strict=True)], dtype=pl.Float64),
            "dpd": pl.Series(dpd, dtype=pl.Int64),
            "region": pl.Series(region, dtype=pl.String),
            "segment": pl.Series(segment, dtype=pl.Int64),
            "bad": pl.Series(bad, dtype=pl.Int64),
        }
    )


def test_fitted_synthetic_scorecard_matches_python(pg_scratch: Engine) -> None:
    train = synthetic_training(4000, seed=3)
    settings = ScorecardSettings(
        special_values={"utilisation": [-1.0]},
        categorical_features=("segment",),
        stepwise="none",
        min_iv=0.0,
        calibration="none",
    )
    model = fit_scorecard(train, features=["utilisation", "dpd", "region", "segment"], settings=settings)
    assert set(model.features) == {"utilisation", "dpd", "region", "segment"}
    current = synthetic_training(3000, seed=4).with_columns(
        # Labels never seen in training, and nulls in every column.
        pl.when(pl.col("row_id") % 50 == 0).then(pl.lit("新区")).otherwise(pl.col("region")).alias("region"),
        pl.when(pl.col("row_id") % 40 == 0).then(pl.lit(9)).otherwise(pl.col("segment")).alias("segment"),
        pl.when(pl.col("row_id") % 30 == 0).then(None).otherwise(pl.col("dpd")).alias("dpd"),
    ).drop("bad")
    load_table(pg_scratch, current, "risk.current")
    rows = run_export(pg_scratch, model, "risk.current")
    assert_same_results(model, current, rows)


def test_taiwan_scorecard_matches_python(pg_scratch: Engine) -> None:
    home = data_home()
    if home is None:
        pytest.skip("set CREDITLINE_DATA_HOME to the folder that contains taiwan_credit_default/")
    raw = pl.read_csv(Path(home) / "taiwan_credit_default" / "default_of_credit_card_clients.csv.gz")
    limit = pl.col("LIMIT_BAL").cast(pl.Float64)
    data = raw.select(
        pl.int_range(pl.len()).cast(pl.Int64).alias("row_id"),
        (limit / 1000).alias("limit_amount"),
        pl.col("AGE").cast(pl.Int64).alias("age"),
        pl.col("PAY_0").cast(pl.Int64).alias("latest_dpd"),
        (pl.col("BILL_AMT1") / limit).alias("utilisation_latest"),
        pl.when(pl.col("BILL_AMT2") > 0).then(pl.col("PAY_AMT1") / pl.col("BILL_AMT2")).alias("payment_ratio"),
        pl.col("EDUCATION").cast(pl.String).alias("education"),
        pl.col("default_payment_next_month").cast(pl.Int64).alias("bad"),
    )
    settings = ScorecardSettings(special_values={"latest_dpd": [-2, -1]}, stepwise="none", calibration="none")
    features = ["limit_amount", "age", "latest_dpd", "utilisation_latest", "payment_ratio", "education"]
    model = fit_scorecard(data.head(20000), features=features, settings=settings)
    current = data.slice(20000, 5000).drop("bad")
    load_table(pg_scratch, current, "taiwan.current")
    rows = run_export(pg_scratch, model, "taiwan.current")
    assert_same_results(model, current, rows)
