"""Command-line entry point: ``creditline``.

The output language comes from ``--lang``, then CREDITLINE_LANG, then LC_ALL,
LC_MESSAGES and LANG; Chinese when none is set. It is decided before the commands are
built, so help texts follow it too.
"""


import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.exc import SQLAlchemyError
from rich.console import Console

from creditline import logs
from creditline.errors import CreditlineError, ImportRejected
from creditline.i18n import LOCALES, locale_from_environment, normalize_locale, translate
from creditline.settings import Settings

logger = logging.getLogger(__name__)


def _pick_locale(argv: list[str]) -> str:
    for position, arg in enumerate(argv):
        value = None
        if arg == "--lang" and position + 1 < len(argv):
            value = argv[position + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value is not None:
            chosen = normalize_locale(value)
            if chosen:
                return chosen
            # An unsupported --lang is rejected by the callback, in the environment's language.
            break
    explicit = normalize_locale(os.environ.get("CREDITLINE_LANG"))
    return explicit or locale_from_environment()


class Context:
    """Per-invocation state shared by the commands."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        # Messages are printed as written: no cut at 80 columns when the output goes to a
        # file or pipe, and no Rich markup, because they carry ids, names and paths from the data.
        self.out = Console(highlight=False, soft_wrap=True, markup=False)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
        self.database_url: str | None = None
        # Command groups by name ("model", "review", "ledger"), so that modules of other
        # areas can add their commands to a group.
        self.groups: dict[str, typer.Typer] = {}

    def t(self, key: str, **params: Any) -> str:
        return translate(key, self.locale, **params)

    def settings(self) -> Settings:
        settings = Settings.from_environment()
        if self.database_url:
            from dataclasses import replace

            settings = replace(settings, database_url=self.database_url)
        return settings

    def engine(self, upgrade_schema: bool = True) -> Any:
        from creditline.store.db import make_engine, upgrade

        engine = make_engine(self.settings().database_url)
        if upgrade_schema:
            upgrade(engine)
        return engine


def build_app(ctx: Context) -> typer.Typer:
    """Build the Typer application with help texts in ``ctx.locale``."""
    from creditline import commands

    t = ctx.t
    app = typer.Typer(help=t("cli.help.app"), no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def main_options(
        lang: Annotated[str | None, typer.Option("--lang", help=t("cli.help.lang"))] = None,
        database_url: Annotated[str | None, typer.Option("--database-url", help=t("cli.help.database_url"))] = None,
    ) -> None:
        if lang is not None and normalize_locale(lang) not in LOCALES:
            ctx.err.print(t("cli.bad_lang", value=lang))
            raise typer.Exit(2)
        ctx.database_url = database_url

    commands.register(app, ctx)
    return app


def _print_row_errors(ctx: Context, error: ImportRejected, limit: int = 50) -> None:
    shown_count = min(limit, len(error.row_errors))
    ctx.err.print(ctx.t("cli.import.rejected_header", count=len(error.row_errors), shown=shown_count))
    for row in error.row_errors[:limit]:
        ctx.err.print("  " + row.render(ctx.locale), markup=False)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every creditline error becomes a message in the chosen language and exit code 1.

    Click runs in standalone mode, so usage errors exit 2 with click's message and
    ``typer.Exit(code)`` from a command becomes the process exit code.
    """
    args = sys.argv[1:] if argv is None else argv
    ctx = Context(_pick_locale(args))
    app = build_app(ctx)
    try:
        logs.configure(Settings.from_environment())
        app(args=args, prog_name="creditline")
    except CreditlineError as error:
        if isinstance(error, ImportRejected):
            _print_row_errors(ctx, error)
        ctx.err.print(ctx.t("cli.error", message=error.render(ctx.locale)), style="red")
        sys.exit(1)
    except (SQLAlchemyError, ModuleNotFoundError) as error:
        # A wrong URL, a missing driver or an unreachable server: one line, not a traceback.
        url = _safe_database_url(ctx)
        logger.debug("database failure", exc_info=True)
        message = ctx.t("cli.error.database", url=url, error=_first_line(error))
        ctx.err.print(ctx.t("cli.error", message=message), style="red")
        sys.exit(1)


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _safe_database_url(ctx: Context) -> str:
    from creditline.store.db import masked_url

    return masked_url(ctx.database_url or Settings.from_environment().database_url)


if __name__ == "__main__":
    main()
