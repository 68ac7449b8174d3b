"""GET /api/plugins: the algorithm and preprocessor plugins this server found, and the ones it left out, with why.

The loading and checking is the engine's (engine/plugins.py), done once per process; this route only reports it.
Why a plugin broke can name files on the server (an import error's path), so that text is for admins; members see
that it broke and which distribution it came from.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from flowml.api.auth import CurrentUser, current_user
from flowml.api.routes.responses import signed_in
from flowml.engine.plugins import BrokenPlugin, LoadedPlugin, plugin_report
from flowml.engine.preprocessor import PreprocessorInfo, default_preprocessors
from flowml.services import users

router = APIRouter(tags=["system"], dependencies=[Depends(current_user)], responses=signed_in())

HIDDEN_ERROR = "left out: an administrator sees why in GET /api/plugins or the server log"


class PluginsInfo(BaseModel):
    loaded: list[LoadedPlugin] = Field(description="Entry points in use: each provides one algorithm or preprocessor")
    broken: list[BrokenPlugin] = Field(description="Entry points left out, with the reason (for admins)")
    preprocessors: list[PreprocessorInfo] = Field(
        description="The preprocessors a job may name, with their search spaces and defaults"
    )


@router.get("/api/plugins", response_model=PluginsInfo)
async def plugins(user: CurrentUser) -> PluginsInfo:
    report = plugin_report()
    admin = users.is_admin(user)
    return PluginsInfo(
        loaded=report.loaded,
        broken=[b if admin else b.model_copy(update={"error": HIDDEN_ERROR}) for b in report.broken],
        preprocessors=[p.describe() for p in default_preprocessors()],
    )
