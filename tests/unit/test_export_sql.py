"""SQL export of a scorecard: structure of the statement in every dialect.

The statement is run against PostgreSQL in tests/integration/test_export_sql_pg.py;
this module also contains the scorecards and profiles that test shares.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest

from creditline.errors import InvalidInput
from creditline.scoring import Scorecard, ScorecardSettings
from creditline.scoring.export_sql import DIALECTS, export_sql, loss_ranks
from creditline.scoring.scorecard import (
    CATEGORICAL,
    MISSING_NEUTRAL,
    MISSING_OBSERVED,
    Bin,
    Characteristic,
    MissingBin,
    SpecialBin,
)


def numerical_characteristic(name, code, splits, points, counts, *, missing=(0.0, 0), specials=()):
    bounds = (None, *splits, None)
    bins = tuple(Bin(bounds[k], bounds[k + 1], counts[k], 0.1, 0.0, points[k]) for k in range(len(points)))
    return Characteristic(
        name=name,
        reason_code=code,
        trend="ascending",
        requested_trend="auto",
        splits=tuple(splits),
        bins=bins,
        missing_bin=MissingBin(missing[1], None, 0.0, missing[0], MISSING_OBSERVED if missing[1] else MISSING_NEUTRAL),
        coefficient=-1.0,
        iv=0.1,
        special_bins=tuple(SpecialBin(v, n, None, 0.0, p, MISSING_OBSERVED) for v, p, n in specials),
    )


def categorical_characteristic(name, code, categories, points, counts, unseen, *, missing=(0.0, 0), specials=()):
    bins = tuple(Bin(None, None, counts[k], 0.1, 0.0, points[k]) for k in range(len(points)))
    return Characteristic(
        name=name,
        reason_code=code,
        trend="none",
        requested_trend="auto",
        splits=(),
        bins=bins,
        missing_bin=MissingBin(missing[1], None, 0.0, missing[0], MISSING_OBSERVED if missing[1] else MISSING_NEUTRAL),
        coefficient=-1.0,
        iv=0.1,
        dtype=CATEGORICAL,
        categories=tuple(tuple(group) for group in categories),
        unseen_bin=unseen,
        special_bins=tuple(SpecialBin(v, n, None, 0.0, p, MISSING_OBSERVED) for v, p, n in specials),
    )


def handmade_scorecard(max_reasons: int = 4) -> Scorecard:
    """A scorecard with tied losses, a shared reason code, negative losses and odd labels.

    Points are exact binary fractions, so equal losses are exactly equal and the tie
    rule (model order, then slot) decides.
    """
    characteristics = (
        # The missing slot earns more than the best bin: a negative loss, never a reason.
        numerical_characteristic("utilisation", "R_UTIL", (0.3, 0.7), (50.0, 30.0, 10.0), (400, 300, 200),
                   missing=(60.0, 50), specials=((-1.0, 45.0, 50),)),
        # Bin 1 and the missing slot both lose 20, as does bin 0 of age.
        numerical_characteristic("dpd", "R_DPD", (1.0, 30.0), (40.0, 20.0, 10.0), (600, 250, 150), missing=(20.0, 0)),
        categorical_characteristic("income_band", "R_INCOME", [["high", "高"], ["mid"], ["low", "it's", "a\\b"]],
                     (35.0, 25.0, 15.0), (300, 400, 300), unseen=1, missing=(15.0, 0),
                     specials=(("unknown", 10.0, 0),)),
        # Shares the code of dpd: the code appears once, at its larger loss.
        categorical_characteristic("segment", "R_DPD", [["1", "2"], ["3"]], (20.0, 10.25), (700, 300), unseen=0),
        numerical_characteristic("age", "R_AGE", (25.0, 40.0), (10.0, 20.0, 30.0), (200, 500, 300)),
        numerical_characteristic("tenure", "R_TENURE", (12.0,), (5.0, 15.0), (300, 700), missing=(5.0, 0)),
    )
    return Scorecard(
        model_version="sc-handmade0001",
        created_at=datetime(2026, 1, 5, tzinfo=UTC),
        target="bad",
        settings=ScorecardSettings(max_reasons=max_reasons, categorical_features=("segment",)),
        characteristics=characteristics,
        dropped=(),
        intercept=-2.0,
        factor=20 / math.log(2),
        offset=600 - 20 / math.log(2) * math.log(50),
        training={"rows": 1000, "bads": 100, "bad_rate": 0.1},
    )


def handmade_profiles(n: int, seed: int = 7) -> pl.DataFrame:
    """Rows for the handmade scorecard, with every slot, null, NaN, ±inf and split values."""
    rng = np.random.default_rng(seed)
    utilisation = rng.choice([0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.5, -1.0, math.inf, -math.inf, math.nan], n)
    utilisation_list: list[float | None] = [float(v) for v in utilisation]
    dpd = rng.choice([0, 1, 5, 29, 30, 60, -1], n).tolist()
    labels = ["high", "高", "mid", "low", "it's", "a\\b", "unknown", "new label", "HIGH", None]
    age = np.round(rng.uniform(18, 70, n), 2)
    for i in range(n):
        if i % 17 == 0:
            utilisation_list[i] = None
        if i % 13 == 0:
            dpd[i] = None
    age_list: list[float | None] = [float(v) for v in age]
    age_list[:3] = [25.0, 40.0, None]
    return pl.DataFrame(
        {
            "row_id": list(range(n)),
            "utilisation": pl.Series(utilisation_list, dtype=pl.Float64),
            "dpd": pl.Series(dpd, dtype=pl.Int64),
            "income_band": pl.Series([labels[i % len(labels)] for i in range(n)], dtype=pl.String),
            "segment": pl.Series([[1, 2, 3, 4, None][int(v)] for v in rng.integers(0, 5, n)], dtype=pl.Int64),
            "age": pl.Series(age_list, dtype=pl.Float64),
            "tenure": pl.Series([None if i % 11 == 0 else float(i % 30) for i in range(n)], dtype=pl.Float64),
        }
    )


def test_export_names_model_and_output_columns() -> None:
    sql = export_sql(handmade_scorecard(), "postgresql", table="risk.profiles", keep=("row_id",))
    assert sql.startswith("-- creditline scorecard sc-handmade0001: points, score and reason codes (postgresql)\n")
    assert 'FROM "risk"."profiles" t' in sql
    final_select = sql.split("FROM (")[0]
    for column in ('"row_id"', '"points_utilisation"', '"points_segment"', '"score"', '"reason_code_1"', '"reason_code_4"'):
        assert column in final_select
    assert '"reason_code_5"' not in sql


def test_export_writes_one_statement_without_semicolon() -> None:
    sql = export_sql(handmade_scorecard(), "postgresql")
    body = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    assert ";" not in body.replace("it''s", "")
    assert body.count("SELECT") == 4


@pytest.mark.parametrize("dialect", DIALECTS)
def test_export_quotes_labels_for_dialect(dialect: str) -> None:
    sql = export_sql(handmade_scorecard(), dialect)
    if dialect == "postgresql":
        assert "'it''s'" in sql
        assert "'a\\b'" in sql
        assert '"income_band"' in sql
    else:
        assert "'it\\'s'" in sql
        assert "'a\\\\b'" in sql
        assert "`income_band`" in sql
        assert "DOUBLE PRECISION" not in sql
    assert "'高'" in sql


def test_export_tests_nan_per_dialect() -> None:
    assert "= CAST('NaN' AS DOUBLE PRECISION)" in export_sql(handmade_scorecard(), "postgresql")
    assert "isnan(CAST(t.`utilisation` AS DOUBLE))" in export_sql(handmade_scorecard(), "spark")
    hive = export_sql(handmade_scorecard(), "hive")
    assert "isnan" not in hive
    assert "WHEN CAST(t.`utilisation` AS DOUBLE) IS NULL THEN 4" in hive


def test_export_slot_case_order_for_numerical_characteristic() -> None:
    sql = export_sql(handmade_scorecard(), "spark")
    case = re.search(r"CASE WHEN \(CAST\(t\.`utilisation`.*? END AS `_cl_slot_0`", sql)
    assert case is not None
    assert case.group(0) == (
        "CASE WHEN (CAST(t.`utilisation` AS DOUBLE) IS NULL OR isnan(CAST(t.`utilisation` AS DOUBLE))) THEN 4 "
        "WHEN CAST(t.`utilisation` AS DOUBLE) = CAST('-1.0' AS DOUBLE) THEN 3 "
        "WHEN CAST(t.`utilisation` AS DOUBLE) < CAST('0.3' AS DOUBLE) THEN 0 "
        "WHEN CAST(t.`utilisation` AS DOUBLE) < CAST('0.7' AS DOUBLE) THEN 1 ELSE 2 END AS `_cl_slot_0`"
    )


def test_export_categorical_case_sends_unseen_to_unseen_bin() -> None:
    sql = export_sql(handmade_scorecard(), "spark")
    case = re.search(r"CASE WHEN CAST\(t\.`income_band`.*? END AS `_cl_slot_2`", sql)
    assert case is not None
    assert case.group(0) == (
        "CASE WHEN CAST(t.`income_band` AS STRING) IS NULL THEN 4 "
        "WHEN CAST(t.`income_band` AS STRING) IN ('unknown') THEN 3 "
        "WHEN CAST(t.`income_band` AS STRING) IN ('high', '高') THEN 0 "
        "WHEN CAST(t.`income_band` AS STRING) IN ('mid') THEN 1 "
        "WHEN CAST(t.`income_band` AS STRING) IN ('low', 'it\\'s', 'a\\\\b') THEN 2 ELSE 1 END AS `_cl_slot_2`"
    )


def test_loss_ranks_break_ties_by_model_order_then_slot() -> None:
    ranks = loss_ranks(handmade_scorecard())
    # Losses: utilisation 20 (bin 1), 40 (bin 2), 5 (special); dpd 20 (bin 1), 30 (bin 2),
    # 20 (missing); income 10, 20, 25 (special), 20 (missing); segment 9.75, 20 (missing);
    # age 20, 10, 30 (missing); tenure 10, 10 (missing).
    assert ranks[0] == {2: 0, 1: 4, 3: 16}
    assert ranks[1] == {2: 1, 1: 5, 3: 6}
    assert ranks[2] == {3: 3, 2: 7, 4: 8, 1: 11}
    assert ranks[3] == {2: 9, 1: 15}
    assert ranks[4] == {3: 2, 0: 10, 1: 12}
    assert ranks[5] == {0: 13, 2: 14}


def test_export_shared_code_takes_least_rank() -> None:
    sql = export_sql(handmade_scorecard(), "postgresql")
    assert 'LEAST("_cl_rank_1", "_cl_rank_3") AS "_cl_code_rank_1"' in sql


def test_export_rejects_unknown_dialect() -> None:
    with pytest.raises(InvalidInput) as caught:
        export_sql(handmade_scorecard(), "oracle")
    assert caught.value.render("en") == "SQL dialect oracle is not supported; use one of postgresql, hive, spark."
    assert caught.value.render("zh") == "不支持 SQL 方言 oracle：可选 postgresql, hive, spark。"


def test_export_rejects_blank_table() -> None:
    with pytest.raises(InvalidInput) as caught:
        export_sql(handmade_scorecard(), "hive", table=" ")
    assert caught.value.render("en") == (
        "The source table name is missing; give the table or view with the feature columns in --table."
    )


def test_export_spark_runs_when_pyspark_is_installed() -> None:
    pyspark_sql = pytest.importorskip("pyspark.sql", reason="pyspark is not installed; the Spark SQL text is checked structurally only")
    model = handmade_scorecard()
    frame = handmade_profiles(400)
    session = pyspark_sql.SparkSession.builder.master("local[1]").getOrCreate()
    try:
        session.createDataFrame(frame.to_pandas()).createOrReplaceTempView("profiles")
        rows = session.sql(export_sql(model, "spark", keep=("row_id",))).orderBy("row_id").collect()
    finally:
        session.stop()
    expected = model.score(frame)
    assert [row["score"] for row in rows] == pytest.approx(expected["score"].to_list(), abs=1e-9)
