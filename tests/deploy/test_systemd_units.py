"""deploy/systemd/*.service: they parse, run real `flowml` commands as a dedicated user, restart on failure, are
hardened, and their example environment files hold only variables that something reads."""

from __future__ import annotations

import shlex

import pytest

from flowml.core.settings import Settings
from tests.deploy.deploy_files import (
    DEPLOY,
    SETTINGS_FIELDS,
    env_file,
    expand_systemd,
    parse_flowml,
    read_unit,
    variable_uses,
)

SYSTEMD = DEPLOY / "systemd"
UNITS = {"flowml-master.service": "master.env.example", "flowml-worker.service": "worker.env.example"}
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "PrivateTmp": "yes",
    "ProtectHome": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "RestrictSUIDSGID": "yes",
    "CapabilityBoundingSet": "",
}


@pytest.mark.parametrize("unit", UNITS)
def test_unit_parses_with_required_sections(unit: str) -> None:
    parser = read_unit(SYSTEMD / unit)
    assert parser.sections() == ["Unit", "Service", "Install"]
    assert parser["Unit"]["Description"]
    assert "network-online.target" in parser["Unit"]["After"]
    assert parser["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.parametrize("unit", UNITS)
def test_runs_as_dedicated_user_with_environment_file(unit: str) -> None:
    service = read_unit(SYSTEMD / unit)["Service"]
    assert service["User"] == "flowml" and service["Group"] == "flowml"
    assert service["EnvironmentFile"] == "/etc/flowml/flowml.env"
    assert service["Restart"] == "on-failure"


@pytest.mark.parametrize("unit", UNITS)
def test_hardening(unit: str) -> None:
    service = read_unit(SYSTEMD / unit)["Service"]
    for key, value in HARDENING.items():
        assert service.get(key) == value, f"{unit}: {key}={value}"
    data_dir = service["Environment"].removeprefix("DATA_DIR=")
    assert data_dir == f"/var/lib/{service['StateDirectory']}"
    assert service["WorkingDirectory"] == data_dir
    # ProtectSystem=strict makes everything else read-only: the data folder must be writable.
    assert data_dir in service["ReadWritePaths"].lstrip("-").split()


@pytest.mark.parametrize(("unit", "example"), UNITS.items())
def test_exec_start_is_a_real_flowml_command(unit: str, example: str) -> None:
    service = read_unit(SYSTEMD / unit)["Service"]
    env = env_file(SYSTEMD / example)
    for use in variable_uses(service["ExecStart"]):
        assert use.op is None and use.name in env, f"{unit}: ${{{use.name}}} is not set in {example}"
    words = shlex.split(expand_systemd(service["ExecStart"], env))
    assert words[0] == "/opt/flowml/.venv/bin/flowml"
    parse_flowml(words[1:])


def test_master_runs_server_and_worker_joins_it() -> None:
    master = shlex.split(read_unit(SYSTEMD / "flowml-master.service")["Service"]["ExecStart"])
    worker = shlex.split(read_unit(SYSTEMD / "flowml-worker.service")["Service"]["ExecStart"])
    assert master[1:] == ["server"]
    assert worker[1] == "worker"
    assert not any(word.startswith("fmw_") for word in worker), "the token belongs in the environment file"


@pytest.mark.parametrize(("unit", "example"), UNITS.items())
def test_example_environment_holds_only_read_variables(unit: str, example: str) -> None:
    env = env_file(SYSTEMD / example)
    exec_start = read_unit(SYSTEMD / unit)["Service"]["ExecStart"]
    used_by_unit = {use.name for use in variable_uses(exec_start)}
    assert set(env) - SETTINGS_FIELDS - used_by_unit == set()


def test_master_example_makes_valid_cluster_settings() -> None:
    example = env_file(SYSTEMD / "master.env.example")
    with pytest.raises(ValueError, match="SECRET_KEY"):  # unfilled, production refuses it
        Settings(_env_file=None, **example)
    # Filled in as the file's first comment says: every CHANGE_ME replaced by a generated secret.
    env = {key: value.replace("CHANGE_ME", "0123456789abcdef" * 4) for key, value in example.items()}
    settings = Settings(_env_file=None, **env)
    assert settings.DATABASE_URL.startswith("postgresql+asyncpg://")
    assert settings.CELERY_BROKER_URL and settings.CELERY_BROKER_URL.startswith("redis://:")
    assert settings.HOST == "0.0.0.0"
    assert settings.FRONTEND_DIST is not None
