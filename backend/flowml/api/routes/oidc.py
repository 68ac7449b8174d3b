"""Sign-in with outside accounts (OIDC_PROVIDERS): the login page's buttons, the redirect out, the way back.

The way back ends on the dashboard's /login page with the tokens in the URL fragment (`#access_token=...`), which
the browser never sends to any server and the page clears at once; errors come back as `#error=...` the same way.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.responses import RedirectResponse
from loguru import logger
from pydantic import BaseModel

from flowml.api.deps import CtxDep
from flowml.api.rate_limit import rate_limit
from flowml.api.routes.responses import error_responses
from flowml.auth import oidc
from flowml.core.errors import FlowMLError, NotFoundError
from flowml.core.settings import OidcProvider
from flowml.services import users
from flowml.services.context import AppContext

router = APIRouter(prefix="/api/auth", tags=["auth"])

COOKIE = "flowml_oidc"
COOKIE_PATH = "/api/auth/oidc"
LOGIN_PAGE = "/login"
OIDC_LIMIT = rate_limit("login", lambda settings: settings.LOGIN_RATE_PER_MINUTE)


class ProviderPublic(BaseModel):
    name: str
    label: str
    login_url: str


def _provider(ctx: AppContext, name: str) -> OidcProvider:
    for provider in ctx.settings.OIDC_PROVIDERS:
        if provider.name == name:
            return provider
    raise NotFoundError(f"no sign-in provider named '{name}'")


def _callback_url(ctx: AppContext, request: Request, name: str) -> str:
    base = ctx.settings.PUBLIC_URL or str(request.base_url)
    return f"{base.rstrip('/')}/api/auth/oidc/{name}/callback"


def _safe_next(value: str | None) -> str:
    """Only a path on this site: an absolute URL here would make the login an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _back_to_login(fragment: dict[str, str]) -> RedirectResponse:
    response = RedirectResponse(f"{LOGIN_PAGE}#{urlencode(fragment, quote_via=quote)}", status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


@router.get("/providers", response_model=list[ProviderPublic])
async def providers(ctx: CtxDep) -> list[ProviderPublic]:
    """The outside accounts the login page offers (OIDC_PROVIDERS); usually none."""
    return [
        ProviderPublic(name=p.name, label=p.button, login_url=f"/api/auth/oidc/{p.name}/login")
        for p in ctx.settings.OIDC_PROVIDERS
    ]


@router.get(
    "/oidc/{provider}/login",
    response_class=RedirectResponse,
    status_code=302,
    dependencies=[OIDC_LIMIT],
    responses=error_responses(404, 429, notes={404: "No provider of that name in OIDC_PROVIDERS"}),
)
async def oidc_login(
    ctx: CtxDep, request: Request, provider: str, next: Annotated[str | None, Query(max_length=2000)] = None
) -> RedirectResponse:
    """Send the browser to the provider's sign-in page."""
    chosen = _provider(ctx, provider)
    flow = oidc.new_flow(chosen.name, _safe_next(next))
    try:
        target = await oidc.authorization_url(chosen, flow, _callback_url(ctx, request, chosen.name))
    except oidc.OidcError as exc:
        logger.warning("sign-in with {} failed to start: {}", chosen.name, exc)
        return _back_to_login({"error": str(exc)})
    response = RedirectResponse(target, status_code=302)
    response.set_cookie(
        COOKIE,
        oidc.seal(flow, ctx.signing_key),
        max_age=oidc.FLOW_LIFETIME_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="lax",  # sent on the provider's top-level redirect back, never on cross-site subrequests
    )
    return response


@router.get(
    "/oidc/{provider}/callback",
    response_class=RedirectResponse,
    status_code=303,
    dependencies=[OIDC_LIMIT],
    responses=error_responses(404, 429, notes={404: "No provider of that name in OIDC_PROVIDERS"}),
)
async def oidc_callback(
    ctx: CtxDep,
    request: Request,
    provider: str,
    code: Annotated[str | None, Query(max_length=4096)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
    error: Annotated[str | None, Query(max_length=512)] = None,
    error_description: Annotated[str | None, Query(max_length=2000)] = None,
    flowml_oidc: Annotated[str | None, Cookie(max_length=4096)] = None,
) -> RedirectResponse:
    """Where the provider sends the browser back: finish the sign-in and hand the tokens to the login page."""
    chosen = _provider(ctx, provider)
    try:
        if error:
            raise oidc.OidcError(f"{chosen.button} did not complete: {error_description or error}.")
        flow = oidc.unseal(flowml_oidc, ctx.signing_key)
        if flow.provider != chosen.name or not state or state != flow.state or not code:
            raise oidc.OidcError("This sign-in answer does not match the one started here; start again.")
        identity = await oidc.finish(chosen, flow, code, _callback_url(ctx, request, chosen.name))
        pair = await users.sign_in_with(ctx, chosen, identity)
    except (oidc.OidcError, FlowMLError) as exc:
        message = exc.message if isinstance(exc, FlowMLError) else str(exc)
        logger.warning("sign-in with {} refused: {}", chosen.name, message)
        return _back_to_login({"error": message})
    return _back_to_login(
        {
            "access_token": pair.access_token,
            "refresh_token": pair.refresh_token,
            "expires_in": str(pair.expires_in),
            "next": flow.next,
        }
    )
