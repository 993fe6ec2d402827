"""``creditline model list`` and ``creditline model promote`` on a SQLite file."""

from pathlib import Path

import pytest

from creditline.cli import main
from creditline.clock import FixedClock
from creditline.scoring import ScorecardSettings
from creditline.service.imports import import_folder
from creditline.service.models import list_scorecards, train_scorecard
from creditline.store.db import make_engine, upgrade
from tests.factories import write_portfolio


@pytest.fixture
def database(tmp_path: Path, clock: FixedClock) -> tuple[str, str, str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    import_folder(engine, write_portfolio(tmp_path / "in", 200), clock)
    champion = train_scorecard(engine, clock, trained_by="analyst").model.model_version
    challenger = train_scorecard(
        engine, clock, trained_by="modeller", settings=ScorecardSettings(pdo=40.0), promote=False
    ).model.model_version
    engine.dispose()
    return url, champion, challenger


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(["--lang", "en", *args])
        code = 0
    except SystemExit as stop:
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_model_list_shows_status_and_fingerprint(database, capsys, monkeypatch) -> None:
    # Wide enough that Rich keeps each model on one line.
    monkeypatch.setenv("COLUMNS", "200")
    url, champion, challenger = database
    code, out, _ = run(capsys, "--database-url", url, "model", "list")
    assert code == 0
    champion_line = next(line for line in out.splitlines() if champion in line)
    assert "champion" in champion_line
    assert "analyst" in champion_line
    engine = make_engine(url)
    fingerprint = next(r.fingerprint for r in list_scorecards(engine) if r.model_version == champion)
    engine.dispose()
    assert fingerprint[:12] in champion_line
    challenger_line = next(line for line in out.splitlines() if challenger in line)
    assert "challenger" in challenger_line


def test_model_promote_prints_previous_champion(database, capsys) -> None:
    url, champion, challenger = database
    code, out, _ = run(capsys, "--database-url", url, "model", "promote", challenger, "--by", "officer")
    assert code == 0
    assert out == f"Model {challenger} (scorecard) promoted to champion by officer; previous champion: {champion}.\n"


def test_model_promote_unknown_version_fails(database, capsys) -> None:
    url, _, _ = database
    code, _, err = run(capsys, "--database-url", url, "model", "promote", "sc-missing", "--by", "officer")
    assert code == 1
    assert "sc-missing" in err
