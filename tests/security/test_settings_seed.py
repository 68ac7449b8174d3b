"""The seed's settings work, and no name in .env is ignored without a word.

Each test builds Settings from a temporary .env file, as the server reads one at its start.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from flowml.cli.startup import warn_about_unknown_settings
from flowml.core.settings import COMPOSE_ONLY_NAMES, Settings
from flowml.db.engine import create_engine
from flowml.storage import create_store
from tests.conftest import REPO_ROOT

GOOD_KEY = "k" * 48

# The environment block of the seed's README ("Configuration"), as it printed it, comments and all.
SEED_ENV = """\
# ==================
# Application
# ==================
APP_NAME=FlowML Studio
APP_VERSION=1.0.0
DEBUG=true
ENVIRONMENT=development  # development | staging | production

# ==================
# Server
# ==================
HOST=0.0.0.0
PORT=8000

# ==================
# Database
# ==================
# Development (SQLite)
DATABASE_URL=sqlite+aiosqlite:///./flowml.db

# Production (PostgreSQL)
# DATABASE_URL=postgresql+asyncpg://flowml:flowml@localhost:5432/flowml

DB_POOL_SIZE=5
DB_MAX_OVERFLOW=10

# ==================
# Storage
# ==================
STORAGE_MODE=local  # local | s3

# Local mode settings
UPLOAD_DIR=./uploads
MODELS_DIR=./trained_models
LOGS_DIR=./logs

# S3/MinIO settings
S3_ENDPOINT=http://localhost:9000
S3_ACCESS_KEY=flowml-admin
S3_SECRET_KEY=flowml-secret
S3_REGION=us-east-1
S3_BUCKET_PREFIX=flowml

# ==================
# AutoML
# ==================
DEFAULT_TIME_BUDGET=5  # minutes
MAX_TIME_BUDGET=60     # minutes
MAX_CONCURRENT_JOBS=3
MAX_UPLOAD_SIZE_MB=500

# ==================
# Redis / Celery
# ==================
REDIS_URL=redis://localhost:6379/0
CELERY_BROKER_URL=redis://localhost:6379/0
CELERY_RESULT_BACKEND=redis://localhost:6379/0
SCHEDULER_BACKEND=celery  # celery | ray

WORKER_TTL_SECONDS=90

# ==================
# LLM (Ollama)
# ==================
OLLAMA_URL=http://localhost:11434
OLLAMA_MODEL=qwen2.5:3b
LLM_MAX_TOKENS=2048
LLM_TIMEOUT=120.0

# ==================
# Cluster
# ==================
CLUSTER_MODE=local  # local | lan | tailscale
FLOWML_ROLE=auto    # master | worker | auto

TAILSCALE_ENABLED=false
MASTER_ADDRESS=localhost

# ==================
# Security
# ==================
SECRET_KEY=change-me-in-production-flowml-secret-key

