"""Signed access and refresh tokens (JWT, HS256) and API keys.

An access token lives minutes and goes with every request; a refresh token lives days and is only ever sent to
/api/auth/refresh, which trades it once for a new pair (services/refresh_tokens.py keeps one row per refresh token,
by its `jti`). Both carry the user's token version, so raising it (sign out everywhere, a new password,
deactivation) invalidates every token the user holds. API keys are random strings with a recognisable prefix; the
database keeps their SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import jwt

from flowml.db.types import utcnow

ALGORITHM = "HS256"
ISSUER = "flowml"
API_KEY_PREFIX = "fml_"
# How much of a key is stored in clear to tell keys apart: "fml_" and 6 random characters (36 bits of 256).
SHOWN_PREFIX_LENGTH = len(API_KEY_PREFIX) + 6

TokenType = Literal["access", "refresh"]


class InvalidToken(Exception):
    """The token is malformed, expired, of the wrong type or not signed by us."""


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    version: int
    token_type: TokenType
    expires_at: datetime
    token_id: str


@dataclass(frozen=True)
class IssuedToken:
    token: str
    token_id: str
    expires_at: datetime


def issue(key: str, user_id: str, version: int, token_type: TokenType, lifetime: timedelta) -> IssuedToken:
    now = utcnow()
    # Unique per token: two tokens issued in the same second still differ, and a refresh token is found by it.
    token_id = secrets.token_hex(16)
    claims = {
        "iss": ISSUER,
        "sub": user_id,
        "ver": version,
        "typ": token_type,
        "iat": now,
        "exp": now + lifetime,
        "jti": token_id,
    }
    return IssuedToken(jwt.encode(claims, key, algorithm=ALGORITHM), token_id, now + lifetime)


def read(key: str, token: str, expected: TokenType) -> TokenClaims:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],  # never "none", never a key the token names itself
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss", "jti"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken(f"the {expected} token has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"not a valid {expected} token") from exc
    if claims.get("typ") != expected or not isinstance(claims.get("ver"), int):
        raise InvalidToken(f"not a valid {expected} token")
    return TokenClaims(
        user_id=str(claims["sub"]),
        version=claims["ver"],
        token_type=expected,
        expires_at=datetime.fromtimestamp(claims["exp"], tz=utcnow().tzinfo),
        token_id=str(claims["jti"]),
    )


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and not token.startswith(API_KEY_PREFIX)


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
