"""The CLI's commands. Each one parses options, calls a service function and prints."""


from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from creditline.clock import SystemClock
from creditline.domain.money import format_grouped
from creditline.domain.reasons import reason_text

if TYPE_CHECKING:
    from creditline.cli import Context
    from creditline.service.review import BatchSummary

DEFAULT_POLICY = Path(__file__).with_name("policies") / "taiwan_demo.yaml"


def operator_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def print_summary(ctx: "Context", summary: "BatchSummary") -> None:
    t = ctx.t
    ctx.out.print(t("cli.review.title", batch_id=summary.batch_id, status=summary.status), style="bold")
    ctx.out.print(t("cli.review.versions", policy_version=summary.policy_version, model_version=summary.model_version))
    currency = summary.currency if summary.currency != "mixed" else "CNY"
    table = Table()
    table.add_column(t("cli.review.col.kind"))
    table.add_column(t("cli.review.col.count"), justify="right")
    table.add_column(t("cli.review.col.amount", currency=currency), justify="right")
    table.add_row(t("cli.review.increase"), f"{summary.increases:,}", "+" + format_grouped(summary.increase_amount, currency))
    table.add_row(t("cli.review.decrease"), f"{summary.decreases:,}", "-" + format_grouped(summary.decrease_amount, currency))
    table.add_row(t("cli.review.unchanged"), f"{summary.unchanged:,}", "0")
    table.add_row(t("cli.review.offers"), f"{summary.offers:,}", "")
    if summary.errors:
        table.add_row(t("cli.review.errors"), f"{summary.errors:,}", "")
    ctx.out.print(table)
    ctx.out.print(t("cli.review.top_reasons"))
    for code, count in summary.top_reasons:
        ctx.out.print(t("cli.review.reason_line", code=code, text=reason_text(code, ctx.locale), count=f"{count:,}"))


def _register_import(app: typer.Typer, ctx: "Context") -> None:
    t = ctx.t

    @app.command("import", help=t("cli.help.import"))
    def import_command(
        folder: Annotated[Path, typer.Argument(help=t("cli.help.import_dir"))],
        errors_file: Annotated[Path | None, typer.Option("--errors-file", help=t("cli.help.errors_file"))] = None,
    ) -> None:
        from creditline.errors import ImportRejected
        from creditline.service.imports import import_folder

        try:
            result = import_folder(ctx.engine(), folder, SystemClock())
        except ImportRejected as rejected:
            if errors_file is not None:
                write_row_errors(errors_file, rejected, ctx.locale)
                ctx.err.print(t("cli.import.errors_written", count=f"{len(rejected.row_errors):,}", path=errors_file))
            raise
        for table, columns in result.ignored_columns.items():
            ctx.out.print(t("cli.import.ignored_columns", table=table, columns=", ".join(columns)))
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


