"""CLI commands ``creditline model list`` and ``creditline model promote``."""

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from creditline.clock import SystemClock

if TYPE_CHECKING:
    from creditline.cli import Context


def register(ctx: "Context") -> None:
    """Add the registry commands to the ``model`` group."""
    t = ctx.t
    model = ctx.groups["model"]

    @model.command("list", help=t("cli.help.model_list"))
    def list_command(
        kind: Annotated[str | None, typer.Option("--kind", help=t("cli.help.model_kind"))] = None,
    ) -> None:
        from creditline.service.models import list_scorecards

        records = list_scorecards(ctx.engine(), kind)
        if not records:
            ctx.out.print(t("cli.model.none"))
            return
        table = Table()
        for key in ("version", "kind", "status", "created", "by", "fingerprint", "features", "auc"):
            table.add_column(t(f"cli.model.col.{key}"))
        for record in records:
            holdout = record.metrics.get("holdout")
            auc = holdout.get("auc") if isinstance(holdout, dict) else None
            table.add_row(
                record.model_version,
                record.kind,
                t(f"cli.model.status.{record.status}"),
                record.created_at.strftime("%Y-%m-%d %H:%M UTC"),
                record.created_by,
                record.fingerprint[:12],
                str(len(record.features)),
                f"{auc:.4f}" if isinstance(auc, float) else "-",
            )
        ctx.out.print(table)

    @model.command("promote", help=t("cli.help.model_promote"))
    def promote_command(
        model_version: Annotated[str, typer.Argument(help=t("cli.help.model_version"))],
        by: Annotated[str, typer.Option("--by", help=t("cli.help.by"))],
    ) -> None:
        from creditline.service.models import promote

        done = promote(ctx.engine(), model_version, SystemClock(), promoted_by=by)
        previous = done.previous_champion or t("cli.model.no_previous")
        ctx.out.print(t("cli.model.promoted", model_version=done.model_version, kind=done.kind, previous=previous, name=by))
