"""The FastAPI application: lifespan builds the context, routers stay thin, user errors become 4xx JSON."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from loguru import logger

from flowml import __version__
from flowml.api.event_schemas import add_event_schemas
from flowml.api.frontend import mount_frontend
from flowml.api.rate_limit import install_rate_limiter
from flowml.api.redoc import REDOC_PATH
from flowml.api.redoc import router as redoc_router
from flowml.api.request_bodies import RequestBodyLimits
from flowml.api.routes import (
    auth,
    cluster,
    compare,
    datasets,
    history,
    model_threshold,
    nodes,
    oidc,
    plugins,
    predictions,
    projects,
    refits,
    results,
    system,
    training,
    training_limits,
    users,
    worker_data,
    workers,
    workflow_export,
    workflows,
    ws,
)
from flowml.api.routes.responses import error_response
from flowml.api.security_headers import REDOC_CSP, SecurityHeadersMiddleware
from flowml.api.trusted_hosts import TrustedHostMiddleware
from flowml.api.validation_errors import invalid_request
from flowml.cluster.orchestrator import attach_cluster
from flowml.core.errors import FlowMLError
from flowml.core.settings import Settings, get_settings
from flowml.engine.plugins import plugin_report
from flowml.events.hub import WebSocketHub
from flowml.services.context import close_context, create_context
from flowml.services.jobs.manager import JobManager
from flowml.services.refits import RefitManager
from flowml.services.users import ensure_admin
from flowml.services.workers import sweep_forever


def create_app(settings: Settings | None = None, *, with_pool: bool = True) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = await create_context(settings, with_pool=with_pool)
        await ensure_admin(ctx)
        hub = WebSocketHub(ctx.bus, ctx.events.replay)
        await hub.start()
        manager = JobManager(ctx)
        # Trials kept as models of their own refit in the background, on the same pool (services/refits.py).
        app.state.refits = refit_manager = RefitManager(ctx)
        app.state.ctx, app.state.hub, app.state.manager = ctx, hub, manager
        # With a broker configured, trials go to Celery workers (and the local pool when none is live).
        cluster_executor = await attach_cluster(ctx) if with_pool else None
        if with_pool:
            await manager.start()
        # Marks remote workers that stopped sending heartbeats offline, so the driver stops routing to them.
        sweeper = asyncio.create_task(sweep_forever(ctx), name="worker-sweep")
        # Load the plugins now, so a broken one is in the log at start rather than at the first job.
        report = plugin_report()
        logger.info("plugins: {} loaded, {} left out (GET /api/plugins)", len(report.loaded), len(report.broken))
        logger.info("FlowML {} ready: database {}, storage {}", __version__, _safe_url(settings), ctx.store.describe())
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            await refit_manager.shutdown()
            await manager.shutdown()
            if cluster_executor is not None:
                await cluster_executor.close()
            await hub.stop()
            await close_context(ctx)

    app = FastAPI(
        title="FlowML Studio",
        version=__version__,
        description="Self-hosted AutoML: upload a table, train, watch, predict.",
        lifespan=lifespan,
        # FastAPI's ReDoc page loads Google Fonts; api/redoc.py serves it without them, under its own CSP.
        redoc_url=None,
    )
    app.state.settings = settings
    install_rate_limiter(app)
    # Inside CORS, so a browser on an allowed origin can read its 401s and 413s.
    app.add_middleware(
        RequestBodyLimits,
        body_limit_bytes=settings.max_request_body_bytes,
        upload_limit_bytes=settings.max_upload_bytes,
    )
    # Cross-origin reads only from the listed origins, and never with cookies: "*" with credentials would let any
    # site act as the user. Production refuses "*" (Settings); development allows it, with a warning at start.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.CORS_ORIGINS,
        allow_credentials=False,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["*"],
    )
    app.add_middleware(TrustedHostMiddleware, patterns=settings.host_patterns())
    # Added last, so it is outermost: 400s for a foreign Host, 401s and 413s before the body and CORS answers get
    # the headers too.
    docs_paths = [path for path in (app.docs_url, app.swagger_ui_oauth2_redirect_url) if path]
    app.add_middleware(SecurityHeadersMiddleware, docs_paths=docs_paths, page_policies={REDOC_PATH: REDOC_CSP})

    app.add_exception_handler(RequestValidationError, invalid_request)

    @app.exception_handler(FlowMLError)
    async def user_error(_request: Request, exc: FlowMLError) -> JSONResponse:
        return error_response(exc)

    for router in (
        system.public,
        auth.router,
        oidc.router,
        users.router,
        system.router,
        plugins.router,
        datasets.router,
        training_limits.router,  # before training: its /api/training/{job_id} would take "limits" for a job id
        training.router,
        history.router,
        projects.router,
        compare.router,
        refits.router,
        results.router,
        predictions.router,
        model_threshold.router,
        workers.router,
        cluster.router,
        worker_data.router,
        workflows.router,
        workflow_export.router,
        nodes.router,
        ws.router,
        redoc_router,
    ):
        app.include_router(router)
    add_event_schemas(app)
    mount_frontend(app, settings.FRONTEND_DIST)
    return app


def _safe_url(settings: Settings) -> str:
    url = settings.DATABASE_URL
    if "@" in url:  # never print a password
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
