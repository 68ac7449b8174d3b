"""`flowml users ...` on the master's database, through typer's CliRunner; sign-in is checked through the services,
as the API does it. tests/cli/test_remote.py uses these commands against a running server."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, get_args

import pytest
from typer.testing import CliRunner, Result

from flowml.cli import users as users_cli
from flowml.cli.main import app
from flowml.core.errors import AuthenticationError
from flowml.core.settings import get_settings
from flowml.db.tables.users import ROLES
from flowml.services import users
from flowml.services.context import close_context, create_context

pytestmark = pytest.mark.db

KEY = re.compile(r"^fml_[A-Za-z0-9_-]{20,}$")


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, ["users", *args], input=stdin, env={"COLUMNS": "200"})


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def user_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return " ".join(result.output.split())


def create(username: str, password: str, *extra: str) -> str:
    return ok(invoke("create", username, "--password-stdin", *extra, stdin=f"{password}\n"))


def on_db(action: Any) -> Any:
    """Run `action(ctx)` on the database the CLI just used."""

    async def main() -> Any:
        ctx = await create_context(get_settings(), with_pool=False)
        try:
            return await action(ctx)
        finally:
            await close_context(ctx)

    return asyncio.run(main())


def row_of(listing: str, username: str) -> str:
    return next(line for line in listing.splitlines() if f" {username} " in f" {line} ")


def test_create_list_set_role_deactivate_activate(home: Path) -> None:
    assert "No users yet" in ok(invoke("list"))
    assert "Created the admin alice" in create("alice", "alice-password", "--role", "admin")
    # Prompted twice when not read from stdin.
    assert "Created the member bob" in ok(invoke("create", "bob", stdin="bob-password\nbob-password\n"))

    listing = ok(invoke("list"))
    assert "admin" in row_of(listing, "alice") and "member" in row_of(listing, "bob")
    assert "bob-password" not in listing and "argon2" not in listing

    assert "bob is now admin" in ok(invoke("set-role", "bob", "admin"))
    assert "admin" in row_of(ok(invoke("list")), "bob")
    ok(invoke("set-role", "bob", "member"))

    assert "Deactivated bob" in ok(invoke("deactivate", "bob"))
    assert "deactivated" in row_of(ok(invoke("list")), "bob")
    assert "Activated bob" in ok(invoke("activate", "bob"))
    assert "active" in row_of(ok(invoke("list")), "bob") and "deactivated" not in row_of(ok(invoke("list")), "bob")


def test_reset_password_then_sign_in(home: Path) -> None:
    """The way back in when the admin password is lost."""
    create("root", "first-password", "--role", "admin")
    before = on_db(lambda ctx: users.login(ctx, "root", "first-password"))

    out = ok(invoke("reset-password", "root", stdin="second-password\nsecond-password\n"))
    assert "New password set for root" in out

    with pytest.raises(AuthenticationError):
        on_db(lambda ctx: users.login(ctx, "root", "first-password"))
    assert on_db(lambda ctx: users.login(ctx, "root", "second-password")).user.username == "root"
    with pytest.raises(AuthenticationError):  # sessions from before the reset have ended
        on_db(lambda ctx: users.authenticate(ctx, before.access_token))

    ok(invoke("reset-password", "root", "--password-stdin", stdin="third-password\n"))
    assert on_db(lambda ctx: users.login(ctx, "root", "third-password")).user.role == "admin"


def test_create_key_prints_only_the_key_on_stdout(home: Path) -> None:
    create("carol", "carol-password")
    result = invoke("create-key", "carol", "--name", "laptop CLI")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert KEY.match(key), result.stdout
    assert "shown only now" in result.stderr and key not in result.stderr
    user = on_db(lambda ctx: users.authenticate(ctx, key))
    assert user.username == "carol"
    keys = on_db(lambda ctx: users.list_keys(ctx, user))
    assert [k.name for k in keys] == ["laptop CLI"]


def test_the_last_admin_stays(home: Path) -> None:
    create("alice", "alice-password", "--role", "admin")
    assert "last active admin" in user_error(invoke("set-role", "alice", "member"))
    assert "last active admin" in user_error(invoke("deactivate", "alice"))
    create("dave", "dave-password", "--role", "admin")
    ok(invoke("deactivate", "alice"))  # another admin is left


@pytest.mark.parametrize(
    ("args", "stdin", "words"),
    [
        (["reset-password", "nobody", "--password-stdin"], "long-enough-1\n", "no user named 'nobody'"),
        (["set-role", "nobody", "admin"], None, "no user named 'nobody'"),
        (["create", "erin", "--password-stdin"], "short\n", "at least 8 characters"),
        (["create", "erin", "--password-stdin"], "", "no password given on standard input"),
        (["create", "bad name", "--password-stdin"], "long-enough-1\n", "cannot be a username"),
        (["create", "taken", "--password-stdin"], "long-enough-1\n", "'taken' is taken"),
        (["create-key", "asleep", "--name", "x"], None, "'asleep' is deactivated"),
    ],
)
def test_user_errors_are_one_line(home: Path, args: list[str], stdin: str | None, words: str) -> None:
    create("taken", "long-enough-1")
    create("asleep", "long-enough-1")
    ok(invoke("deactivate", "asleep"))
    assert words in user_error(invoke(*args, stdin=stdin))


def test_a_wrong_role_is_a_usage_error(home: Path) -> None:
    result = invoke("create", "frank", "--role", "owner", "--password-stdin", stdin="long-enough-1\n")
    assert result.exit_code == 2 and "owner" in result.output


def test_the_cli_accepts_what_the_api_accepts() -> None:
    """The CLI spells out the API's username rule and the roles, to start fast; they must not drift apart."""
    from flowml.api.routes.users import USERNAME_PATTERN

    assert users_cli.USERNAME_PATTERN == USERNAME_PATTERN
    assert get_args(users_cli.Role) == ROLES
