"""CLI commands ``creditline model export`` and ``creditline model monitor``."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

if TYPE_CHECKING:
    from creditline.cli import Context
    from creditline.scoring.monitoring import BandShift, MonitoringReport

EXPORT_FORMATS = ("sql", "pmml")


def register(ctx: "Context") -> None:
    """Add the export and monitoring commands to the ``model`` group."""
    t = ctx.t
    model = ctx.groups["model"]

    @model.command("export", help=t("cli.help.model_export"))
    def export_command(
        model_version: Annotated[str, typer.Argument(help=t("cli.help.export_version"))],
        fmt: Annotated[str, typer.Option("--format", help=t("cli.help.export_format"))] = "sql",
        dialect: Annotated[str, typer.Option("--dialect", help=t("cli.help.export_dialect"))] = "postgresql",
        table: Annotated[str, typer.Option("--table", help=t("cli.help.export_table"))] = "profiles",
        keep: Annotated[list[str] | None, typer.Option("--keep", help=t("cli.help.export_keep"))] = None,
        output: Annotated[Path | None, typer.Option("--output", help=t("cli.help.export_output"))] = None,
    ) -> None:
        from creditline.errors import InvalidInput
        from creditline.scoring.export_pmml import export_pmml
        from creditline.scoring.export_sql import export_sql
        from creditline.service.monitoring import load_scorecard_version

        if fmt not in EXPORT_FORMATS:
            raise InvalidInput("export.format_unknown", format=fmt, allowed=", ".join(EXPORT_FORMATS))
        engine = ctx.engine()
        try:
            with engine.connect() as conn:
                scorecard = load_scorecard_version(conn, model_version)
        finally:
            engine.dispose()
        if fmt == "sql":
            text = export_sql(scorecard, dialect, table=table, keep=tuple(keep or ("account_id",)))
        else:
            text = export_pmml(scorecard)
        if output is None:
            sys.stdout.write(text)
            return
        output.write_text(text, encoding="utf-8")
        ctx.out.print(t("cli.export.written", model_version=scorecard.model_version, format=fmt, path=output))

    @model.command("monitor", help=t("cli.help.model_monitor"))
    def monitor_command(
        model_version: Annotated[str | None, typer.Argument(help=t("cli.help.monitor_version"))] = None,
        detail: Annotated[bool, typer.Option("--detail", help=t("cli.help.monitor_detail"))] = False,
    ) -> None:
        from creditline.service.monitoring import monitor_model

        engine = ctx.engine()
        try:
            with engine.connect() as conn:
                report = monitor_model(conn, model_version)
        finally:
            engine.dispose()
        print_report(ctx, report, detail=detail)


def print_report(ctx: "Context", report: "MonitoringReport", *, detail: bool = False) -> None:
    """Print the summary table, the score bands and, with ``detail``, every characteristic's slots."""
    t = ctx.t
    ctx.out.print(
        t(
            "cli.monitor.title",
            model_version=report.model_version,
            n_reference=f"{report.n_reference:,}",
            n_current=f"{report.n_current:,}",
        ),
        style="bold",
    )
    ctx.out.print(t(f"cli.monitor.reference.{report.score.reference}"))
    ctx.out.print(t("cli.monitor.bands", smoothing=report.smoothing))

    summary = Table()
    for key in ("item", "index", "status"):
        summary.add_column(t(f"cli.monitor.col.{key}"), justify="right" if key == "index" else "left")
    summary.add_row(t("cli.monitor.score_psi"), f"{report.score.psi:.4f}", t(f"cli.monitor.status.{report.score.status}"))
    for item in report.characteristics:
        summary.add_row(t("cli.monitor.csi", feature=item.feature), f"{item.csi:.4f}", t(f"cli.monitor.status.{item.status}"))
    ctx.out.print(summary)

    for item in report.characteristics:
        if item.new_labels:
            labels = ", ".join(item.new_labels)
            ctx.out.print(t("cli.monitor.new_labels", feature=item.feature, rows=f"{item.new_label_rows:,}", labels=labels))
        if item.vanished_labels:
            ctx.out.print(t("cli.monitor.vanished_labels", feature=item.feature, labels=", ".join(item.vanished_labels)))

    ctx.out.print(t("cli.monitor.score_bands"))
    ctx.out.print(_shift_table(ctx, report.score.bands))
    if detail:
        for item in report.characteristics:
            ctx.out.print(t("cli.monitor.slots", feature=item.feature))
            ctx.out.print(_shift_table(ctx, item.slots))


def band_label(ctx: "Context", row: "BandShift") -> str:
    """Name a band or slot: ``[lower, upper)`` for ranges, the labels or value otherwise."""
    if row.kind == "missing":
        return ctx.t("cli.monitor.missing")
    if row.kind == "special":
        return ctx.t("cli.monitor.special", value=row.label)
    if row.label:
        return row.label
    lower = "-inf" if row.lower is None else f"{row.lower:.6g}"
    upper = "+inf" if row.upper is None else f"{row.upper:.6g}"
    return f"[{lower}, {upper})"


def _shift_table(ctx: "Context", rows: "tuple[BandShift, ...]") -> Table:
    t = ctx.t
    table = Table()
    table.add_column(t("cli.monitor.col.band"))
    for key in ("expected", "actual", "count", "contribution"):
        table.add_column(t(f"cli.monitor.col.{key}"), justify="right")
    for row in rows:
        table.add_row(
            band_label(ctx, row),
            f"{row.expected_share:.2%}",
            f"{row.actual_share:.2%}",
            f"{row.actual_count:,}",
            f"{row.contribution:.4f}",
        )
    return table
