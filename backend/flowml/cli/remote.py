"""What every command that acts on a running server shares: which server (--server / FLOWML_SERVER), the API key
(FLOWML_API_KEY), the connection, and `flowml whoami`.

The HTTP part is `flowml.Client` (client/), imported only when a command connects, so `flowml --help` stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from flowml.cli.errors import user_errors
from flowml.core.errors import FlowMLError, InvalidInputError

if TYPE_CHECKING:
    from flowml.client import Client

# The same names as flowml.client's; spelled out so that `flowml --help` does not import the client.
API_KEY_ENV = "FLOWML_API_KEY"
SERVER_ENV = "FLOWML_SERVER"
DEFAULT_SERVER = "http://127.0.0.1:8000"
MISSING_KEY = (
    f"{API_KEY_ENV} is not set. Create an API key in the dashboard (Account page, 'API keys'), or on the server "
    f"machine with `flowml users create-key USERNAME --name laptop`, then `export {API_KEY_ENV}=fml_...`."
)

# soft_wrap: a message is never broken across lines, so the ids in it stay whole for scripts that grep them.
console = Console(soft_wrap=True)

ServerOption = Annotated[
    str, typer.Option("--server", envvar=SERVER_ENV, help="The FlowML server's URL", show_default=True)
]


class MissingApiKeyError(FlowMLError):
    """FLOWML_API_KEY is unset or empty."""


def api_key_from_env() -> str:
    # Only the environment carries the key, never an option: options show in the process list and shell history.
    key = os.environ.get(API_KEY_ENV, "").strip()
    if not key:
        raise MissingApiKeyError(MISSING_KEY)
    return key


@contextmanager
def connect(server: str) -> Iterator[Client]:
    """A client for `server` sending FLOWML_API_KEY; any user error inside ends the command with one line and
    exit code 2 (typer.Exit, e.g. a failed job's exit code 1, passes through)."""
    with user_errors():
        from flowml import __version__
        from flowml.client import Client

        with Client(server, api_key_from_env(), user_agent=f"flowml-cli/{__version__}") as client:
            yield client


def output_file(path: Path) -> Path:
    """`path` when a file can be written there; a clear error before anything is downloaded otherwise."""
    with user_errors():
        if path.is_dir():
            raise InvalidInputError(f"{path} is a folder; give the name of a file to write")
        if not path.parent.is_dir():
            raise InvalidInputError(f"the folder {path.parent} does not exist")
    return path


def whoami(server: ServerOption = DEFAULT_SERVER) -> None:
    """Show which user FLOWML_API_KEY acts as, on which server."""
    with connect(server) as client:
        me = client.me()
        where = client.server
    console.print(f"[bold]{escape(me.username)}[/] ({escape(me.role)}) on {escape(where)}")
