"""`flowml users list|create|reset-password|set-role|deactivate|activate|create-key`: accounts, straight on this
master's database, with no server and no sign-in.

Whoever can run commands on the master with its settings can read its database already, so these ask for no
password: `flowml users reset-password admin` is how a lost admin password is recovered. The services are imported
inside the commands, so `flowml --help` stays fast.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape

from flowml.cli import display
from flowml.cli.database import on_database
from flowml.cli.errors import err_console, user_errors
from flowml.core.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from flowml.db.tables import User
    from flowml.services.context import AppContext

app = typer.Typer(help="User accounts, on this master's database (no server or sign-in needed).", no_args_is_help=True)
console = Console(soft_wrap=True)  # ids and names in messages stay whole for scripts

# The same values as db/tables/users.py Role and the rule of POST /api/users (api/routes/users.py); a test keeps them
# equal. Importing those modules would load the database layer or the whole API: seconds of start-up for `--help`.
Role = Literal["admin", "member"]
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]*$"
MAX_USERNAME_LENGTH = 64

UsernameArgument = Annotated[str, typer.Argument(help="The user's name, as `flowml users list` shows it")]
PasswordStdinOption = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of standard input; no prompt"),
]


@app.command("list")
def list_() -> None:
    """List every user, with role and state."""
    from flowml.services import users

    rows = on_database(users.list_users)
    if not rows:
        console.print(
            "No users yet: the server creates the first admin when it first starts, or create one with "
            "`flowml users create NAME --role admin`."
        )
        return
    grid = display.table("ID", "USERNAME", "ROLE", "STATE", "CREATED (UTC)", "LAST SIGN-IN (UTC)")
    for user in rows:
        state = "active" if user.is_active else "deactivated"
        created, last = display.when(_iso(user.created_at)), display.when(_iso(user.last_login_at))
        display.add_row(grid, user.id, user.username, user.role, state, created, last)
    console.print(grid)


@app.command()
def create(
    username: Annotated[str, typer.Argument(help="Letters, digits and . _ @ -, at most 64 characters")],
    role: Annotated[Role, typer.Option(help="admin: users, workers and everyone's data; member: their own")] = (
        "member"
    ),
    password_stdin: PasswordStdinOption = False,
) -> None:
    """Create a user; the password is prompted for (twice), or read with --password-stdin."""
    from flowml.services import users

    with user_errors():
        if len(username) > MAX_USERNAME_LENGTH or not re.fullmatch(USERNAME_PATTERN, username):
            raise InvalidInputError(
                f"'{username}' cannot be a username: start with a letter or digit, then use letters, digits and "
                f". _ @ -, at most {MAX_USERNAME_LENGTH} characters in all"
            )
    password = _new_password(password_stdin)
    user = on_database(lambda ctx: users.create_user(ctx, username, password, role))
    console.print(f"Created the {user.role} [bold]{escape(user.username)}[/] ({user.id}).")


@app.command("reset-password")
def reset_password(username: UsernameArgument, password_stdin: PasswordStdinOption = False) -> None:
    """Set a new password: the way back in when the admin password is lost.

    Signs the user out everywhere; their API keys keep working."""
    from flowml.services import users

    user = on_database(lambda ctx: find_user(ctx, username))  # before the prompt: no password typed for nobody
    password = _new_password(password_stdin)
    on_database(lambda ctx: users.set_password(ctx, user.id, password))
    console.print(f"New password set for [bold]{escape(user.username)}[/]; their sessions have ended.")
    if not user.is_active:
        console.print(f"[yellow]note:[/] the account is deactivated: `flowml users activate {escape(user.username)}`")


@app.command("set-role")
def set_role(
    username: UsernameArgument,
    role: Annotated[Role, typer.Argument(help="admin or member")],
) -> None:
    """Make a user admin or member. The last active admin cannot be demoted."""
    user = _update(username, role=role)
    console.print(f"[bold]{escape(user.username)}[/] is now {user.role}.")


@app.command()
def deactivate(username: UsernameArgument) -> None:
    """Stop a user from signing in or using their API keys, at once; their data stays."""
    user = _update(username, is_active=False)
    console.print(f"Deactivated [bold]{escape(user.username)}[/]: their sessions and API keys stop working now.")


@app.command()
def activate(username: UsernameArgument) -> None:
    """Let a deactivated user sign in and use their API keys again."""
    user = _update(username, is_active=True)
    console.print(f"Activated [bold]{escape(user.username)}[/].")


@app.command("create-key")
def create_key(
    username: UsernameArgument,
    name: Annotated[str, typer.Option(help="What the key is for, e.g. 'laptop CLI'")],
) -> None:
    """Create an API key acting as the user; prints it once.

    Only the key goes to standard output, so `export FLOWML_API_KEY=$(flowml users create-key NAME --name laptop)`
    captures it."""
    from flowml.services import users

    async def action(ctx: AppContext) -> tuple[User, str]:
        user = await find_user(ctx, username)
        if not user.is_active:
            raise InvalidInputError(
                f"'{username}' is deactivated, so a key would not work; `flowml users activate {username}` first"
            )
        _row, secret = await users.create_key(ctx, user, name)
        return user, secret

    with user_errors():
        if not name.strip():
            raise InvalidInputError("--name must say what the key is for")
    user, secret = on_database(action)
    # Everything but the key goes to stderr, so `$(...)` captures the key alone.
    err_console.print(
        f"API key '{escape(name)}' for [bold]{escape(user.username)}[/]. It is shown only now; store it safely, "
        "and use it as FLOWML_API_KEY:"
    )
    typer.echo(secret)


async def find_user(ctx: AppContext, username: str) -> User:
    from sqlmodel import select

    from flowml.db.tables import User

    async with ctx.sessions() as session:
        user = (await session.exec(select(User).where(User.username == username))).first()
    if user is None:
        raise NotFoundError(f"no user named '{username}'; `flowml users list` shows them")
    return user


def _update(username: str, *, role: Role | None = None, is_active: bool | None = None) -> User:
    from flowml.services import users

    # No actor: the machine's operator is no user row. The check that keeps one active admin still applies.
    async def action(ctx: AppContext) -> User:
        user = await find_user(ctx, username)
        return await users.update_user(ctx, None, user.id, role=role, is_active=is_active, password=None)

    return on_database(action)


def _new_password(from_stdin: bool) -> str:
    from flowml.auth.passwords import password_problem

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with user_errors():
        if not password:
            raise InvalidInputError("no password given" + (" on standard input" if from_stdin else ""))
        problem = password_problem(password)
        if problem:
            raise InvalidInputError(problem)
    return password


def _iso(moment: object) -> str | None:
    return None if moment is None else str(moment)
