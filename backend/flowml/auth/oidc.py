"""Sign-in with an outside account: OpenID Connect (authorization code flow with PKCE) and GitHub's OAuth.

The browser goes to the provider with a `state`, a `nonce` and a PKCE challenge; those three and the PKCE verifier
travel in a short-lived cookie signed with FlowML's key, so the server keeps no session table. The provider sends
the browser back with a code; FlowML trades it for tokens at the provider (server to server), checks the ID token's
signature against the issuer's published keys, its audience, issuer, expiry and nonce, and returns the identity.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from flowml.core.settings import OidcProvider

FLOW_LIFETIME_SECONDS = 600  # from the click on "Sign in with ..." to the provider's redirect back
HTTP_TIMEOUT = 10.0
# Algorithms an ID token may be signed with; never "none", never HS* (the client secret is not a signing key here).
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


class OidcError(Exception):
    """Sign-in with the provider failed; the message is for the user."""


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in. `key` ("issuer|subject") never changes for that account."""

    key: str
    email: str | None
    email_verified: bool
    name: str | None


@dataclass(frozen=True)
class Flow:
    """What the login step hands the callback step, inside the signed cookie. `link_user`: the id of the signed-in
    user who asked to link this provider to their account (empty for a sign-in)."""

    provider: str
    state: str
    nonce: str
    verifier: str
    next: str
    link_user: str = ""


def new_flow(provider: str, next_path: str, link_user: str = "") -> Flow:
    return Flow(
        provider=provider,
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        verifier=secrets.token_urlsafe(48),
        next=next_path,
        link_user=link_user,
    )


def seal(flow: Flow, key: str) -> str:
    claims = {**flow.__dict__, "typ": "oidc-flow", "exp": int(time.time()) + FLOW_LIFETIME_SECONDS}
    return jwt.encode(claims, key, algorithm="HS256")


def unseal(cookie: str | None, key: str) -> Flow:
    if not cookie:
        raise OidcError("The sign-in took too long or cookies are blocked; start again from the login page.")
    try:
        claims = jwt.decode(cookie, key, algorithms=["HS256"], options={"require": ["exp"]})
    except jwt.PyJWTError:
        raise OidcError("The sign-in took too long or was tampered with; start again from the login page.") from None
    if claims.get("typ") != "oidc-flow":
        raise OidcError("Not a sign-in in progress; start again from the login page.")
    try:
        fields = {name: str(claims[name]) for name in ("provider", "state", "nonce", "verifier", "next")}
    except KeyError:
        raise OidcError("Not a sign-in in progress; start again from the login page.") from None
    return Flow(**fields, link_user=str(claims.get("link_user", "")))


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def _discover(client: httpx.AsyncClient, issuer: str) -> dict[str, Any]:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    config = await _get_json(client, url)
    if config.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise OidcError(
            f"The provider at {issuer} names another issuer ({config.get('issuer')}); check OIDC_PROVIDERS."
        )
    return config


async def authorization_url(provider: OidcProvider, flow: Flow, redirect_uri: str) -> str:
    if provider.kind == "github":
        query = {
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": "read:user user:email",
            "state": flow.state,
            "allow_signup": "false",
        }
        return f"{provider.github_url.rstrip('/')}/login/oauth/authorize?{urlencode(query)}"
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
        config = await _discover(client, str(provider.issuer))
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid email profile",
        "state": flow.state,
        "nonce": flow.nonce,
        "code_challenge": _challenge(flow.verifier),
        "code_challenge_method": "S256",
    }
    return f"{config['authorization_endpoint']}?{urlencode(query)}"


async def finish(provider: OidcProvider, flow: Flow, code: str, redirect_uri: str) -> Identity:
    """Trade the code for tokens and return the verified identity."""
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
        if provider.kind == "github":
            return await _github_identity(client, provider, code, redirect_uri)
        config = await _discover(client, str(provider.issuer))
        tokens = await _post_json(
            client,
            config["token_endpoint"],
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
                "code_verifier": flow.verifier,
            },
        )
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("The provider answered without an ID token.")
        keys = jwt.PyJWKSet.from_dict(await _get_json(client, config["jwks_uri"]))
    claims = _verify_id_token(id_token, keys, provider, config["issuer"])
    if claims.get("nonce") != flow.nonce:
        raise OidcError("The provider's answer does not belong to this sign-in (nonce); start again.")
    email = claims.get("email")
    return Identity(
        key=f"{config['issuer']}|{claims['sub']}",
        email=email.lower() if isinstance(email, str) else None,
        email_verified=claims.get("email_verified") is True,
        name=claims.get("name") if isinstance(claims.get("name"), str) else None,
    )


def _verify_id_token(id_token: str, keys: jwt.PyJWKSet, provider: OidcProvider, issuer: str) -> dict[str, Any]:
    try:
        kid = jwt.get_unverified_header(id_token).get("kid")
        candidates = [k for k in keys.keys if kid is None or k.key_id == kid]
        if not candidates:
            raise OidcError("The ID token is signed with a key the provider does not publish.")
        claims: dict[str, Any] = jwt.decode(
            id_token,
            candidates[0],
            algorithms=ID_TOKEN_ALGORITHMS,
            audience=provider.client_id,
            issuer=issuer,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            leeway=30,
        )
    except jwt.PyJWTError as exc:
        raise OidcError(f"The provider's ID token did not verify: {exc}.") from None
    return claims


async def _github_identity(client: httpx.AsyncClient, provider: OidcProvider, code: str, redirect_uri: str) -> Identity:
    tokens = await _post_json(
        client,
        f"{provider.github_url.rstrip('/')}/login/oauth/access_token",
        {
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
            "code": code,
            "redirect_uri": redirect_uri,
        },
    )
    access = tokens.get("access_token")
    if not isinstance(access, str):
        raise OidcError(f"GitHub refused the sign-in: {tokens.get('error_description') or tokens.get('error')}.")
    headers = {"Authorization": f"Bearer {access}", "Accept": "application/vnd.github+json"}
    api = provider.github_api_url.rstrip("/")
    user = await _get_json(client, f"{api}/user", headers)
    emails = await _get_json(client, f"{api}/user/emails", headers)
    primary = next((e for e in emails if isinstance(e, dict) and e.get("primary") and e.get("verified")), None)
    return Identity(
        key=f"{provider.github_url.rstrip('/')}|{user['id']}",
        email=str(primary["email"]).lower() if primary else None,
        email_verified=primary is not None,
        name=user.get("login"),
    )


async def _get_json(client: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None) -> Any:
    try:
        response = await client.get(url, headers=headers)
        response.raise_for_status()
        return response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcError(f"The sign-in provider did not answer as expected ({url}: {exc}).") from None


async def _post_json(client: httpx.AsyncClient, url: str, form: dict[str, str]) -> dict[str, Any]:
    try:
        response = await client.post(url, data=form, headers={"Accept": "application/json"})
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcError(f"The sign-in provider did not answer as expected ({url}: {exc}).") from None
    if response.status_code >= 400 or not isinstance(body, dict):
        why = body.get("error_description") or body.get("error") if isinstance(body, dict) else response.text[:200]
        raise OidcError(f"The sign-in provider refused the code: {why}.")
    return body
