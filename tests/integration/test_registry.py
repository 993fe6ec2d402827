"""Model registry: versions, promotion, and the registry stream in the ledger."""

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update

from creditline.clock import FixedClock
from creditline.errors import Conflict, InvalidInput, NotFound
from creditline.scoring import ScorecardSettings
from creditline.service.imports import import_folder
from creditline.service.ledger import verify
from creditline.service.models import list_scorecards, promote, train_scorecard
from creditline.store.tables import ledger_events, ledger_heads, models
from tests.factories import write_portfolio


@pytest.fixture
def trained(engine: Engine, tmp_path: Path, clock: FixedClock):
    import_folder(engine, write_portfolio(tmp_path / "in", 200), clock)
    champion = train_scorecard(engine, clock, trained_by="analyst")
    challenger = train_scorecard(
        engine, clock, trained_by="modeller", settings=ScorecardSettings(pdo=40.0), promote=False
    )
    return champion.model.model_version, challenger.model.model_version


def registry_events(engine: Engine) -> list[tuple[int, str, dict]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(ledger_events.c.seq, ledger_events.c.event_type, ledger_events.c.payload)
            .where(ledger_events.c.stream_id == "registry:scorecard")
            .order_by(ledger_events.c.seq)
        ).all()
    return [(row.seq, row.event_type, json.loads(row.payload)) for row in rows]


def test_training_registers_and_promotes(engine: Engine, trained) -> None:
    champion, challenger = trained
    records = {r.model_version: r for r in list_scorecards(engine, "scorecard")}
    assert records[champion].status == "champion"
    assert records[challenger].status == "challenger"
    assert records[champion].created_by == "analyst"
    assert len(records[champion].fingerprint) == 64
    assert records[champion].features
    assert 0.5 < records[champion].metrics["holdout"]["auc"] <= 1.0

    events = registry_events(engine)
    assert [(seq, kind) for seq, kind, _ in events] == [
        (1, "ModelRegistered"),
        (2, "ModelPromoted"),
        (3, "ModelRegistered"),
    ]
    assert events[1][2] == {
        "model_version": champion,
        "kind": "scorecard",
        "previous_status": "challenger",
        "previous_champion": None,
        "promoted_by": "analyst",
    }


def test_promotion_retires_previous_champion(engine: Engine, trained, clock: FixedClock) -> None:
    champion, challenger = trained

    done = promote(engine, challenger, clock, promoted_by="risk officer")

    assert (done.previous_champion, done.kind, done.promoted_by) == (champion, "scorecard", "risk officer")
    statuses = {r.model_version: r.status for r in list_scorecards(engine)}
    assert statuses == {champion: "retired", challenger: "champion"}
    seq, kind, payload = registry_events(engine)[-1]
    assert (seq, kind) == (4, "ModelPromoted")
    assert payload["promoted_by"] == "risk officer"
    assert payload["previous_champion"] == champion
    report = verify(engine)
    assert report.ok, report.faults
    assert (report.registry_streams, report.registry_events) == (1, 4)
    assert report.streams == 200


def test_retired_model_can_be_promoted_back(engine: Engine, trained, clock: FixedClock) -> None:
    champion, challenger = trained
    promote(engine, challenger, clock, promoted_by="officer")
    done = promote(engine, champion, clock, promoted_by="officer")
    assert done.previous_champion == challenger


def test_promoting_champion_again_raises(engine: Engine, trained, clock: FixedClock) -> None:
    champion, _ = trained
    with pytest.raises(Conflict) as caught:
        promote(engine, champion, clock, promoted_by="officer")
    assert caught.value.render("en") == f"Model version {champion} is already the champion; nothing to promote."


def test_promoting_unknown_version_raises(engine: Engine, trained, clock: FixedClock) -> None:
    with pytest.raises(NotFound):
        promote(engine, "sc-000000000000", clock, promoted_by="officer")


def test_promotion_needs_a_name(engine: Engine, trained, clock: FixedClock) -> None:
    _, challenger = trained
    with pytest.raises(InvalidInput) as caught:
        promote(engine, challenger, clock, promoted_by="  ")
    assert caught.value.render("en") == (
        "Give the name or staff id of the person promoting with --by; it is recorded in the ledger."
    )


def test_edited_registry_event_fails_verification(engine: Engine, trained) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(ledger_events)
            .where(ledger_events.c.stream_id == "registry:scorecard", ledger_events.c.seq == 2)
            .values(payload=func.replace(ledger_events.c.payload, "analyst", "mallory"))
        )
    report = verify(engine)
    assert [(f.stream_id, f.seq, f.problem) for f in report.faults] == [
        ("registry:scorecard", 2, "ledger.fault.hash_mismatch")
    ]


def test_deleted_newest_registry_event_fails_verification(engine: Engine, trained) -> None:
    with engine.begin() as conn:
        conn.execute(
            ledger_events.delete().where(ledger_events.c.stream_id == "registry:scorecard", ledger_events.c.seq == 3)
        )
    report = verify(engine)
    assert [(f.stream_id, f.problem, f.detail) for f in report.faults] == [
        ("registry:scorecard", "ledger.fault.registry_head_mismatch", {"expected": 3, "found": 2})
    ]


def test_registry_head_without_events_fails_verification(engine: Engine, trained) -> None:
    with engine.begin() as conn:
        conn.execute(ledger_heads.insert().values(stream_id="registry:other", seq=1, hash="0" * 64))
    report = verify(engine)
    assert [(f.stream_id, f.problem) for f in report.faults] == [
        ("registry:other", "ledger.fault.registry_stream_missing")
    ]


def test_retraining_champion_adds_no_event(engine: Engine, trained, clock: FixedClock) -> None:
    before = registry_events(engine)
    train_scorecard(engine, clock, trained_by="analyst")
    assert registry_events(engine) == before
    with engine.connect() as conn:
        assert conn.scalar(select(models.c.status).where(models.c.model_version == trained[0])) == "champion"


def test_training_calibrates_on_part_of_training_split(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "in", 400), clock)
    result = train_scorecard(engine, clock, trained_by="analyst")
    assert 0 < result.n_calibration < result.n_train
    again = train_scorecard(engine, clock, trained_by="analyst")
    assert again.n_calibration == result.n_calibration
    assert set(result.holdout_metrics) == {"auc", "ks", "gini", "brier", "brier_raw", "rows"}
