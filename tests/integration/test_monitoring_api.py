"""Model monitoring and export through the API and the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from creditline.cli import main
from creditline.clock import FixedClock
from creditline.service.imports import import_folder
from creditline.service.models import train_scorecard
from creditline.service.monitoring import load_current_profiles, load_scorecard_version, monitor_model
from creditline.scoring.monitoring import monitor
from creditline.store.registry import register_model
from tests.access import TestClient, app_client, bearer
from tests.factories import write_portfolio
from tests.unit.test_export_sql import handmade_scorecard


@pytest.fixture
def trained(engine: Engine, tmp_path: Path, clock: FixedClock) -> str:
    import_folder(engine, write_portfolio(tmp_path / "portfolio", 200), clock)
    return train_scorecard(engine, clock, trained_by="analyst").model.model_version


@pytest.fixture
def client(engine: Engine, clock: FixedClock) -> Iterator[TestClient]:
    with app_client(engine, clock) as test_client:
        yield test_client


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as stop:
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("role", ["officer", "auditor", "admin"])
def test_monitor_endpoint_returns_service_numbers(engine, trained, client, clock, role) -> None:
    response = client.get(f"/v1/models/{trained}/monitor", headers=bearer(clock, subject="staff-1", role=role))
    assert response.status_code == 200
    with engine.connect() as conn:
        expected = monitor_model(conn, trained).to_dict()
    assert response.json() == json.loads(json.dumps(expected))


def test_monitor_endpoint_matches_direct_computation(engine, trained, client, clock) -> None:
    body = client.get(f"/v1/models/{trained}/monitor", headers=bearer(clock, subject="a-1", role="auditor")).json()
    with engine.connect() as conn:
        model = load_scorecard_version(conn, trained)
        profiles = load_current_profiles(conn)
    report = monitor(model, profiles)
    assert body["model_version"] == trained
    assert body["n_current"] == 200
    assert body["n_reference"] == model.training["rows"]
    assert body["score"]["psi"] == report.score.psi
    assert body["score"]["reference"] == "stored"
    assert [c["feature"] for c in body["characteristics"]] == list(model.features)
    assert [c["csi"] for c in body["characteristics"]] == [c.csi for c in report.characteristics]
    assert sum(b["actual_count"] for b in body["score"]["bands"]) == 200


@pytest.mark.parametrize("role", ["customer", "service"])
def test_monitor_endpoint_rejects_other_roles(trained, client, clock, role) -> None:
    response = client.get(f"/v1/models/{trained}/monitor", headers=bearer(clock, subject="C0001", role=role))
    assert response.status_code == 403


def test_monitor_endpoint_requires_token(trained, client) -> None:
    response = client.get(f"/v1/models/{trained}/monitor")
    assert response.status_code == 401


def test_monitor_endpoint_unknown_version_is_404(trained, client, clock) -> None:
    response = client.get("/v1/models/sc-missing/monitor", headers=bearer(clock, subject="a-1", role="auditor"))
    assert response.status_code == 404
    assert "sc-missing" in response.json()["detail"]


def test_monitor_endpoint_without_lines_is_422(engine, client, clock) -> None:
    model = handmade_scorecard()
    with engine.begin() as conn:
        register_model(
            conn,
            model_version=model.model_version,
            kind="scorecard",
            artifact=model.to_json(),
            metrics={},
            fingerprint="0" * 64,
            created_by="analyst",
            created_at=clock.now(),
        )
    headers = {**bearer(clock, subject="a-1", role="auditor"), "Accept-Language": "en"}
    response = client.get(f"/v1/models/{model.model_version}/monitor", headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "No credit line is stored, so the stability of model sc-handmade0001 cannot be measured; import a portfolio first."
    )


def test_model_monitor_prints_table_for_champion(engine, trained, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, err = run(capsys, "--lang", "en", "--database-url", url_of(engine), "model", "monitor")
    assert code == 0, err
    with engine.connect() as conn:
        report = monitor_model(conn, trained)
    lines = out.splitlines()
    assert lines[0] == f"Stability of model {trained}: {report.n_reference:,} training rows, 200 current rows."
    assert lines[1] == "Score bands and their reference shares come from the training score distribution."
    assert lines[2] == "Below 0.10 stable, 0.10 to 0.25 watch, above 0.25 shift; share smoothing constant 0.0001."
    score_line = next(line for line in lines if "Score PSI" in line)
    assert f"{report.score.psi:.4f}" in score_line
    assert report.score.status in score_line
    for item in report.characteristics:
        row = next(line for line in lines if f"{item.feature} CSI" in line)
        assert f"{item.csi:.4f}" in row
    assert "Score bands:" in lines


def test_model_monitor_prints_chinese_with_detail(engine, trained, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(capsys, "--lang", "zh", "--database-url", url_of(engine), "model", "monitor", trained, "--detail")
    assert code == 0
    assert out.splitlines()[0].startswith(f"模型 {trained} 稳定性：训练样本 ")
    assert "评分 PSI" in out
    with engine.connect() as conn:
        first = load_scorecard_version(conn, trained).features[0]
    assert f"{first} 各分箱：" in out
    assert "缺失" in out


def test_model_export_sql_to_stdout(engine, trained, capsys) -> None:
    args = ("--database-url", url_of(engine), "model", "export", trained, "--dialect", "hive", "--table", "risk.profiles")
    code, out, _ = run(capsys, "--lang", "en", *args)
    assert code == 0
    assert out.startswith(f"-- creditline scorecard {trained}: points, score and reason codes (hive)\n")
    assert "FROM `risk`.`profiles` t" in out


def test_model_export_pmml_to_file(engine, trained, capsys, tmp_path) -> None:
    target = tmp_path / "model.pmml"
    args = ("--database-url", url_of(engine), "model", "export", trained, "--format", "pmml", "--output", str(target))
    code, out, _ = run(capsys, "--lang", "en", *args)
    assert code == 0
    assert out == f"Model {trained} exported as pmml to {target}\n"
    assert f'modelName="{trained}"' in target.read_text(encoding="utf-8")


def test_model_export_rejects_unknown_format(engine, trained, capsys) -> None:
    args = ("--database-url", url_of(engine), "model", "export", trained, "--format", "xml")
    code, _, err = run(capsys, "--lang", "en", *args)
    assert code == 1
    assert "Export format xml is not supported; use one of sql, pmml." in err
