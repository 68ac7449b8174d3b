"""GET /api/nodes: the workflow node catalogue, so the canvas builds its palette and settings forms from the server
(and algorithms and preprocessors from plugins appear there without a frontend change)."""

from __future__ import annotations

import json
from functools import cache

from fastapi import APIRouter, Depends, Response

from flowml.api.auth import current_user
from flowml.api.routes.responses import signed_in
from flowml.engine.algorithms import default_registry
from flowml.workflows.catalogue import NodeSpec, catalogue

router = APIRouter(tags=["workflows"], dependencies=[Depends(current_user)], responses=signed_in())


@cache
def _catalogue_json() -> bytes:
    """Built once per process: plugins are loaded once at start, so the catalogue cannot change while it runs, and
    building it (every algorithm's space, every schema) took ~13 ms a request, on the canvas's critical path."""
    specs = [spec.model_dump(mode="json") for spec in catalogue(default_registry())]
    return json.dumps(specs, separators=(",", ":")).encode()


@router.get("/api/nodes", response_model=list[NodeSpec])
async def nodes() -> Response:
    """Every node type in palette order: its input and output ports (a port's name is its handle id) and the JSON
    schema of its `data.settings`, with the installed algorithms, metrics and preprocessors as enums."""
    return Response(content=_catalogue_json(), media_type="application/json")
