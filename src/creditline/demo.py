"""``creditline demo``: the whole review journey on the real Taiwan card portfolio."""

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from creditline.clock import SystemClock
from creditline.store.db import masked_url

if TYPE_CHECKING:
    from creditline.cli import Context

PROPOSER = "analyst.demo"
APPROVER = "officer.demo"
STEPS = ("convert", "import", "train", "review", "approve", "apply", "verify")


def register_demo(app: typer.Typer, ctx: "Context") -> None:
    t = ctx.t

    @app.command("demo", help=t("cli.help.demo"))
    def demo(
        no_serve: Annotated[bool, typer.Option("--no-serve", help=t("cli.help.no_serve"))] = False,
        workdir: Annotated[Path, typer.Option("--workdir", help=t("cli.help.workdir"))] = Path("demo"),
        from_path: Annotated[Path | None, typer.Option("--from", help=t("cli.help.from_path"))] = None,
        port: Annotated[int, typer.Option("--port", help=t("cli.help.port"))] = 8000,
    ) -> None:
        run_demo(ctx, workdir, from_path)
        if not no_serve:
            from creditline.commands import DEFAULT_POLICY, serve_api

            # Customer requests are decided with the same policy as the demo's review.
            serve_api(ctx, "127.0.0.1", port, DEFAULT_POLICY)


def run_demo(ctx: "Context", workdir: Path, from_path: Path | None) -> None:
    """Convert, import, train, review, approve, apply and verify, printing each step."""
    from creditline.commands import apply_with_progress, load_policy_file, print_summary, print_training, verify_and_print
    from creditline.commands import DEFAULT_POLICY
    from creditline.datasets.taiwan import convert_taiwan_default, locate_taiwan_source
    from creditline.service.evaluation import holdout_outcome
    from creditline.service.imports import import_folder
    from creditline.service.models import train_scorecard
    from creditline.service.review import approve_batch, propose_review

    started = time.perf_counter()
    t = ctx.t
    workdir.mkdir(parents=True, exist_ok=True)
    settings = ctx.settings()
    if not ctx.database_url and "CREDITLINE_DATABASE_URL" not in os.environ:
        database = workdir / "creditline-demo.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        ctx.database_url = f"sqlite:///{database.resolve()}"
        settings = replace(settings, database_url=ctx.database_url)
    ctx.out.print(t("cli.demo.database", url=masked_url(settings.database_url)))

    timings: dict[str, float] = {}
    marks = {"at": time.perf_counter(), "name": ""}

    def step(name: str) -> None:
        now = time.perf_counter()
        if marks["name"]:
            timings[str(marks["name"])] = now - float(marks["at"])
        marks.update(at=now, name=name)
        ctx.out.print(t("cli.demo.step", n=STEPS.index(name) + 1, total=len(STEPS), title=t(f"cli.demo.step.{name}")), style="bold cyan")

    clock = SystemClock()
    step("convert")
    data_dir = workdir / "taiwan_default"
    source = locate_taiwan_source(from_path, settings.data_home)
    converted = convert_taiwan_default(source, data_dir)
    ctx.out.print(t("cli.datasets.done", rows=f"{converted.rows:,}", defaults=f"{converted.defaults:,}", out_dir=data_dir))

    step("import")
    engine = ctx.engine()
    _require_empty_database(engine, settings.database_url)
    result = import_folder(engine, data_dir, clock)
    counts = result.row_counts
    ctx.out.print(
        t(
            "cli.import.done",
            import_id=result.import_id,
            customers=f"{counts.get('customers', 0):,}",
            accounts=f"{counts.get('accounts', 0):,}",
            statements=f"{counts.get('statements', 0):,}",
            opened=f"{result.lines_opened:,}",
            synced=f"{result.balances_synced:,}",
        )
    )

    step("train")
    print_training(ctx, train_scorecard(engine, clock, trained_by=PROPOSER))

    step("review")
    policy, document = load_policy_file(DEFAULT_POLICY)
    summary = propose_review(engine, policy, document, clock, proposed_by=PROPOSER, zone=settings.zone)  # type: ignore[arg-type]

    step("approve")
    approve_batch(engine, summary.batch_id, clock, approved_by=APPROVER)
    ctx.out.print(t("cli.review.approved", batch_id=summary.batch_id, name=APPROVER))

    step("apply")
    apply_with_progress(ctx, summary.batch_id)

    step("verify")
    if not verify_and_print(ctx):
        raise typer.Exit(1)
    timings["verify"] = time.perf_counter() - float(marks["at"])

    from creditline.service.review import batch_summary

    ctx.out.print()
    print_summary(ctx, batch_summary(engine, summary.batch_id))
    outcome = holdout_outcome(engine, summary.batch_id)
    ctx.out.print(t("cli.demo.holdout_title", n=f"{outcome.accounts:,}"), style="bold")
    ctx.out.print(
        t(
            "cli.demo.holdout_bad",
            bads=f"{outcome.bads:,}",
            cut=f"{outcome.bads_cut:,}",
            cut_share=outcome.bads_cut / outcome.bads if outcome.bads else 0.0,
            raised=f"{outcome.bads_raised:,}",
        )
    )
    ctx.out.print(
        t(
            "cli.demo.holdout_good",
            goods=f"{outcome.goods:,}",
            touched=f"{outcome.goods_touched:,}",
            touched_share=outcome.goods_touched / outcome.goods if outcome.goods else 0.0,
            raised=f"{outcome.goods_raised:,}",
            cut=f"{outcome.goods_cut:,}",
        )
    )
    steps = t("cli.demo.timing_separator").join(
        t("cli.demo.timing_item", title=t(f"cli.demo.step.{name}"), seconds=seconds) for name, seconds in timings.items()
    )
    ctx.out.print(t("cli.demo.elapsed", seconds=time.perf_counter() - started, steps=steps))


def _require_empty_database(engine: object, url: str) -> None:
    """Refuse to run the demo, which approves and applies its own batch, on a database with lines."""
    from sqlalchemy import func, select

    from creditline.errors import Conflict
    from creditline.store.tables import credit_lines

    with engine.connect() as conn:  # type: ignore[attr-defined]
        lines = conn.scalar(select(func.count()).select_from(credit_lines))
    if lines:
        raise Conflict("demo.error.database_not_empty", url=masked_url(url), lines=f"{lines:,}")
