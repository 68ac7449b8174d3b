"""`flowml token create|list|revoke`: join tokens for remote workers, on the master's own database.

The services are imported inside the commands, as main.py does for every subcommand, so `flowml --help` stays fast.
"""

from __future__ import annotations

import socket
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from flowml.cli.database import on_database
from flowml.cli.startup import load_settings
from flowml.core.settings import WILDCARD_HOSTS, Settings, is_loopback_host

app = typer.Typer(help="Join tokens that let remote workers (`flowml worker`) join this master.", no_args_is_help=True)
console = Console()


def default_master_url(settings: Settings) -> str:
    """http://HOST:PORT, with a wildcard bind address replaced by this machine's name, which workers can dial."""
    host = socket.getfqdn() if settings.HOST in WILDCARD_HOSTS else settings.HOST
    return f"http://{host}:{settings.PORT}"


@app.command()
def create(
    name: Annotated[str, typer.Option(help="What the token is for, e.g. the machines that will use it")] = "default",
    master: Annotated[
        str | None, typer.Option(help="The URL workers reach this master at (default: http://HOST:PORT)")
    ] = None,
) -> None:
    """Create a join token; prints it once, with the command to run on each worker machine."""
    from flowml.services import workers

    master_url = master or default_master_url(load_settings())
    token, secret = on_database(lambda ctx: workers.create_token(ctx, name))
    console.print(f"Join token [bold]{escape(token.name)}[/] ({token.id}). It is shown only now; store it safely:")
    typer.echo(secret)
    console.print("\nOn each worker machine run:")
    typer.echo(workers.worker_command(master_url, secret))
    if master is None and is_loopback_host(load_settings().HOST):
        console.print(
            f"\n[yellow]note:[/] this master listens on {load_settings().HOST} only; for workers on other machines "
            "start it with HOST=0.0.0.0 and pass --master with an address they can reach"
        )


@app.command("list")
def list_() -> None:
    """List join tokens (never their secrets)."""
    from flowml.services import workers

    tokens = on_database(workers.list_tokens)
    if not tokens:
        console.print("No join tokens yet: create one with `flowml token create`.")
        return
    # Plain aligned lines, as `docker ps` prints: a narrow terminal never cuts the id `revoke` takes, and scripts
    # can split the columns on whitespace (the name, which may hold spaces, comes last).
    typer.echo(f"{'ID':<32}  {'STATE':<7}  {'CREATED (UTC)':<16}  {'LAST USED':<16}  NAME")
    for token in tokens:
        state = "active" if token.revoked_at is None else "revoked"
        typer.echo(
            f"{token.id:<32}  {state:<7}  {_when(token.created_at):<16}  {_when(token.last_used_at):<16}  {token.name}"
        )


@app.command()
def revoke(token_id: Annotated[str, typer.Argument(help="The token's id, as `flowml token list` shows it")]) -> None:
    """Revoke a join token: its workers are refused at their next heartbeat."""
    from flowml.services import workers

    token = on_database(lambda ctx: workers.revoke_token(ctx, token_id))
    console.print(f"Revoked join token [bold]{escape(token.name)}[/] ({token.id}).")


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M}"
