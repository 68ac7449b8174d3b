"""Signing a benchmark in to the server it started: a fresh admin password per run, then an API key.

FlowML has no anonymous access: a first start creates the `admin` user from FLOWML_ADMIN_PASSWORD. Each script
that starts a server sets that variable with `admin_env()` and signs its HTTP client in with `sign_in()`.
"""

from __future__ import annotations

import secrets

import httpx

ADMIN = "admin"


def admin_env() -> dict[str, str]:
    """Environment for a server this run starts: its first admin gets a password only this run knows."""
    return {"FLOWML_ADMIN_PASSWORD": secrets.token_urlsafe(18)}


def sign_in(api: httpx.Client, env: dict[str, str]) -> dict[str, str]:
    """Sign `api` in as the admin of `env` with a new API key; returns the headers (for WebSocket connections)."""
    login = api.post("/api/auth/login", json={"username": ADMIN, "password": env["FLOWML_ADMIN_PASSWORD"]})
    login.raise_for_status()
    token = login.json()["access_token"]
    created = api.post("/api/auth/keys", json={"name": "benchmark"}, headers={"Authorization": f"Bearer {token}"})
    created.raise_for_status()
    headers = {"Authorization": f"Bearer {created.json()['key']}"}
    api.headers.update(headers)
    return headers
