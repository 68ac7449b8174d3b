"""The WebSocket messages in the OpenAPI schema.

OpenAPI has no place for a WebSocket's messages, yet the dashboard's types for them should be generated like the
rest, not written by hand. So the schema's components get `ServerMessage` (the union of what /ws and /ws/jobs/{id}
send, discriminated by `type`) and the models it refers to; `npm run gen:api` turns them into TypeScript.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from pydantic import TypeAdapter

from flowml.events.schemas import ServerMessage

COMPONENT = "ServerMessage"
_REF_TEMPLATE = "#/components/schemas/{model}"


def message_schemas() -> dict[str, dict[str, Any]]:
    """`ServerMessage` and every model it refers to, as OpenAPI components."""
    schema = TypeAdapter(ServerMessage).json_schema(mode="serialization", ref_template=_REF_TEMPLATE)
    definitions: dict[str, dict[str, Any]] = schema.pop("$defs", {})
    return {**definitions, COMPONENT: schema}


def _comparable(schema: Any) -> Any:
    """`schema` without `"default": null`, which FastAPI leaves out of the schemas it writes and pydantic keeps."""
    if isinstance(schema, dict):
        return {k: _comparable(v) for k, v in schema.items() if not (k == "default" and v is None)}
    if isinstance(schema, list):
        return [_comparable(item) for item in schema]
    return schema


def add_event_schemas(app: FastAPI) -> None:
    """Make `app.openapi()` include the WebSocket messages (see the module docstring)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for name, definition in message_schemas().items():
                # A model the routes return too (JobPublic, ...) is already there, described the same way; another
                # model of the same name would make the messages refer to it, so that is an error, not a skip.
                if _comparable(components.setdefault(name, definition)) != _comparable(definition):
                    raise ValueError(f"two models are named {name} in the OpenAPI schema; rename one")
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
