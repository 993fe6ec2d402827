from pathlib import Path

from sqlalchemy import Engine, select

from creditline.clock import FixedClock
from creditline.service.imports import import_folder
from creditline.service.models import train_scorecard
from creditline.store.tables import models
from tests.factories import write_portfolio


def test_retraining_same_data_gives_same_version(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)

    first = train_scorecard(engine, clock, trained_by="analyst")
    second = train_scorecard(engine, clock, trained_by="analyst")

    assert first.model.model_version == second.model.model_version
    assert first.holdout_metrics == second.holdout_metrics
    with engine.connect() as conn:
        rows = conn.execute(select(models.c.model_version, models.c.status)).all()
    assert rows == [(first.model.model_version, "champion")]


def test_holdout_is_about_thirty_percent(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "in", 200), clock)
    result = train_scorecard(engine, clock, trained_by="analyst")
    assert result.n_train + result.n_holdout == 200
    assert 40 <= result.n_holdout <= 80
    assert 0.5 < result.holdout_metrics["auc"] <= 1.0
