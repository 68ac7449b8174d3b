"""Signed access and refresh tokens (JWT, HS256) and API keys.

An access token lives minutes and goes with every request; a refresh token lives days and is only ever sent to
/api/auth/refresh. Both carry the user's token version, so raising it (sign out everywhere, a new password,
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


def issue(key: str, user_id: str, version: int, token_type: TokenType, lifetime: timedelta) -> str:
    now = utcnow()
    claims = {
        "iss": ISSUER,
        "sub": user_id,
        "ver": version,
        "typ": token_type,
        "iat": now,
        "exp": now + lifetime,
        # Two tokens issued in the same second still differ, so a refreshed token is never the old one.
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def read(key: str, token: str, expected: TokenType) -> TokenClaims:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],  # never "none", never a key the token names itself
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
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
    )


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and not token.startswith(API_KEY_PREFIX)


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
