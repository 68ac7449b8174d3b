"""Checks at server start: refuse unsafe settings with one clean paragraph (exit code 2), and warn about what a
CORS wildcard or a Redis without a password exposes. docs/security.md explains each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import redis
import typer
from loguru import logger
from pydantic import ValidationError
from rich.markup import escape

from flowml.cli.errors import err_console
from flowml.core.settings import RedisTarget, Settings, get_settings

# A Redis that does not answer in this time is reported as unreachable: the start must stay quick.
PROBE_TIMEOUT_SECONDS = 1.0

RedisAnswer = Literal["open", "protected", "unreachable"]


def load_settings(load: Callable[[], Settings] = get_settings) -> Settings:
    """The settings, or one readable paragraph and exit code 2 when they are refused: never a traceback, and
    never pydantic's dump of the input values (it would print SECRET_KEY and passwords)."""
    try:
        return load()
    except ValidationError as exc:
        err_console.print(f"[bold red]error:[/] {escape(describe_validation_error(exc))}", soft_wrap=True)
        raise typer.Exit(code=2) from None


def describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False, include_input=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        where = ".".join(str(part) for part in error["loc"])
        parts.append(f"{where}: {message}" if where else message)
    return " ".join(parts)


def warn_about_exposure(settings: Settings) -> None:
    """Log a warning for each way this setup lets more than its signed-in users in, without refusing anything:
    what production must refuse, Settings already did. A network address alone is no such way: every route but
    /health and sign-in asks for credentials (docs/security.md)."""
    if "*" in settings.CORS_ORIGINS:
        logger.warning(
            'CORS_ORIGINS is "*": any web site a user of this server visits can read the API from their browser. '
            "ENVIRONMENT=production refuses it; list exact origins instead."
        )
    for message in redis_warnings(settings):
        logger.warning(message)


def warn_about_unknown_settings(settings: Settings) -> None:
    """One warning per name in .env that no setting reads (a typo, or a name only the seed knew): pydantic-settings
    would drop it without a word."""
    for name in settings.unknown_names:
        logger.warning(
            "{} in .env is not a FlowML setting, so it changes nothing: check its spelling against the README's "
            "configuration table, or remove it.",
            name,
        )


def redis_warnings(settings: Settings, timeout: float = PROBE_TIMEOUT_SECONDS) -> list[str]:
    """One warning per Redis (host and port) that has no password in its URL or on the server itself; settings that
    name the same server alike share one warning and one probe."""
    by_server: dict[tuple[str, bool], list[tuple[RedisTarget, str]]] = {}
    for target in settings.redis_targets():
        url: str = getattr(settings, target.setting)
        by_server.setdefault((target.where, target.has_password), []).append((target, url))
    warnings = []
    for (where, with_password), entries in by_server.items():
        names = [target.setting for target, _ in entries]
        answer = probe_redis(entries[0][1], timeout)
        message = _redis_message(names, where, with_password, answer, local=entries[0][0].local)
        if message:
            warnings.append(message)
    return warnings


def _redis_message(
    settings: list[str], where: str, with_password: bool, answer: RedisAnswer, *, local: bool
) -> str | None:
    names = " and ".join(settings)
    has, points = ("have", "point") if len(settings) > 1 else ("has", "points")
    if with_password:
        if answer != "open":
            return None
        return (
            f"The Redis at {where} ({names}) answers without a password although the URL carries one: `requirepass` "
            "is not set on the server, so the password protects nothing. Set requirepass in redis.conf."
        )
    if answer == "protected":
        return (
            f"{names} {has} no password, but the Redis at {where} demands one (NOAUTH): FlowML cannot use it until "
            "the URL carries it (redis://:PASSWORD@host:6379/0)."
        )
    server = (
        "and the server answered PING without one"
        if answer == "open"
        else "(it did not answer now, so whether the server demands one is unknown)"
    )
    who = "Only this machine reaches it, but any program on it" if local else "Anyone who can reach it"
    return (
        f"{names} {points} to the Redis at {where} without a password, {server}. {who} can read trial results and "
        "queue tasks that workers run. Set `requirepass` in redis.conf and put the password in the URL "
        "(redis://:PASSWORD@host:6379/0); docs/security.md shows how."
    )


def probe_redis(url: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> RedisAnswer:
    """Ask the server for PING without any credentials: answered means anyone may use it, NOAUTH means it
    demands a password. Anything else (refused, timed out, TLS trouble) counts as unreachable."""
    client = redis.Redis.from_url(
        _without_credentials(url),
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry_on_timeout=False,
    )
    try:
        client.ping()
    except redis.exceptions.AuthenticationError:  # NOAUTH: the server has requirepass (or ACL users)
        return "protected"
    except redis.exceptions.ResponseError as exc:
        return "protected" if "NOAUTH" in str(exc) else "unreachable"
    except (redis.exceptions.RedisError, OSError):
        return "unreachable"
    finally:
        client.close()
    return "open"


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))
