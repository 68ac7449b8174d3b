"""ReDoc at /redoc, where the seed's README pointed readers of the API.

FastAPI's own ReDoc page (`redoc_url`) loads Google Fonts; this one is the same page without them (the browser's
fonts), so it works under REDOC_CSP (security_headers.py) with nothing fetched from elsewhere but ReDoc's script.
That script comes from the CDN that serves /docs' Swagger UI too: like /docs, /redoc stays blank without internet
access, and the API itself does not depend on either page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse

from flowml.api.security_headers import DOCS_CDN

REDOC_PATH = "/redoc"
# FastAPI's default bundle (ReDoc 2.x); the CSP allows exactly this CDN's origin.
REDOC_JS = f"{DOCS_CDN}/npm/redoc@2/bundles/redoc.standalone.js"
# The dashboard's icon (frontend/public): on this origin, unlike FastAPI's default.
FAVICON = "/favicon.svg"

router = APIRouter(include_in_schema=False)


@router.get(REDOC_PATH, include_in_schema=False)
async def redoc(request: Request) -> HTMLResponse:
    root_path = str(request.scope.get("root_path", "")).rstrip("/")
    return get_redoc_html(
        openapi_url=f"{root_path}{request.app.openapi_url}",
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=REDOC_JS,
        redoc_favicon_url=FAVICON,
        with_google_fonts=False,
    )
