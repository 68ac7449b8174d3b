"""Checks on user input before it reaches the database or a library, so a bad value is a 4xx, never a 500.

PostgreSQL cannot store or even compare a string holding a NUL character (asyncpg raises
CharacterNotInRepertoireError), so an id with one is rejected as unknown before any query, and free text with one is
refused with a message. SQLite accepts both; the checks apply on every database so the answers are the same.
Python's JSON parser also lets through what no encoder takes back: NaN and Infinity, and lone surrogates such as
"\ud800" (not Unicode, so UTF-8, Arrow and the database all refuse them).
"""

from __future__ import annotations

import json
import re
from typing import TypeVar

from flowml.core.errors import InvalidInputError

T = TypeVar("T")

# Every id FlowML hands out is uuid4().hex (db/types.new_id).
_ID = re.compile(r"[0-9a-f]{32}")


def is_id(value: str) -> bool:
    """Whether `value` could be an id FlowML made; anything else names nothing and needs no query."""
    return _ID.fullmatch(value) is not None


def storable_text(value: str, what: str) -> str:
    """`value` unchanged, or a 422 naming the field when the database could not store it."""
    if "\x00" in value:
        raise InvalidInputError(f"{what} contains a NUL character (\\x00), which cannot be stored; remove it")
    return unicode_only(value, what)


def unicode_only(value: T, what: str) -> T:
    """`value` (text, or JSON-like data holding text) unchanged, or a 422 when some text in it is not Unicode."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInputError(
            f"{what} contains text that is not valid Unicode (a lone surrogate such as \\ud800)"
        ) from None
    return value


def json_storable(value: T, what: str) -> T:
    """`value` unchanged, or a 422 when it holds NaN or Infinity: Python's JSON parser accepts those words, but the
    database's JSON type and every JSON answer refuse them."""
    unicode_only(value, what)
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        raise InvalidInputError(
            f"{what} contains NaN or Infinity, which JSON cannot carry; send null or a number"
        ) from None
    return value


def seed_or_ours(name: str, value: T | None, seed_name: str, seed_value: T | None) -> T | None:
    """A value sent under FlowML's name or under the seed's (what the seed's README called it); both at once is a 422
    unless they agree, so neither is ignored without a word."""
    if value is not None and seed_value is not None and value != seed_value:
        raise InvalidInputError(f"`{seed_name}` is the seed's name of `{name}`: send one of them, not both")
    return value if value is not None else seed_value


def item_name(value: str, what: str, limit: int) -> str:
    """A name a user gives a project or workflow: trimmed, 1 to `limit` characters, storable; else a 422."""
    name = storable_text(value, what).strip()
    if not 1 <= len(name) <= limit:
        raise InvalidInputError(f"{what} must be 1 to {limit} characters (spaces at either end are trimmed)")
    return name


def description_text(value: str, limit: int) -> str:
    """A free-text description: trimmed, at most `limit` characters, storable; else a 422."""
    text = storable_text(value, "description").strip()
    if len(text) > limit:
        raise InvalidInputError(f"description must be at most {limit} characters; this is {len(text)}")
    return text
