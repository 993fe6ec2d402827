"""The ``creditline token`` commands: sign access tokens for development and tests."""

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from creditline.cli import Context


def register(app: typer.Typer, ctx: "Context") -> None:
    t = ctx.t
    token = typer.Typer(help=t("cli.help.token"), no_args_is_help=True)
    app.add_typer(token, name="token")

    @token.command("issue", help=t("cli.help.token_issue"))
    def issue_command(
        sub: Annotated[str, typer.Option("--sub", help=t("cli.help.token_sub"))],
        role: Annotated[str, typer.Option("--role", help=t("cli.help.token_role"))],
        strong_auth: Annotated[bool, typer.Option("--strong-auth", help=t("cli.help.token_strong_auth"))] = False,
        ttl: Annotated[int, typer.Option("--ttl", min=1, help=t("cli.help.token_ttl"))] = 3600,
    ) -> None:
        from creditline.api.auth import Role
        from creditline.api.tokens import issue_token
        from creditline.clock import SystemClock

        if role not in {str(known) for known in Role}:
            ctx.err.print(t("cli.token.bad_role", role=role, roles=", ".join(str(known) for known in Role)))
            raise typer.Exit(2)
        settings = ctx.settings()
        secret = settings.token_secrets()[settings.token_active_kid]
        signed = issue_token(
            secret,
            settings.token_active_kid,
            subject=sub,
            role=role,
            now=SystemClock().now(),
            ttl=timedelta(seconds=ttl),
            strong_auth=strong_auth,
        )
        # Only the token goes to stdout, so that it can be captured with $(creditline token issue ...).
        ctx.out.print(signed)
