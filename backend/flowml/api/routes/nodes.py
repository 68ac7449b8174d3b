"""GET /api/nodes: the workflow node catalogue, so the canvas builds its palette and settings forms from the server
(and algorithms and preprocessors from plugins appear there without a frontend change)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from flowml.api.auth import current_user
from flowml.api.routes.responses import signed_in
from flowml.engine.algorithms import default_registry
from flowml.workflows.catalogue import NodeSpec, catalogue

router = APIRouter(tags=["workflows"], dependencies=[Depends(current_user)], responses=signed_in())


@router.get("/api/nodes", response_model=list[NodeSpec])
async def nodes() -> list[NodeSpec]:
    """Every node type in palette order: its input and output ports (a port's name is its handle id) and the JSON
    schema of its `data.settings`, with the installed algorithms, metrics and preprocessors as enums."""
    return catalogue(default_registry())