# ==================
# CORS
# ==================
CORS_ORIGINS=http://localhost:5173,http://localhost:3000
"""
# The names in SEED_ENV that FlowML has no setting for.
SEED_ONLY = ["APP_NAME", "APP_VERSION", "FLOWML_ROLE", "MASTER_ADDRESS", "SCHEDULER_BACKEND", "TAILSCALE_ENABLED"]


def from_env_file(tmp_path: Path, text: str, **values: Any) -> Settings:
    env_file = tmp_path / ".env"
    env_file.write_text(text)
    return Settings(_env_file=env_file, **{"DATA_DIR": tmp_path / "data", **values})  # type: ignore[call-arg]


def test_the_seeds_env_file_is_read_and_its_unknown_names_reported(tmp_path: Path) -> None:
    settings = from_env_file(tmp_path, SEED_ENV)
    assert settings.S3_ENDPOINT_URL == "http://localhost:9000"
    assert settings.S3_PREFIX == "flowml"
    assert (settings.DB_POOL_SIZE, settings.DB_MAX_OVERFLOW) == (5, 10)
    assert settings.DEBUG is True
    assert settings.LOG_LEVEL == "DEBUG"
    assert settings.CLUSTER_MODE == "local"
    assert (settings.OLLAMA_MODEL, settings.LLM_MAX_TOKENS, settings.LLM_TIMEOUT) == ("qwen2.5:3b", 2048, 120.0)
    assert settings.unknown_names == SEED_ONLY


def test_s3_endpoint_reaches_the_store(tmp_path: Path) -> None:
    """Before, S3_ENDPOINT was dropped and a MinIO setup talked to AWS."""
    settings = from_env_file(
        tmp_path, "STORAGE_MODE=s3\nS3_ENDPOINT=http://minio.internal:9000\nS3_BUCKET_PREFIX=runs\n"
    )
    store = create_store(settings)  # builds the client only; nothing is contacted
    assert store.describe() == "s3://flowml/runs @ http://minio.internal:9000"


def test_our_setting_name_wins_over_the_seeds(tmp_path: Path) -> None:
    settings = from_env_file(tmp_path, "S3_ENDPOINT=http://seed:9000\nS3_ENDPOINT_URL=http://ours:9000\n")
    assert settings.S3_ENDPOINT_URL == "http://ours:9000"


def test_the_pool_size_reaches_postgresql_engines(tmp_path: Path) -> None:
    settings = from_env_file(
        tmp_path,
        "DATABASE_URL=postgresql://flowml@db.invalid/flowml\nDB_POOL_SIZE=3\nDB_MAX_OVERFLOW=7\n",
    )
    engine = create_engine(settings)  # connects lazily: no database needed
    pool = engine.sync_engine.pool
    assert pool.size() == 3  # type: ignore[attr-defined]
    assert pool._max_overflow == 7  # type: ignore[attr-defined]  # QueuePool has no public getter for it


@pytest.mark.parametrize(("name", "value"), [("DB_POOL_SIZE", "0"), ("DB_MAX_OVERFLOW", "-1"), ("LLM_TIMEOUT", "0")])
def test_out_of_range_values_are_refused_naming_the_setting(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ValidationError, match=name):
        from_env_file(tmp_path, f"{name}={value}\n")


def test_debug_is_refused_in_production(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="DEBUG=true"):
        from_env_file(tmp_path, f"ENVIRONMENT=production\nSECRET_KEY={GOOD_KEY}\nDEBUG=true\n")
    assert from_env_file(tmp_path, f"ENVIRONMENT=production\nSECRET_KEY={GOOD_KEY}\nDEBUG=false\n").LOG_LEVEL == "INFO"


@pytest.mark.parametrize("mode", ["lan", "tailscale"])
def test_cluster_mode_needs_a_broker(tmp_path: Path, mode: str) -> None:
    with pytest.raises(ValidationError, match="CELERY_BROKER_URL"):
        from_env_file(tmp_path, f"CLUSTER_MODE={mode}\n")
    settings = from_env_file(tmp_path, f"CLUSTER_MODE={mode}\nCELERY_BROKER_URL=redis://127.0.0.1:6379/0\n")
    assert mode == settings.CLUSTER_MODE


def test_cluster_mode_names_its_values(tmp_path: Path) -> None:
    assert from_env_file(tmp_path, "CLUSTER_MODE=local\n").CELERY_BROKER_URL is None
    with pytest.raises(ValidationError, match="'local', 'lan' or 'tailscale'"):
        from_env_file(tmp_path, "CLUSTER_MODE=true\n")


def test_llm_settings_have_the_seeds_defaults(tmp_path: Path) -> None:
    settings = from_env_file(tmp_path, "")
    assert (settings.OLLAMA_MODEL, settings.LLM_MAX_TOKENS, settings.LLM_TIMEOUT) == ("qwen2.5:3b", 2048, 120.0)
    assert from_env_file(tmp_path, "OLLAMA_MODEL=llama3.2:1b\nLLM_TIMEOUT=9.5\n").LLM_TIMEOUT == 9.5


def test_names_match_case_insensitively_and_compose_names_are_known(tmp_path: Path) -> None:
    text = "debug=false\nS3_Bucket_Prefix=x\nREDIS_PASSWORD=secret\nMAX_CONCURENT_JOBS=4\n"
    settings = from_env_file(tmp_path, text)
    assert settings.S3_PREFIX == "x"
    assert settings.unknown_names == ["MAX_CONCURENT_JOBS"]


def test_start_warns_about_each_unknown_name(tmp_path: Path, warnings_log: pytest.LogCaptureFixture) -> None:
    warn_about_unknown_settings(from_env_file(tmp_path, "MAX_CONCURENT_JOBS=4\nAPP_NAME=x\nPORT=8001\n"))
    messages = warnings_log.messages
    assert len(messages) == 2
    assert messages[0].startswith("APP_NAME in .env is not a FlowML setting")
    assert messages[1].startswith("MAX_CONCURENT_JOBS in .env is not a FlowML setting")


def test_compose_only_names_are_exactly_what_the_compose_file_reads_besides_settings() -> None:
    compose = (REPO_ROOT / "deploy" / "docker-compose.yml").read_text()
    read = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose))
    assert {name for name in read if name.lower() not in Settings.setting_names()} == COMPOSE_ONLY_NAMES