def write_row_errors(path: Path, rejected: object, locale: str) -> None:
    """Write every row error of a rejected import to a UTF-8 CSV file."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "column", "value", "problem"])
        for row in rejected.row_errors:  # type: ignore[attr-defined]
            writer.writerow([row.file, row.line or "", row.column or "", row.value or "", row.render(locale)])


def _register_datasets(app: typer.Typer, ctx: "Context") -> None:
    t = ctx.t
    datasets = typer.Typer(help=t("cli.help.datasets"), no_args_is_help=True)
    app.add_typer(datasets, name="datasets")

    @datasets.command("taiwan-default", help=t("cli.help.taiwan"))
    def taiwan_default(
        from_path: Annotated[Path | None, typer.Option("--from", help=t("cli.help.from_path"))] = None,
        out_dir: Annotated[Path, typer.Option("--out", help=t("cli.help.out_dir"))] = Path("taiwan_default"),
        fmt: Annotated[str, typer.Option("--format", help=t("cli.help.format"))] = "csv",
    ) -> None:
        from creditline.datasets.taiwan import convert_taiwan_default, locate_taiwan_source

        source = locate_taiwan_source(from_path, ctx.settings().data_home)
        summary = convert_taiwan_default(source, out_dir, fmt=fmt)
        ctx.out.print(t("cli.datasets.done", rows=f"{summary.rows:,}", defaults=f"{summary.defaults:,}", out_dir=out_dir))


def _register_model(app: typer.Typer, ctx: "Context") -> None:
    t = ctx.t
    model = typer.Typer(help=t("cli.help.model"), no_args_is_help=True)
    app.add_typer(model, name="model")
    ctx.groups["model"] = model

    @model.command("train", help=t("cli.help.train"))
    def train(
        train_share: Annotated[float, typer.Option("--train-share", help=t("cli.help.train_share"))] = 0.7,
        by: Annotated[str | None, typer.Option("--by", help=t("cli.help.by"))] = None,
        exclude: Annotated[list[str] | None, typer.Option("--exclude", help=t("cli.help.exclude"))] = None,
        base_score: Annotated[float, typer.Option("--base-score", help=t("cli.help.base_score"))] = 600.0,
        base_odds: Annotated[float, typer.Option("--base-odds", help=t("cli.help.base_odds"))] = 50.0,
        pdo: Annotated[float, typer.Option("--pdo", help=t("cli.help.pdo"))] = 20.0,
    ) -> None:
        from creditline.scoring import ScorecardSettings
        from creditline.service.models import train_scorecard

        excluded = tuple(dict.fromkeys([*ScorecardSettings().excluded_attributes, *(exclude or [])]))
        settings = ScorecardSettings(excluded_attributes=excluded, base_score=base_score, base_odds=base_odds, pdo=pdo)
        result = train_scorecard(
            ctx.engine(), SystemClock(), trained_by=by or operator_name(), train_share=train_share, settings=settings
        )
        print_training(ctx, result)


def print_training(ctx: "Context", result: object) -> None:
    t = ctx.t
    model = result.model  # type: ignore[attr-defined]
    ctx.out.print(
        t(
            "cli.train.done",
            model_version=model.model_version,
            n_train=f"{result.n_train:,}",  # type: ignore[attr-defined]
            n_holdout=f"{result.n_holdout:,}",  # type: ignore[attr-defined]
        )
    )
    names = list(model.features)
    ctx.out.print(t("cli.train.features", count=len(names), names=", ".join(names)))
    metrics = result.holdout_metrics  # type: ignore[attr-defined]
    ctx.out.print(t("cli.train.metrics", auc=metrics["auc"], ks=metrics["ks"], gini=metrics["gini"]), style="bold")


def load_policy_file(path: Path) -> tuple[object, str]:
    from creditline.policy import load_policy

    policy = load_policy(path)
    return policy, path.read_text(encoding="utf-8")


def _register_review(app: typer.Typer, ctx: "Context") -> None:
    t = ctx.t
    review = typer.Typer(help=t("cli.help.review"), no_args_is_help=True)
    app.add_typer(review, name="review")
    ctx.groups["review"] = review

    @review.command("run", help=t("cli.help.review_run"))
    def run(
        policy_path: Annotated[Path, typer.Option("--policy", help=t("cli.help.policy"))] = DEFAULT_POLICY,
        by: Annotated[str | None, typer.Option("--by", help=t("cli.help.by"))] = None,
    ) -> None:
        from creditline.service.review import propose_review

        policy, document = load_policy_file(policy_path)
        summary = propose_review(
            ctx.engine(), policy, document, SystemClock(), proposed_by=by or operator_name(), zone=ctx.settings().zone  # type: ignore[arg-type]
        )
        print_summary(ctx, summary)
        ctx.out.print(t("cli.review.next_approve", batch_id=summary.batch_id))

    @review.command("approve", help=t("cli.help.review_approve"))
    def approve(
        batch_id: str,
        by: Annotated[str, typer.Option("--by", help=t("cli.help.by"))],
    ) -> None:
        from creditline.service.review import approve_batch

        approve_batch(ctx.engine(), batch_id, SystemClock(), approved_by=by)
        ctx.out.print(t("cli.review.approved", batch_id=batch_id, name=by))

    @review.command("apply", help=t("cli.help.review_apply"))
    def apply(
        batch_id: str,
        chunk_size: Annotated[int | None, typer.Option("--chunk-size", min=1, help=t("cli.help.chunk_size"))] = None,
    ) -> None:
        apply_with_progress(ctx, batch_id, chunk_size)

    @review.command("list", help=t("cli.help.review_list"))
    def list_batches() -> None:
        from sqlalchemy import select

        from creditline.store.tables import review_batches

        with ctx.engine().connect() as conn:
            rows = conn.execute(select(review_batches).order_by(review_batches.c.created_at.desc())).all()
        table = Table()
        for key in ("cli.review.col.batch", "cli.review.col.status", "cli.review.col.created", "cli.review.col.people"):
            table.add_column(t(key))
        zone = ctx.settings().zone
        for row in rows:
            created = row.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            people = row.proposed_by + (f" → {row.approved_by}" if row.approved_by else "")
            table.add_row(row.batch_id, row.status, created, people)
        ctx.out.print(table)

    @review.command("show", help=t("cli.help.review_show"))
    def show(batch_id: str) -> None:
        from creditline.service.review import batch_summary

        print_summary(ctx, batch_summary(ctx.engine(), batch_id))


def apply_with_progress(ctx: "Context", batch_id: str, chunk_size: int | None = None) -> None:
    from sqlalchemy import func, select

    from creditline.service.review import apply_batch
    from creditline.store.tables import review_batches, review_items

    engine = ctx.engine()
    zone = ctx.settings().zone
    with engine.connect() as conn:
        pending = conn.scalar(
            select(func.count()).where(review_items.c.batch_id == batch_id, review_items.c.status == "proposed")
        )
        status = conn.scalar(select(review_batches.c.status).where(review_batches.c.batch_id == batch_id))
    if status == "applied":
        ctx.out.print(ctx.t("cli.review.already_applied", batch_id=batch_id))
        return
    totals = {"applied": 0, "offered": 0, "stale": 0}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # Off when stderr is not a terminal: a pipe or log file would only get a stray blank line.
    with Progress(*columns, console=ctx.err, transient=True, disable=not ctx.err.is_terminal) as progress:
        task = progress.add_task(ctx.t("cli.review.applying"), total=pending or 0)
        while True:
            report = apply_batch(engine, batch_id, SystemClock(), zone, chunk_size=chunk_size, max_chunks=1)
            totals["applied"] += report.applied
            totals["offered"] += report.offered
            totals["stale"] += report.stale
            progress.advance(task, report.applied + report.offered + report.stale)
            if report.complete:
                break
    ctx.out.print(ctx.t("cli.review.applied", batch_id=batch_id, **{k: f"{v:,}" for k, v in totals.items()}))


def _register_ledger(app: typer.Typer, ctx: "Context") -> None:
    t = ctx.t
    ledger = typer.Typer(help=t("cli.help.ledger"), no_args_is_help=True)
    app.add_typer(ledger, name="ledger")
    ctx.groups["ledger"] = ledger

    @ledger.command("verify", help=t("cli.help.verify"))
    def verify() -> None:
        if not verify_and_print(ctx):
            raise typer.Exit(1)


def verify_and_print(ctx: "Context") -> bool:
    from creditline.service.ledger import verify

    report = verify(ctx.engine())
    t = ctx.t
    if report.ok:
        ctx.out.print(t("cli.ledger.ok", streams=f"{report.streams:,}", events=f"{report.events:,}"), style="green")
        return True
    ctx.err.print(t("cli.ledger.bad", count=len(report.faults)), style="red")
    first = report.first_fault
    assert first is not None
    problem = t(first.problem, **first.detail)
    ctx.err.print(t("cli.ledger.first_bad", row_id=first.row_id, stream_id=first.stream_id, seq=first.seq, problem=problem))
    for fault in report.faults[:20]:
        if fault is not first:
            detail = t(fault.problem, **fault.detail)
            ctx.err.print(t("cli.ledger.fault_line", stream_id=fault.stream_id, row_id=fault.row_id, seq=fault.seq, problem=detail))
    return False


def _register_db(app: typer.Typer, ctx: "Context") -> None:
    db = typer.Typer(help=ctx.t("cli.help.db"), no_args_is_help=True)
    app.add_typer(db, name="db")

    @db.command("upgrade", help=ctx.t("cli.help.upgrade"))
    def upgrade_command() -> None:
        ctx.engine(upgrade_schema=True)
        ctx.out.print(ctx.t("cli.db.upgraded"))


def _register_serve(app: typer.Typer, ctx: "Context") -> None:
    t = ctx.t

    @app.command("serve", help=t("cli.help.serve"))
    def serve(
        host: Annotated[str, typer.Option("--host", help=t("cli.help.host"))] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help=t("cli.help.port"))] = 8000,
        policy_path: Annotated[Path | None, typer.Option("--policy", help=t("cli.help.serve_policy"))] = None,
    ) -> None:
        serve_api(ctx, host, port, policy_path)


def serve_api(ctx: "Context", host: str, port: int, policy_path: Path | None = None) -> None:
    """Serve the API, after naming the policy in force and any lines it cannot decide for."""
    import dataclasses

    import uvicorn
    from sqlalchemy import func, select

    from creditline.api.app import create_app
    from creditline.service.policies import active_policy
    from creditline.store.tables import credit_lines

    settings = ctx.settings()
    if policy_path is not None:
        settings = dataclasses.replace(settings, policy_path=policy_path)
    policy = active_policy(settings)
    engine = ctx.engine(upgrade_schema=True)
    with engine.connect() as conn:
        other_currencies = conn.execute(
            select(credit_lines.c.currency, func.count())
            .where(credit_lines.c.currency != policy.currency)
            .group_by(credit_lines.c.currency)
            .order_by(credit_lines.c.currency)
        ).all()
    engine.dispose()
    ctx.out.print(ctx.t("cli.serve.policy", policy=policy.version_tag, currency=policy.currency))
    for currency, lines in other_currencies:
        ctx.err.print(
            ctx.t("cli.serve.currency_mismatch", lines=lines, currency=currency, policy_currency=policy.currency)
        )
    ctx.out.print(ctx.t("cli.serve.start", host=host, port=port))
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def register(app: typer.Typer, ctx: "Context") -> None:
    from creditline import commands_access, commands_models, commands_monitor, commands_report
    from creditline.demo import register_demo

    _register_import(app, ctx)
    _register_datasets(app, ctx)
    _register_model(app, ctx)
    _register_review(app, ctx)
    _register_ledger(app, ctx)
    _register_db(app, ctx)
    _register_serve(app, ctx)
    register_demo(app, ctx)
    commands_report.register(ctx)
    commands_models.register(ctx)
    commands_monitor.register(ctx)
    commands_access.register(app, ctx)
