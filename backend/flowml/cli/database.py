"""Run one service call on this machine's database, for the commands that work without a server
(`flowml users`, `flowml token`): whoever can run them with the master's settings can read its database anyway."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from flowml.cli.errors import user_errors
from flowml.cli.startup import load_settings

if TYPE_CHECKING:
    from flowml.services.context import AppContext

T = TypeVar("T")


def on_database(action: Callable[[AppContext], Awaitable[T]]) -> T:
    """`action` on a context without the worker pool (these commands only touch the database); user errors end the
    command with one line and exit code 2."""
    from flowml.services.context import close_context, create_context

    async def main() -> T:
        ctx = await create_context(load_settings(), with_pool=False)
        try:
            return await action(ctx)
        finally:
            await close_context(ctx)

    with user_errors():
        return asyncio.run(main())
