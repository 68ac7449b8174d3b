"""The one settings object. Read from the environment and a `.env` file; nothing else reads os.environ for config.

Defaults give the embedded mode: SQLite under DATA_DIR, local storage, local worker processes, bound to 127.0.0.1.
With ENVIRONMENT=production the same object refuses setups that are unsafe on a network (`_refuse_unsafe_setup`,
after the idea of full-stack-fastapi-template's `_enforce_non_default_secrets`); docs/security.md says why.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from flowml.core.paths import make_private_dir

DEFAULT_SECRET_KEY = "flowml-dev-secret-change-me"
MIN_SECRET_KEY_LENGTH = 32
GENERATE_SECRET_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
# Keys printed in the seed's README, and the words that mark a placeholder in .env.example, deploy/ and the docs
# (CHANGE_ME, "change-me-in-production", an example value): published, so whoever reads them could sign any token.
PUBLISHED_SECRET_KEYS = frozenset({"change-me-in-production-flowml-secret-key"})
PLACEHOLDER_WORDS = ("change-me", "change_me", "changeme", "example")
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
# Bind addresses that mean every interface.
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}
# The Host header of Starlette's TestClient, which the test suite's apps answer (Settings.host_patterns).
TEST_CLIENT_HOST = "testserver"
# Names deploy/docker-compose.yml reads from the same .env (passwords it builds URLs from, published addresses): the
# server never reads them, and does not report them as unknown. tests/security/test_settings_seed.py checks the list.
COMPOSE_ONLY_NAMES = frozenset(
    {
        "POSTGRES_PASSWORD",
        "REDIS_PASSWORD",
        "REDIS_BIND_ADDRESS",
        "MINIO_ROOT_USER",
        "MINIO_ROOT_PASSWORD",
        "FLOWML_BIND_ADDRESS",
        "FLOWML_PORT",
        "FLOWML_BROKER_HOST",
        "FLOWML_WORKER_TOKEN",
    }
)
# Settings that may hold a Redis URL; each is checked for a password (a Redis anyone can reach runs anything).
REDIS_URL_SETTINGS = ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "REDIS_URL")


def is_loopback_host(host: str) -> bool:
    """Whether only this machine can reach `host`: a loopback name or address (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class RedisTarget:
    """What a Redis URL says about where it goes and whether it carries a password (never the password itself)."""

    setting: str
    host: str
    port: int
    has_password: bool
    tls: bool
    # A unix socket is reachable only through this machine's file system.
    local: bool

    @property
    def where(self) -> str:
        return self.host if self.port == 0 else f"{self.host}:{self.port}"


def redis_target(setting: str, url: str) -> RedisTarget | None:
    """Parse a Redis URL (redis://, rediss://, unix://); None for anything else, such as an AMQP broker."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"unix", "redis+socket"}:
        return RedisTarget(setting, parts.path, 0, bool(parts.password), tls=False, local=True)
    if scheme not in {"redis", "rediss"}:
        return None
    host = parts.hostname or "localhost"
    try:
        port = parts.port or 6379
    except ValueError:  # a port that is not a number: Redis itself will say so when connecting
        port = 6379
    return RedisTarget(setting, host, port, bool(parts.password), tls=scheme == "rediss", local=is_loopback_host(host))


def _default_data_dir() -> Path:
    return Path(os.environ.get("FLOWML_HOME", Path.home() / ".flowml"))


class OidcProvider(BaseModel):
    """One way to sign in with an outside account. `kind: oidc` covers Google (issuer https://accounts.google.com),
    Microsoft, Keycloak, Authentik, Okta and any other OpenID Connect issuer; `kind: github` is GitHub's OAuth."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$", description="In URLs: /api/auth/oidc/<name>/login")
    label: str = Field(default="", max_length=64, description="The button's text; default 'Sign in with <name>'")
    kind: Literal["oidc", "github"] = "oidc"
    issuer: str | None = Field(default=None, description="The OIDC issuer URL (discovery at .well-known)")
    client_id: str = Field(min_length=1)
    client_secret: str = Field(min_length=1)
    # kind github only: GitHub Enterprise Server lives elsewhere (https://ghe.example.com, API at .../api/v3).
    github_url: str = "https://github.com"
    github_api_url: str = "https://api.github.com"
    # A verified email in one of these domains gets a member account at its first sign-in. Anyone else needs an
    # admin to create a user named after their email first (the identity is linked at their first sign-in).
    allowed_domains: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _issuer_for_oidc(self) -> OidcProvider:
        if self.kind == "oidc" and not self.issuer:
            raise ValueError(f"OIDC provider '{self.name}' needs an issuer URL")
        return self

    @property
    def button(self) -> str:
        return self.label or f"Sign in with {self.name.capitalize()}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # development: the embedded `flowml up` on one machine; production: refuses unsafe setups (see
    # _refuse_unsafe_setup); test: the test suite, as lenient as development.
    ENVIRONMENT: Literal["development", "production", "test"] = "development"
    # The seed's switch: true is shorthand for LOG_LEVEL=DEBUG (never FastAPI's debug pages, which show tracebacks
    # to clients); production refuses it (_debug_problems).
    DEBUG: bool = False
    DATA_DIR: Path = Field(default_factory=_default_data_dir)
    DATABASE_URL: str = ""
    # PostgreSQL only (SQLite has one writer and no pool to size): connections kept open, and extra ones for bursts.
    DB_POOL_SIZE: int = Field(default=10, ge=1)
    DB_MAX_OVERFLOW: int = Field(default=10, ge=0)

    STORAGE_MODE: Literal["local", "s3"] = "local"
    UPLOAD_DIR: Path | None = None
    MODELS_DIR: Path | None = None
    LOGS_DIR: Path | None = None
    CACHE_DIR: Path | None = None

    # S3_ENDPOINT is the seed's name: dropped silently before, it sent a MinIO setup's requests to AWS.
    S3_ENDPOINT_URL: str | None = Field(default=None, validation_alias=AliasChoices("S3_ENDPOINT_URL", "S3_ENDPOINT"))
    S3_BUCKET: str = "flowml"
    S3_ACCESS_KEY: str | None = None
    S3_SECRET_KEY: str | None = None
    S3_REGION: str = "us-east-1"
    # S3_BUCKET_PREFIX is the seed's name (it named one bucket per kind, <prefix>-datasets ...); FlowML keeps every
    # object in S3_BUCKET, under this prefix.
    S3_PREFIX: str = Field(default="", validation_alias=AliasChoices("S3_PREFIX", "S3_BUCKET_PREFIX"))

    # Minutes, as in the seed's API; fractions allowed.
    DEFAULT_TIME_BUDGET: float = 5.0
    MAX_TIME_BUDGET: float = 240.0
    MAX_CONCURRENT_JOBS: int = 2
    # Per member (admins are exempt): jobs waiting to run (more are refused with 429), and jobs running at once
    # (more wait in the queue), so one member can neither fill the queue nor hold every job slot for hours.
    MAX_QUEUED_JOBS_PER_USER: int = Field(default=10, ge=1)
    MAX_RUNNING_JOBS_PER_USER: int = Field(default=2, ge=1)
    # The upload routes (api/request_bodies.py: LARGE_BODY_ROUTES) take bodies up to MAX_UPLOAD_SIZE_MB, once the
    # caller's credentials are checked; every other body (JSON, forms) stops at MAX_REQUEST_BODY_KB.
    MAX_UPLOAD_SIZE_MB: float = 500.0
    MAX_REQUEST_BODY_KB: float = Field(default=1024.0, gt=0)
    # Upload content checks (data/limits.py): columns in one table; bytes an archive (.xlsx) or Parquet file may
    # inflate to; inflated/compressed ratio above which an archive member is treated as a decompression bomb.
    MAX_UPLOAD_COLUMNS: int = Field(default=2000, ge=1)
    MAX_DECOMPRESSED_SIZE_MB: float = Field(default=2048.0, gt=0)
    MAX_COMPRESSION_RATIO: float = Field(default=200.0, gt=1)
    LOCAL_WORKERS: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1))

    REDIS_URL: str | None = None
    CELERY_BROKER_URL: str | None = None
    # Where trial results come back; defaults to the broker (Redis). Delivery only: results land in SQL.
    CELERY_RESULT_BACKEND: str | None = None
    # The seed's switch. A broker URL alone turns cluster mode on; lan and tailscale (workers on other machines)
    # state that intent, so without CELERY_BROKER_URL the start is refused instead of training on this machine only.
    CLUSTER_MODE: Literal["local", "lan", "tailscale"] | None = None
    WORKER_TTL_SECONDS: int = 60
    # In cluster mode, whether the orchestrator's own pool also runs trials (it always runs the final fit).
    TRIALS_ON_MASTER: bool = True
    # A worker consumes the `llm` queue when an Ollama server answers here.
    OLLAMA_URL: str = "http://127.0.0.1:11434"
    # For the LLM assistant (not yet built): the Ollama model, the longest answer in tokens, and seconds to wait.
    OLLAMA_MODEL: str = Field(default="qwen2.5:3b", min_length=1)
    LLM_MAX_TOKENS: int = Field(default=2048, ge=1)
    LLM_TIMEOUT: float = Field(default=120.0, gt=0)

    CORS_ORIGINS: Annotated[list[str], NoDecode] = ["http://127.0.0.1:5173", "http://localhost:5173"]
    # Signs what later needs signing (user sessions); production refuses the default and short keys.
    SECRET_KEY: str = DEFAULT_SECRET_KEY
    # Per client IP, shared by /predict and /predict/batch; a burst of a full minute's worth is allowed. Generous
    # (100 a second) so dashboards and scoring scripts never meet it; one client flooding the server does.
    PREDICT_RATE_PER_MINUTE: float = Field(default=6000.0, gt=0)
    # Per client IP, for login and token refresh: enough for people who mistype, far too few to guess a password.
    LOGIN_RATE_PER_MINUTE: float = Field(default=10.0, gt=0)
    # Password changes per user (twice as many per client IP): each try costs an argon2 verification (64 MiB).
    PASSWORD_CHANGE_RATE_PER_MINUTE: float = Field(default=5.0, gt=0)
    # The first admin, created at the first start when no admin exists. Without a password one is generated and
    # printed once. FLOWML_ADMIN_PASSWORD is the name the docs use; ADMIN_PASSWORD works too.
    ADMIN_USERNAME: str = Field(default="admin", min_length=1, max_length=64)
    ADMIN_PASSWORD: str | None = Field(
        default=None,
        min_length=8,  # the rule every password follows (auth/passwords.py); checked here so a start refuses it early
        validation_alias=AliasChoices("FLOWML_ADMIN_PASSWORD", "ADMIN_PASSWORD"),
    )
    # Access tokens are checked against the user on every request; short so a stolen one is worth little.
    ACCESS_TOKEN_MINUTES: float = Field(default=15.0, gt=0, le=24 * 60)
    REFRESH_TOKEN_DAYS: float = Field(default=7.0, gt=0, le=365)
    # Seconds between WebSocket heartbeats; each also checks the socket's credentials again (sign-out, revoked key,
    # new role), so a socket outlives its rights by at most this long.
    WS_HEARTBEAT_SECONDS: float = Field(default=15.0, gt=0, le=300)
    # Optional sign-in with outside accounts, as JSON: [{"name": "google", "issuer": "https://accounts.google.com",
    # "client_id": "...", "client_secret": "...", "allowed_domains": ["example.com"]}]. docs/security.md has more.
    OIDC_PROVIDERS: list[OidcProvider] = Field(default_factory=list)
    # The address users open FlowML at (https://flowml.example.com), for the sign-in redirect URL; without it, the
    # address of the request (right unless a proxy rewrites the host).
    PUBLIC_URL: str | None = None
    HOST: str = "127.0.0.1"
    # Host headers this server answers, against DNS rebinding (a page on evil.example whose name resolves to
    # 127.0.0.1 reaching a server on this machine): comma-separated names or addresses, "*.example.com" for
    # subdomains, "*" for any. Unset: loopback names only when HOST is loopback, any host otherwise (see
    # host_patterns; docs/security.md says to set it in production).
    ALLOWED_HOSTS: Annotated[list[str], NoDecode] = []
    PORT: int = 8000
    FRONTEND_DIST: Path | None = None
    LOG_LEVEL: str = "INFO"
    # Names in .env (or passed in) that are no setting: pydantic-settings drops them (extra="ignore"); kept here so
    # the server's start names each in a warning (cli/startup.py) instead of ignoring a typo or a seed-only name.
    _unknown_names: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _note_unknown_names(cls, data: Any, handler: ModelWrapValidatorHandler[Settings]) -> Settings:
        known = cls.setting_names()
        names = {str(name).upper() for name in (data if isinstance(data, dict) else {})}
        unknown = sorted(name for name in names - COMPOSE_ONLY_NAMES if name.lower() not in known)
        settings = handler(data)
        settings._unknown_names = unknown
        return settings

    @classmethod
    def setting_names(cls) -> frozenset[str]:
        """Every name a setting is read under (field names and their aliases), lower-case: pydantic-settings
        matches environment and .env names case-insensitively."""
        names: set[str] = set()
        for name, field in cls.model_fields.items():
            names.add(name.lower())
            if isinstance(field.validation_alias, AliasChoices):
                names.update(str(choice).lower() for choice in field.validation_alias.choices)
            elif isinstance(field.validation_alias, str):
                names.add(field.validation_alias.lower())
        return frozenset(names)

    @property
    def unknown_names(self) -> list[str]:
        return list(self._unknown_names)

    @field_validator("CORS_ORIGINS", "ALLOWED_HOSTS", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @model_validator(mode="after")
    def _derive_paths(self) -> Settings:
        self.DATA_DIR = self.DATA_DIR.expanduser().resolve()
        if not self.DATABASE_URL:
            self.DATABASE_URL = f"sqlite+aiosqlite:///{self.DATA_DIR / 'flowml.db'}"
        self.UPLOAD_DIR = (self.UPLOAD_DIR or self.DATA_DIR / "uploads").expanduser().resolve()
        self.MODELS_DIR = (self.MODELS_DIR or self.DATA_DIR / "models").expanduser().resolve()
        self.LOGS_DIR = (self.LOGS_DIR or self.DATA_DIR / "logs").expanduser().resolve()
        self.CACHE_DIR = (self.CACHE_DIR or self.DATA_DIR / "cache").expanduser().resolve()
        if self.MAX_CONCURRENT_JOBS < 1:
            raise ValueError("MAX_CONCURRENT_JOBS must be at least 1")
        if self.DEFAULT_TIME_BUDGET > self.MAX_TIME_BUDGET:
            raise ValueError("DEFAULT_TIME_BUDGET must not exceed MAX_TIME_BUDGET")
        return self

    @model_validator(mode="after")
    def _seed_switches(self) -> Settings:
        """DEBUG and CLUSTER_MODE, the seed's two switches, in FlowML's terms (see the fields' comments)."""
        if self.DEBUG:
            self.LOG_LEVEL = "DEBUG"
        if self.CLUSTER_MODE in ("lan", "tailscale") and not self.CELERY_BROKER_URL:
            raise ValueError(
                f"CLUSTER_MODE={self.CLUSTER_MODE} needs CELERY_BROKER_URL, the Redis the workers reach (e.g. "
                "redis://:PASSWORD@<this machine's address>:6379/0); without it every trial would run on this "
                "machine. Set it, or set CLUSTER_MODE=local."
            )
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_setup(self) -> Settings:
        """Outside development, refuse what would make a networked server unsafe; all problems in one message so
        one restart fixes them all. Development stays lenient: `flowml up` must work with no settings at all."""
        if self.ENVIRONMENT != "production":
            return self
        problems = [
            *self._secret_key_problems(),
            *self._cors_problems(),
            *self._redis_problems(),
            *self._debug_problems(),
        ]
        if problems:
            raise ValueError(f"ENVIRONMENT=production refuses to start: {' '.join(problems)}")
        return self

    def _secret_key_problems(self) -> list[str]:
        how = f"Generate one with `{GENERATE_SECRET_KEY}` and set it as SECRET_KEY in the environment or .env."
        if self.SECRET_KEY == DEFAULT_SECRET_KEY:
            return [f"SECRET_KEY is the built-in default, which anyone can read in the source. {how}"]
        lowered = self.SECRET_KEY.lower()
        if lowered in PUBLISHED_SECRET_KEYS or any(word in lowered for word in PLACEHOLDER_WORDS):
            return [
                "SECRET_KEY is an example value from FlowML's README, docs or deploy files, or a placeholder (it "
                f"contains one of: {', '.join(PLACEHOLDER_WORDS)}); anyone can read it. {how}"
            ]
        if len(self.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
            return [
                f"SECRET_KEY has {len(self.SECRET_KEY)} characters; it needs at least {MIN_SECRET_KEY_LENGTH}. {how}"
            ]
        return []

    def _cors_problems(self) -> list[str]:
        if "*" in self.CORS_ORIGINS:
            return [
                'CORS_ORIGINS contains "*", which lets every web site read this API from its visitors\' browsers. '
                "List the exact origins that serve a front end for it (comma-separated, e.g. "
                "https://flowml.example.org), or leave CORS_ORIGINS empty when the dashboard is served by FlowML."
            ]
        return []

    def _debug_problems(self) -> list[str]:
        if self.DEBUG:
            return [
                "DEBUG=true (the seed's example .env sets it) switches on debug logs, which are verbose and may "
                "include request details. Remove it, or set LOG_LEVEL=DEBUG to ask for debug logs deliberately."
            ]
        return []

    def _redis_problems(self) -> list[str]:
        open_redis: dict[str, list[str]] = {}
        for target in self.redis_targets():
            if not target.has_password and not target.local:
                open_redis.setdefault(target.where, []).append(target.setting)
        return [
            f"{' and '.join(names)} {'point' if len(names) > 1 else 'points'} to the Redis at {where} without a "
            "password, so anyone who reaches it can read and inject tasks. Set `requirepass` in redis.conf and put "
            "the password in the URL (redis://:PASSWORD@host:6379/0), or use a Redis on this machine (127.0.0.1)."
            for where, names in open_redis.items()
        ]

    def redis_targets(self) -> list[RedisTarget]:
        """Every Redis this server talks to, once per setting that names one."""
        urls = {name: getattr(self, name) for name in REDIS_URL_SETTINGS}
        targets = (redis_target(name, url) for name, url in urls.items() if url)
        return [target for target in targets if target is not None]

    @property
    def upload_dir(self) -> Path:
        assert self.UPLOAD_DIR is not None
        return self.UPLOAD_DIR

    @property
    def models_dir(self) -> Path:
        assert self.MODELS_DIR is not None
        return self.MODELS_DIR

    @property
    def logs_dir(self) -> Path:
        assert self.LOGS_DIR is not None
        return self.LOGS_DIR

    @property
    def cache_dir(self) -> Path:
        assert self.CACHE_DIR is not None
        return self.CACHE_DIR

    @property
    def max_upload_bytes(self) -> int:
        return int(self.MAX_UPLOAD_SIZE_MB * 1024 * 1024)

    @property
    def max_request_body_bytes(self) -> int:
        return int(self.MAX_REQUEST_BODY_KB * 1024)

    def host_patterns(self) -> frozenset[str] | None:
        """The Host header names this server answers besides loopback ones (api/trusted_hosts.py); None: any.

        With HOST on loopback only this machine can connect, so a foreign name in Host can only come from a browser
        tricked by DNS rebinding. A server on the network is reached under names we cannot guess: any, unless
        ALLOWED_HOSTS lists them. PUBLIC_URL's host and a specific HOST are always allowed, and under
        ENVIRONMENT=test the name Starlette's TestClient sends.
        """
        listed = {host.lower() for host in self.ALLOWED_HOSTS}
        if "*" in listed or (not listed and not is_loopback_host(self.HOST)):
            return None
        own = {urlsplit(self.PUBLIC_URL).hostname or ""} if self.PUBLIC_URL else set()
        if self.HOST not in WILDCARD_HOSTS:
            own.add(self.HOST.strip("[]").lower())
        if self.ENVIRONMENT == "test":
            own.add(TEST_CLIENT_HOST)
        return frozenset((listed | own) - {""})

    @property
    def result_backend(self) -> str | None:
        return self.CELERY_RESULT_BACKEND or self.CELERY_BROKER_URL

    @property
    def visibility_timeout(self) -> int:
        """Redis redelivers an unacknowledged task after this many seconds, so it must outlast the longest hard
        time limit (the longest job plus the final fit's grace), alike in the orchestrator and every worker."""
        return int(self.MAX_TIME_BUDGET * 60) + 3600

    @property
    def heartbeat_seconds(self) -> float:
        """How often a worker reports in: three heartbeats fit in WORKER_TTL_SECONDS."""
        return max(1.0, self.WORKER_TTL_SECONDS / 3)

    @property
    def is_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite")

    def ensure_dirs(self) -> None:
        """Mode 0700 for each folder created here; one that exists already keeps its mode (core/paths.py)."""
        for path in (self.DATA_DIR, self.upload_dir, self.models_dir, self.logs_dir, self.cache_dir):
            make_private_dir(path)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests build their own Settings and pass them explicitly."""
    return Settings()
