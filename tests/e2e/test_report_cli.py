"""``creditline model challenger`` and ``creditline model report`` run as the console script."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.test_cli import child_environment, creditline, sqlite_url
from tests.factories import write_portfolio


def test_challenger_then_report(tmp_path: Path) -> None:
    env = child_environment(CREDITLINE_DATABASE_URL=sqlite_url(tmp_path / "c.db"), LANG="en_US.UTF-8")
    assert creditline("import", str(write_portfolio(tmp_path / "in", 160)), cwd=tmp_path, env=env).code == 0
    trained = creditline("model", "train", cwd=tmp_path, env=env)
    version = re.search(r"sc-[0-9a-f]{12}", trained.stdout).group(0)  # type: ignore[union-attr]

    challenger = creditline("model", "challenger", "--by", "analyst", cwd=tmp_path, env=env)

    assert challenger.code == 0, challenger.stderr
    lines = challenger.stdout.splitlines()
    assert re.fullmatch(r"Challenger ch-[0-9a-f]{12} registered \(\d+ training accounts, \d+ held out\)\.", lines[0])
    assert re.fullmatch(
        rf"Scorecard {version}: hold-out AUC 0\.\d{{4}}, KS 0\.\d{{4}}, Gini -?0\.\d{{4}}\.", lines[1]
    )
    assert lines[2].startswith("LightGBM challenger ch-")

    report = creditline("model", "report", version, "--out", "out/report.html", cwd=tmp_path, env=env)

    assert report.code == 0, report.stderr
    assert re.fullmatch(
        r"Validation report written to out/report\.html \(\d+ hold-out accounts, AUC 0\.\d{4}\)\.\n", report.stdout
    )
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert 'data-lang="zh"' in page
    assert '<span class="en">LightGBM challenger</span> ch-' in page
    # The only URL is the SVG namespace name, which browsers never fetch.
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}
    assert " src=" not in page
    assert "<link" not in page


def test_report_of_unknown_version_fails(tmp_path: Path) -> None:
    env = child_environment(CREDITLINE_DATABASE_URL=sqlite_url(tmp_path / "c.db"), LANG="en_US.UTF-8")

    run = creditline("model", "report", "sc-000000000000", cwd=tmp_path, env=env)

    assert run.code != 0
    assert "sc-000000000000" in run.stderr
    assert not (tmp_path / "report-sc-000000000000.html").exists()
