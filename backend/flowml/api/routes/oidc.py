"""Sign-in with outside accounts (OIDC_PROVIDERS): the login page's buttons, the redirect out, the way back, the
trade of the way back's one-time code for tokens, and a signed-in user's link of a provider to their account.

The way back never carries tokens: it ends on the dashboard's /login page with `#code=...`, a one-time code that
only the browser which started the sign-in can trade (POST /api/auth/oidc/exchange; services/sign_in_codes.py says
why). The fragment, rather than `?code=`, because a fragment never reaches a server: not FlowML's access log, not
a reverse proxy's, not a Referer header. Errors come back as `#error=...` the same way.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Cookie, Query, Request, Response
from fastapi.responses import RedirectResponse
from loguru import logger
from pydantic import BaseModel, Field

from flowml.api.auth import CurrentUser
from flowml.api.deps import CtxDep
from flowml.api.rate_limit import rate_limit
from flowml.api.routes.auth import TokenPairPublic, pair_body
from flowml.api.routes.responses import error_responses
from flowml.auth import oidc
from flowml.core.errors import FlowMLError, NotFoundError
from flowml.core.settings import OidcProvider
from flowml.services import sign_in_codes, users
from flowml.services.context import AppContext

router = APIRouter(prefix="/api/auth", tags=["auth"])

COOKIE = "flowml_oidc"
COOKIE_PATH = "/api/auth/oidc"
LOGIN_PAGE = "/login"
ACCOUNT_PAGE = "/account"
OIDC_LIMIT = rate_limit("login", lambda settings: settings.LOGIN_RATE_PER_MINUTE)


class ProviderPublic(BaseModel):
    name: str
    label: str
    login_url: str


class CodeExchange(BaseModel):
    code: str = Field(min_length=1, max_length=256, description="The code from /login#code=... after a sign-in")


class OidcSignInPublic(TokenPairPublic):
    next: str = Field(description="Where the user was going when they clicked the provider's button (a path here)")


class LinkStart(BaseModel):
    redirect_url: str = Field(description="Open this in the browser (a full-page navigation) to continue")


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


def _page_with(page: str, fragment: dict[str, str]) -> str:
    return f"{page}#{urlencode(fragment, quote_via=quote)}"


def _back_to(page: str, fragment: dict[str, str]) -> RedirectResponse:
    response = RedirectResponse(_page_with(page, fragment), status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


def _set_cookie(
    response: Response, request: Request, value: str, max_age: int, samesite: Literal["lax", "strict"]
) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        secure=request.url.scheme == "https",
        samesite=samesite,
    )


async def _start(ctx: AppContext, request: Request, provider: OidcProvider, flow: oidc.Flow) -> tuple[str, str]:
    """The provider's sign-in URL for `flow`, and the signed cookie that carries the flow to the callback."""
    target = await oidc.authorization_url(provider, flow, _callback_url(ctx, request, provider.name))
    return target, oidc.seal(flow, ctx.signing_key)


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
    try:
        target, cookie = await _start(ctx, request, chosen, oidc.new_flow(chosen.name, _safe_next(next)))
    except oidc.OidcError as exc:
        logger.warning("sign-in with {} failed to start: {}", chosen.name, exc)
        return _back_to(LOGIN_PAGE, {"error": str(exc)})
    response = RedirectResponse(target, status_code=302)
    # Lax: sent on the provider's top-level redirect back, never on cross-site subrequests.
    _set_cookie(response, request, cookie, oidc.FLOW_LIFETIME_SECONDS, "lax")
    return response


@router.post(
    "/oidc/{provider}/link",
    response_model=LinkStart,
    dependencies=[OIDC_LIMIT],
    responses=error_responses(401, 404, 429, notes={404: "No provider of that name in OIDC_PROVIDERS"}),
)
async def oidc_link(ctx: CtxDep, request: Request, response: Response, user: CurrentUser, provider: str) -> LinkStart:
    """Start linking this provider to the signed-in account: the way an admin (never linked by email) gets a
    provider button. A POST with the access token, since a navigation carries none; the answer says where to go."""
    chosen = _provider(ctx, provider)
    try:
        target, cookie = await _start(ctx, request, chosen, oidc.new_flow(chosen.name, ACCOUNT_PAGE, user.id))
    except oidc.OidcError as exc:
        logger.warning("linking {} failed to start: {}", chosen.name, exc)
        return LinkStart(redirect_url=_page_with(ACCOUNT_PAGE, {"error": str(exc)}))
    _set_cookie(response, request, cookie, oidc.FLOW_LIFETIME_SECONDS, "lax")
    return LinkStart(redirect_url=target)


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
    """Where the provider sends the browser back: finish the sign-in (or link) and send the browser on."""
    chosen = _provider(ctx, provider)
    page = LOGIN_PAGE
    try:
        if error:
            raise oidc.OidcError(f"{chosen.button} did not complete: {error_description or error}.")
        flow = oidc.unseal(flowml_oidc, ctx.signing_key)
        page = ACCOUNT_PAGE if flow.link_user else LOGIN_PAGE
        if flow.provider != chosen.name or not state or state != flow.state or not code:
            raise oidc.OidcError("This sign-in answer does not match the one started here; start again.")
        identity = await oidc.finish(chosen, flow, code, _callback_url(ctx, request, chosen.name))
        if flow.link_user:
            await users.link_identity(ctx, flow.link_user, chosen, identity)
            return _back_to(ACCOUNT_PAGE, {"linked": chosen.name})
        user = await users.sign_in_with(ctx, chosen, identity)
        issued = await sign_in_codes.issue(ctx, user.id, flow.next)
    except (oidc.OidcError, FlowMLError) as exc:
        message = exc.message if isinstance(exc, FlowMLError) else str(exc)
        logger.warning("sign-in with {} refused: {}", chosen.name, message)
        return _back_to(page, {"error": message})
    response = RedirectResponse(_page_with(LOGIN_PAGE, {"code": issued.code}), status_code=303)
    # The flow is over: its cookie now holds the code's binding, which only the exchange below reads (Strict: no
    # other site's page can make the browser send it).
    _set_cookie(response, request, issued.binding, int(sign_in_codes.CODE_LIFETIME.total_seconds()), "strict")
    return response


@router.post(
    "/oidc/exchange",
    response_model=OidcSignInPublic,
    dependencies=[OIDC_LIMIT],
    responses=error_responses(
        400,
        401,
        404,
        413,
        422,
        429,
        notes={
            401: "The code is unknown, used, expired, or was issued to another browser",
            404: "Sign-in with outside accounts is off (OIDC_PROVIDERS is empty)",
        },
    ),
)
async def oidc_exchange(
    ctx: CtxDep,
    response: Response,
    body: CodeExchange,
    flowml_oidc: Annotated[str | None, Cookie(max_length=4096)] = None,
) -> Any:
    """Trade the code an outside sign-in brought to /login#code=... for tokens: once, within a minute, from the
    browser that started the sign-in (its cookie). Answers the tokens and where the user was going."""
    redeemed = await sign_in_codes.redeem(ctx, body.code, flowml_oidc)
    pair = await users.issue_pair(ctx, redeemed.user)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return {**pair_body(pair), "next": redeemed.next_path}
