"""deploy/docker-compose.yml: valid Compose, secrets required, loopback by default, wired consistently, and every
setting and command it hands to FlowML real."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import typer

from flowml.core.settings import Settings
from tests.deploy.deploy_files import (
    COMPOSE_FILE,
    DEPLOY,
    REPO,
    SCHEMA,
    SETTINGS_FIELDS,
    MissingVariableError,
    compose_text,
    env_example,
    interpolate,
    load_compose,
    parse_flowml,
    variable_uses,
)

# The secrets the stack cannot start without; each must be asked for with `${NAME:?message}`.
REQUIRED_SECRETS = {
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
    "MINIO_ROOT_PASSWORD",
    "S3_SECRET_KEY",
    "SECRET_KEY",
    "FLOWML_ADMIN_PASSWORD",
}
# Services that run FlowML itself; every variable they get must be a FlowML setting.
FLOWML_SERVICES = ("api", "worker", "worker-gpu")
WORKER_SERVICES = ("worker", "worker-gpu")
SECRETISH = re.compile(r"PASSWORD|SECRET|TOKEN")


def fake_env() -> dict[str, str]:
    """Every required secret set to a distinct value, as a filled-in .env would; everything else left unset."""
    # Long enough for every secret's own rule (SECRET_KEY needs 32 characters in production).
    values = {name: f"{name.lower()}-value-{'x' * 32}" for name in REQUIRED_SECRETS}
    return values | {"FLOWML_WORKER_TOKEN": "fmw_test"}


def resolved() -> dict[str, Any]:
    document: dict[str, Any] = interpolate(load_compose(), fake_env())
    return document


def validator() -> jsonschema.Draft201909Validator:
    # The schema declares draft 2019-09 (under an http:// id that jsonschema does not map, hence the explicit class).
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(schema)


def test_valid_against_the_compose_specification() -> None:
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(resolved())]
    assert errors == []


def test_schema_catches_a_misspelt_key() -> None:
    """The schema check is not vacuous: a key Compose does not know fails it."""
    document = resolved()
    document["services"]["api"]["depend_on"] = ["postgres"]
    assert not validator().is_valid(document)


def test_required_secrets_use_colon_question_mark() -> None:
    uses = variable_uses(compose_text())
    for secret in REQUIRED_SECRETS:
        ops = {use.op for use in uses if use.name == secret}
        assert ops == {":?"}, f"{secret} must always be written ${{{secret}:?message}}, found {ops}"
        assert all(use.arg.strip() for use in uses if use.name == secret), f"{secret}: give :? a message"
    required = {use.name for use in uses if use.op in (":?", "?")}
    assert required == REQUIRED_SECRETS


def test_missing_secret_stops_compose() -> None:
    for secret in REQUIRED_SECRETS:
        env = fake_env()
        env[secret] = ""
        with pytest.raises(MissingVariableError, match=secret):
            interpolate(load_compose(), env)


def test_secret_looking_variables_have_no_default() -> None:
    """A password must never fall back to a value written in this file."""
    for use in variable_uses(compose_text()):
        if SECRETISH.search(use.name) and use.op in ("-", ":-"):
            assert use.name == "FLOWML_WORKER_TOKEN" and use.arg == "", f"{use.name} has a default"


def test_worker_token_only_in_opt_in_workers() -> None:
    """The token cannot be `:?` (Compose would refuse every command before a token exists), so only the services
    behind a profile may use it."""
    for name, service in load_compose()["services"].items():
        if "FLOWML_WORKER_TOKEN" in json.dumps(service):
            assert name in WORKER_SERVICES and service.get("profiles"), name


def test_every_variable_is_in_env_example() -> None:
    active, commented = env_example()
    for use in variable_uses(compose_text()):
        if use.op in (":?", "?"):
            assert use.name in active, f"{use.name} is required: .env.example must list it uncommented"
            assert active[use.name] == "", f"{use.name}: .env.example must not ship a secret"
        else:
            assert use.name in active or use.name in commented, f"{use.name} is missing from .env.example"
    for name in passthrough_variables():
        assert name in active or name in commented, f"{name} (passed through) is missing from .env.example"


def test_env_example_lists_only_known_variables() -> None:
    """Each variable in .env.example is used by the Compose file or is a FlowML setting: no typos, nothing stale."""
    active, commented = env_example()
    used = {use.name for use in variable_uses(compose_text())} | passthrough_variables()
    unknown = (set(active) | commented) - used - SETTINGS_FIELDS
    assert unknown == set()


def test_env_example_covers_the_documented_settings() -> None:
    """The settings table in README.md is mirrored in .env.example."""
    active, commented = env_example()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table)) & SETTINGS_FIELDS
    assert documented, "README.md's settings table was not found"
    assert documented - (set(active) | commented) == set()


def passthrough_variables() -> set[str]:
    """`NAME:` with no value in `environment`: Compose passes NAME on from .env when it is set there."""
    names = set()
    for service in load_compose()["services"].values():
        environment = service.get("environment") or {}
        assert isinstance(environment, dict), "use the mapping form of environment"
        names |= {name for name, value in environment.items() if value is None}
    return names


def test_flowml_services_get_only_real_settings() -> None:
    for name in FLOWML_SERVICES:
        environment = load_compose()["services"][name].get("environment", {})
        assert set(environment) - SETTINGS_FIELDS == set(), f"{name} gets variables FlowML does not read"


def test_api_environment_makes_valid_settings() -> None:
    environment = {k: v for k, v in resolved()["services"]["api"]["environment"].items() if v is not None}
    settings = Settings(_env_file=None, **environment)
    assert settings.STORAGE_MODE == "s3"
    assert settings.HOST == "0.0.0.0"
    assert settings.DATABASE_URL.startswith("postgresql+asyncpg://")
    assert settings.ENVIRONMENT == "production"


def test_api_reaches_the_services_with_their_credentials() -> None:
    """The URLs in the API's environment name the right services with the passwords those services were given."""
    services = resolved()["services"]
    env = services["api"]["environment"]

    database = urlsplit(env["DATABASE_URL"])
    postgres = services["postgres"]["environment"]
    assert (database.hostname, database.port) == ("postgres", 5432)
    assert (database.username, database.password) == (postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"])
    assert database.path == f"/{postgres['POSTGRES_DB']}"

    redis_command = services["redis"]["command"]
    redis_password = redis_command[redis_command.index("--requirepass") + 1]
    assert redis_command[redis_command.index("--appendonly") + 1] == "yes"
    assert services["redis"]["environment"]["REDIS_PASSWORD"] == redis_password  # the healthcheck's
    for key in ("CELERY_BROKER_URL", "REDIS_URL"):
        url = urlsplit(env[key])
        assert (url.scheme, url.hostname, url.port, url.password) == ("redis", "redis", 6379, redis_password), key
    assert urlsplit(env["CELERY_BROKER_URL"]).path != urlsplit(env["REDIS_URL"]).path, "use separate databases"

    assert urlsplit(env["S3_ENDPOINT_URL"]).hostname == "minio"
    bucket_job = services["createbuckets"]["environment"]
    for key in ("S3_BUCKET", "S3_ACCESS_KEY", "S3_SECRET_KEY"):
        assert env[key] == bucket_job[key], key
    assert bucket_job["MINIO_ROOT_PASSWORD"] == services["minio"]["environment"]["MINIO_ROOT_PASSWORD"]
    assert bucket_job["S3_ACCESS_KEY"] != services["minio"]["environment"]["MINIO_ROOT_USER"]


def test_workers_get_no_database_credentials() -> None:
    for name in WORKER_SERVICES:
        service = json.dumps(resolved()["services"][name])
        assert "postgres" not in service and "POSTGRES_PASSWORD".lower() not in service, name


def test_start_order_waits_for_health() -> None:
    services = load_compose()["services"]
    assert services["api"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "minio": {"condition": "service_healthy"},
        "createbuckets": {"condition": "service_completed_successfully"},
    }
    assert services["createbuckets"]["depends_on"] == {"minio": {"condition": "service_healthy"}}
    for name in WORKER_SERVICES:
        assert services[name]["depends_on"] == {"api": {"condition": "service_healthy"}}
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits on {dependency}, which has no check"


def test_healthchecks() -> None:
    services = resolved()["services"]
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    assert "REDISCLI_AUTH" in " ".join(services["redis"]["healthcheck"]["test"])
    assert "/health" in " ".join(services["api"]["healthcheck"]["test"])


@pytest.mark.parametrize("name", ["api", *WORKER_SERVICES])
def test_commands_are_real_flowml_commands(name: str) -> None:
    command = resolved()["services"][name]["command"]
    assert command[0] == "flowml"
    params = parse_flowml(command[1:])
    if name != "api":
        assert params["master"] == "http://api:8000"
        assert params["token"] == fake_env()["FLOWML_WORKER_TOKEN"]


def test_command_check_is_not_vacuous() -> None:
    with pytest.raises(typer.TyperException):
        parse_flowml(["worker", "--master", "http://api:8000"])  # no --token
    with pytest.raises(typer.TyperException):
        parse_flowml(["worker", "--master", "http://api:8000", "--token", "t", "--colour", "red"])
    with pytest.raises(typer.TyperException):
        parse_flowml(["serve"])


def test_published_ports_are_loopback_by_default() -> None:
    """With nothing set in .env, every published port listens on 127.0.0.1 only."""
    for name, service in resolved()["services"].items():
        for mapping in service.get("ports", []):
            assert isinstance(mapping, str) and mapping.count(":") == 2, f"{name}: write HOST_IP:HOST_PORT:PORT"
            assert mapping.split(":")[0] == "127.0.0.1", f"{name} publishes {mapping}"
    assert resolved()["services"]["api"]["ports"] == ["127.0.0.1:8000:8000"]


def test_gpu_worker_reserves_nvidia_gpus() -> None:
    service = load_compose()["services"]["worker-gpu"]
    assert service["profiles"] == ["gpu"]
    assert service["build"]["dockerfile"] == "deploy/Dockerfile.worker-cuda"
    devices = service["deploy"]["resources"]["reservations"]["devices"]
    assert devices == [{"driver": "nvidia", "count": "all", "capabilities": ["gpu"]}]


def test_builds_and_mounts_point_at_files() -> None:
    base = COMPOSE_FILE.parent
    for name, service in load_compose()["services"].items():
        if "build" in service:
            context = (base / service["build"]["context"]).resolve()
            assert context == REPO, f"{name}: the Dockerfiles expect the repository root as context"
            assert (context / service["build"]["dockerfile"]).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (base / source).is_file(), f"{name} mounts missing {source}"


def test_named_volumes_are_declared() -> None:
    document = load_compose()
    declared = set(document["volumes"])
    used = {
        volume.split(":")[0]
        for service in document["services"].values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }
    assert used == declared
    assert "postgres-data" in used and "redis-data" in used and "minio-data" in used


def test_bucket_script_gets_the_variables_it_requires() -> None:
    script = (DEPLOY / "minio" / "create-bucket.sh").read_text(encoding="utf-8")
    required = set(re.findall(r'"\$\{([A-Z_0-9]+):\?\}"', script))
    assert required == set(load_compose()["services"]["createbuckets"]["environment"])
