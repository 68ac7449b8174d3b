"""`flowml openapi`: the API's OpenAPI schema, the source the dashboard's typed client is generated from.

The output is committed (frontend/openapi.json) and a test compares it with a fresh one, so it must not depend on the
machine that writes it: the app is built from default settings that read neither the environment nor a `.env` file,
with every folder inside a temporary directory that is removed afterwards. The lifespan (database, worker pool) never
runs, since `app.openapi()` needs only the routes, so nothing is created anywhere else.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from flowml.core.settings import Settings


class _DefaultSettings(Settings):
    """Settings from code defaults and explicit values only: FLOWML_HOME, DATABASE_URL or a `.env` file on this machine
    must not leak into the committed schema."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


@contextmanager
def _cache_home(path: Path) -> Iterator[None]:
    """Point XDG_CACHE_HOME at `path` while the app's modules load: importing onnxruntime writes a device id under
    ~/.cache/Microsoft, which a command that only prints a schema has no business leaving behind."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(path)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = before


def openapi_schema() -> dict[str, Any]:
    """The schema of the app as `flowml up` serves it, built without touching the database or any real folder."""
    with tempfile.TemporaryDirectory(prefix="flowml-openapi-") as tmp:
        home = Path(tmp)
        with _cache_home(home / "cache"):
            from flowml.api.app import create_app

            # FRONTEND_DIST points at the empty folder too, so a built dashboard on this machine changes nothing.
            settings = _DefaultSettings(DATA_DIR=home / "data", FRONTEND_DIST=home / "dist")
            schema: dict[str, Any] = create_app(settings, with_pool=False).openapi()
    return schema


def openapi_json() -> str:
    """The schema as stable text: sorted keys, two-space indent, one trailing newline."""
    return json.dumps(openapi_schema(), indent=2, sort_keys=True) + "\n"


def write_openapi(output: Path | None) -> None:
    text = openapi_json()
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    # "\n" line endings on every OS, so the committed file is byte-identical wherever it is regenerated.
    with output.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
