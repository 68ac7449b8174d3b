"""Serve the built dashboard (frontend/dist) at `/`, or a page that says how to build it."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from flowml.core.errors import NotFoundError

REPO_DIST = Path(__file__).resolve().parents[3] / "frontend" / "dist"

NO_DASHBOARD = """<!doctype html><html><head><meta charset="utf-8"><title>FlowML Studio</title>
<style>body{font-family:system-ui;background:#0b0f17;color:#e5e7eb;max-width:46rem;margin:4rem auto;line-height:1.5}
code{background:#1f2937;padding:.1rem .3rem;border-radius:4px}a{color:#60a5fa}</style></head><body>
<h1>FlowML Studio is running</h1>
<p>The API is up, but the dashboard has not been built on this machine (it needs Node.js 20+).</p>
<p>Install Node.js, then run <code>./setup-and-run.sh</code> again (or <code>cd frontend &amp;&amp; npm ci &amp;&amp;
npm run build</code>) and reload this page.</p>
<p>Meanwhile everything works through the API: <a href="/docs">/docs</a> (interactive) and the
<code>flowml</code> command line.</p></body></html>"""


def mount_frontend(app: FastAPI, dist: Path | None) -> None:
    dist = dist or REPO_DIST
    index = dist / "index.html"
    if not index.exists():

        @app.get("/", include_in_schema=False)
        async def no_dashboard() -> HTMLResponse:
            return HTMLResponse(NO_DASHBOARD)

        return
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str) -> FileResponse:
        # An API path no route matched is a 404, never the dashboard's page with 200: a client calling a route
        # that does not exist (a typo, an older server) must be told so.
        if path == "api" or path.startswith(("api/", "ws/")):
            raise NotFoundError(f"no such endpoint: /{path}")
        # Client-side routes (/jobs/abc) get index.html; real files in dist/ are served as they are.
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        return FileResponse(index)
