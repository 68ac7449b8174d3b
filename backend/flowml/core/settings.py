"""The one settings object. Read from the environment and a `.env` file; nothing else reads os.environ for config.

Defaults give the embedded mode: SQLite under DATA_DIR, local storage, local worker processes, bound to 127.0.0.1.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET_KEY = "flowml-dev-secret-change-me"


def _default_data_dir() -> Path:
    return Path(os.environ.get("FLOWML_HOME", Path.home() / ".flowml"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    ENVIRONMENT: Literal["development", "production", "test"] = "development"
    DATA_DIR: Path = Field(default_factory=_default_data_dir)
    DATABASE_URL: str = ""

    STORAGE_MODE: Literal["local", "s3"] = "local"
    UPLOAD_DIR: Path | None = None
    MODELS_DIR: Path | None = None
    LOGS_DIR: Path | None = None
    CACHE_DIR: Path | None = None

    S3_ENDPOINT_URL: str | None = None
    S3_BUCKET: str = "flowml"
    S3_ACCESS_KEY: str | None = None
    S3_SECRET_KEY: str | None = None
    S3_REGION: str = "us-east-1"
    S3_PREFIX: str = ""

    # Minutes, as in the seed's API; fractions allowed.
    DEFAULT_TIME_BUDGET: float = 5.0
    MAX_TIME_BUDGET: float = 240.0
    MAX_CONCURRENT_JOBS: int = 2
    MAX_UPLOAD_SIZE_MB: float = 500.0
    LOCAL_WORKERS: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1))

    REDIS_URL: str | None = None
    CELERY_BROKER_URL: str | None = None
    # Where trial results come back; defaults to the broker (Redis). Delivery only: results land in SQL.
    CELERY_RESULT_BACKEND: str | None = None
    WORKER_TTL_SECONDS: int = 60
    # In cluster mode, whether the orchestrator's own pool also runs trials (it always runs the final fit).
    TRIALS_ON_MASTER: bool = True
    # A worker consumes the `llm` queue when an Ollama server answers here.
    OLLAMA_URL: str = "http://127.0.0.1:11434"

    CORS_ORIGINS: Annotated[list[str], NoDecode] = ["http://127.0.0.1:5173", "http://localhost:5173"]
    SECRET_KEY: str = DEFAULT_SECRET_KEY
    HOST: str = "127.0.0.1"
    PORT: int = 8000
    FRONTEND_DIST: Path | None = None
    LOG_LEVEL: str = "INFO"

    @field_validator("CORS_ORIGINS", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
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
        for path in (self.DATA_DIR, self.upload_dir, self.models_dir, self.logs_dir, self.cache_dir):
            path.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests build their own Settings and pass them explicitly."""
    return Settings()
