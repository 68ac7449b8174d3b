"""Accounts and credentials: password hashing, signed tokens, API keys, OIDC sign-in. No FastAPI here; the API's
dependencies (api/auth.py) and the user service (services/users.py) build on it."""
