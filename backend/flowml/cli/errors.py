"""Turn user errors into a one-line message and exit code 2, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from flowml.core.errors import FlowMLError

err_console = Console(stderr=True)


@contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except FlowMLError as exc:
        # Escaped: messages quote what users typed and servers sent, and "[/x]" in them is not markup.
        err_console.print(f"[bold red]error:[/] {escape(exc.message)}")
        raise typer.Exit(code=2) from None
    except FileNotFoundError as exc:
        err_console.print(f"[bold red]error:[/] file not found: {escape(str(exc.filename or exc))}")
        raise typer.Exit(code=2) from None
