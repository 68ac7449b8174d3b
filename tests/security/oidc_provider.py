"""A small but real OpenID Connect provider for the tests: discovery, an authorize endpoint that signs in whoever
the test says is at the keyboard, a token endpoint that checks the client secret, the redirect URI and the PKCE
verifier, and an RS256-signed ID token whose key is published at jwks_uri. Served by uvicorn on a loopback port,
so FlowML talks to it over HTTP exactly as it would to Google or Keycloak."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, Header, HTTPException, Query
from fastapi.responses import RedirectResponse

CLIENT_ID = "flowml-test-client"
CLIENT_SECRET = "flowml-test-secret"
KEY_ID = "test-key-1"


@dataclass
class Person:
    """Who signs in at the provider: its subject and what it says about their email."""

    subject: str
    email: str
    email_verified: bool = True


@dataclass
class Provider:
    url: str
    person: Person | None = None
    # code -> what the token endpoint needs to check and to put in the ID token
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Sign with a key the provider does not publish (a forged token).
    sign_with_unpublished_key: bool = False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def build_app(state: Provider) -> FastAPI:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rogue = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()
    app = FastAPI()

    @app.get("/.well-known/openid-configuration")
    def discovery() -> dict[str, Any]:
        return {
            "issuer": state.url,
            "authorization_endpoint": f"{state.url}/authorize",
            "token_endpoint": f"{state.url}/token",
            "jwks_uri": f"{state.url}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    @app.get("/jwks")
    def jwks() -> dict[str, Any]:
        return {
            "keys": [{"kty": "RSA", "kid": KEY_ID, "use": "sig", "alg": "RS256", "n": _b64(numbers.n), "e": "AQAB"}]
        }

    @app.get("/authorize")
    def authorize(
        client_id: str,
        redirect_uri: str,
        state_: str = Query(alias="state"),
        nonce: str = "",
        code_challenge: str = "",
        code_challenge_method: str = "",
    ) -> RedirectResponse:
        if client_id != CLIENT_ID or code_challenge_method != "S256" or state.person is None:
            return RedirectResponse(f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': state_})}")
        code = secrets.token_urlsafe(16)
        state.codes[code] = {
            "person": state.person,
            "nonce": nonce,
            "challenge": code_challenge,
            "redirect_uri": redirect_uri,
        }
        return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state_})}")

    @app.post("/token")
    def token(
        grant_type: str = Form(),
        code: str = Form(),
        redirect_uri: str = Form(),
        client_id: str = Form(),
        client_secret: str = Form(),
        code_verifier: str = Form(),
    ) -> dict[str, Any]:
        grant = state.codes.pop(code, None)  # a code works once
        if grant is None or grant_type != "authorization_code":
            raise HTTPException(400, detail={"error": "invalid_grant"})
        if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
            raise HTTPException(401, detail={"error": "invalid_client"})
        digest = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=").decode()
        if digest != grant["challenge"] or redirect_uri != grant["redirect_uri"]:
            raise HTTPException(400, detail={"error": "invalid_grant"})
        person: Person = grant["person"]
        now = int(time.time())
        claims = {
            "iss": state.url,
            "sub": person.subject,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "email": person.email,
            "email_verified": person.email_verified,
        }
        signer = rogue if state.sign_with_unpublished_key else key
        id_token = jwt.encode(claims, signer, algorithm="RS256", headers={"kid": KEY_ID})
        return {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "id_token": id_token}

    return app


def build_github_app(state: Provider) -> FastAPI:
    """GitHub's OAuth as GitHub Enterprise Server serves it: the web flow at /login/oauth, the REST API at /api/v3.
    Like GitHub, a refused code is a 200 whose JSON names the error."""
    app = FastAPI()
    tokens: dict[str, Person] = {}

    @app.get("/login/oauth/authorize")
    def authorize(client_id: str, redirect_uri: str, state_: str = Query(alias="state")) -> RedirectResponse:
        if client_id != CLIENT_ID or state.person is None:
            return RedirectResponse(f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': state_})}")
        code = secrets.token_urlsafe(16)
        state.codes[code] = {"person": state.person, "redirect_uri": redirect_uri}
        return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state_})}")

    @app.post("/login/oauth/access_token")
    def access_token(
        client_id: str = Form(), client_secret: str = Form(), code: str = Form(), redirect_uri: str = Form()
    ) -> dict[str, Any]:
        grant = state.codes.pop(code, None)
        if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
            return {
                "error": "incorrect_client_credentials",
                "error_description": "The client_id and/or secret is wrong.",
            }
        if grant is None or grant["redirect_uri"] != redirect_uri:
            return {"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."}
        token = secrets.token_urlsafe(16)
        tokens[token] = grant["person"]
        return {"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"}

    def _person(authorization: str | None) -> Person:
        person = tokens.get((authorization or "").removeprefix("Bearer "))
        if person is None:
            raise HTTPException(401, detail="Bad credentials")
        return person

    @app.get("/api/v3/user")
    def user(authorization: str | None = Header(default=None)) -> dict[str, Any]:
        person = _person(authorization)
        return {"id": int(person.subject), "login": person.email.split("@")[0]}

    @app.get("/api/v3/user/emails")
    def emails(authorization: str | None = Header(default=None)) -> list[dict[str, Any]]:
        person = _person(authorization)
        return [
            {"email": "noreply@users.example", "primary": False, "verified": True},
            {"email": person.email, "primary": True, "verified": person.email_verified},
        ]

    return app


@contextmanager
def _serving(build: Callable[[Provider], FastAPI]) -> Iterator[Provider]:
    port = _free_port()
    state = Provider(url=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(build(state), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test sign-in provider did not start")
        time.sleep(0.05)
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def running_provider() -> contextlib.AbstractContextManager[Provider]:
    """The OIDC issuer."""
    return _serving(build_app)


def running_github() -> contextlib.AbstractContextManager[Provider]:
    """GitHub (Enterprise Server layout) on a loopback port."""
    return _serving(build_github_app)
