"""CLI commands ``creditline model report`` and ``creditline model challenger``."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from creditline.clock import SystemClock

if TYPE_CHECKING:
    from creditline.cli import Context


def register(ctx: "Context") -> None:
    """Add the report and challenger commands to the ``model`` group."""
    t = ctx.t
    model = ctx.groups["model"]

    @model.command("report", help=t("cli.help.model_report"))
    def report(
        model_version: Annotated[str, typer.Argument(help=t("cli.help.model_version"))],
        out: Annotated[Path | None, typer.Option("--out", help=t("cli.help.report_out"))] = None,
    ) -> None:
        from creditline.report import write_report

        path = out or Path(f"report-{model_version}.html")
        content = write_report(ctx.engine(), model_version, path, SystemClock())
        ctx.out.print(t("cli.report.done", path=path, n_holdout=f"{content.n_holdout:,}", auc=content.metrics["auc"]))

    @model.command("challenger", help=t("cli.help.model_challenger"))
    def challenger(
        scorecard: Annotated[str | None, typer.Option("--scorecard", help=t("cli.help.challenger_scorecard"))] = None,
        by: Annotated[str | None, typer.Option("--by", help=t("cli.help.by"))] = None,
    ) -> None:
        from creditline.commands import operator_name
        from creditline.service.challenger import train_challenger

        result = train_challenger(
            ctx.engine(), SystemClock(), trained_by=by or operator_name(), scorecard_version=scorecard
        )
        ctx.out.print(
            t(
                "cli.challenger.done",
                model_version=result.model.model_version,
                n_train=f"{result.n_train:,}",
                n_holdout=f"{result.n_holdout:,}",
            )
        )
        for name_key, version, metrics in (
            ("report.model.scorecard", result.scorecard_version, result.scorecard_holdout_metrics),
            ("report.model.challenger", result.model.model_version, result.holdout_metrics),
        ):
            ctx.out.print(t("cli.challenger.metrics", name=t(name_key), model_version=version, **metrics))
