"""deploy/Dockerfile.*: what they copy exists and reaches the build context, they run as a non-root user, and the
API image serves the dashboard where FlowML looks for it."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from tests.deploy.deploy_files import (
    DEPLOY,
    REPO,
    Instruction,
    dockerfile_instructions,
    dockerignored,
    parse_flowml,
    stages,
    tracked_files,
)

DOCKERFILES = ["Dockerfile.api", "Dockerfile.worker", "Dockerfile.worker-cuda"]


def final_stage(name: str) -> list[Instruction]:
    return stages(dockerfile_instructions(DEPLOY / name))[-1]


def copy_sources(instruction: Instruction) -> list[str]:
    """The sources of a COPY from the build context (not `--from=` another stage); the last word is the target."""
    words = shlex.split(instruction.args)
    if any(word.startswith("--from=") for word in words):
        return []
    return [word for word in words if not word.startswith("--")][:-1]


def env_values(stage: list[Instruction]) -> dict[str, str]:
    values = {}
    for instruction in stage:
        if instruction.keyword == "ENV":
            for word in shlex.split(instruction.args):
                name, _, value = word.partition("=")
                values[name] = value
    return values


@pytest.mark.parametrize("name", DOCKERFILES)
def test_copy_sources_exist_and_reach_the_build_context(name: str) -> None:
    copies = [i for i in dockerfile_instructions(DEPLOY / name) if i.keyword in ("COPY", "ADD")]
    assert copies, name
    for instruction in copies:
        assert instruction.keyword == "COPY", f"{name}: use COPY, not ADD"
        for source in copy_sources(instruction):
            assert (REPO / source).exists(), f"{name} copies {source}, which is not in the repository"
            assert not dockerignored(source), f"{name} copies {source}, which .dockerignore leaves out"
            if (REPO / source).is_dir():
                left_out = [path for path in tracked_files(source) if dockerignored(path)]
                assert left_out == [], f"{name}: .dockerignore drops tracked files under {source}"


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    for path in [".env", ".git/config", ".venv/bin/python", "frontend/node_modules/vite/package.json", "data/x.db"]:
        assert dockerignored(path), path
    for path in ["backend/pyproject.toml", "backend/flowml/api/app.py", "frontend/package-lock.json"]:
        assert not dockerignored(path), path


@pytest.mark.parametrize("name", DOCKERFILES)
def test_runs_as_a_non_root_user(name: str) -> None:
    stage = final_stage(name)
    users = [i.args for i in stage if i.keyword == "USER"]
    assert users and users[-1] not in ("root", "0"), f"{name} must end on a non-root USER"
    last_user = max(i for i, instruction in enumerate(stage) if instruction.keyword == "USER")
    assert all(instruction.keyword != "RUN" for instruction in stage[last_user:]), "RUN after USER would need root"


@pytest.mark.parametrize("name", DOCKERFILES)
def test_installs_the_package_with_the_pinned_constraints(name: str) -> None:
    runs = " ".join(i.args for i in dockerfile_instructions(DEPLOY / name) if i.keyword == "RUN")
    assert "pip install -c backend/constraints.txt ./backend" in runs


@pytest.mark.parametrize("name", DOCKERFILES)
def test_default_command_is_a_real_flowml_command(name: str) -> None:
    commands = [i.args for i in final_stage(name) if i.keyword == "CMD"]
    assert len(commands) == 1, name
    command = json.loads(commands[0])
    assert command[0] == "flowml"
    if "--help" not in command:
        parse_flowml(command[1:])
    else:
        parse_flowml([*command[1:-1], "--master", "m", "--token", "t"])


def test_base_images() -> None:
    api = stages(dockerfile_instructions(DEPLOY / "Dockerfile.api"))
    assert api[0][0].args.startswith("node:20")
    assert api[-1][0].args.startswith("python:3.11-slim")
    assert stages(dockerfile_instructions(DEPLOY / "Dockerfile.worker"))[-1][0].args.startswith("python:3.11-slim")
    cuda = dockerfile_instructions(DEPLOY / "Dockerfile.worker-cuda")
    default = next(i.args for i in cuda if i.keyword == "ARG" and i.args.startswith("CUDA_IMAGE="))
    assert re.fullmatch(r"CUDA_IMAGE=nvidia/cuda:[\d.]+-runtime-ubuntu22\.04", default)
    assert "python3.11" in " ".join(i.args for i in cuda if i.keyword == "RUN")


def test_workers_carry_no_node_and_no_dashboard() -> None:
    for name in ("Dockerfile.worker", "Dockerfile.worker-cuda"):
        text = (DEPLOY / name).read_text(encoding="utf-8")
        assert "node:" not in text and "npm" not in text and "frontend" not in text, name


def test_api_image_serves_the_dashboard_it_builds() -> None:
    """The built dashboard lands where FRONTEND_DIST says: an installed package has no frontend/dist beside it."""
    all_stages = stages(dockerfile_instructions(DEPLOY / "Dockerfile.api"))
    dashboard = all_stages[0]
    stage_name = dashboard[0].args.split()[-1]
    workdir = [i.args for i in dashboard if i.keyword == "WORKDIR"][-1]
    assert any(i.keyword == "RUN" and "npm run build" in i.args for i in dashboard)
    built = f"{workdir}/dist"  # vite.config.ts: build.outDir "dist"
    assert 'outDir: "dist"' in (REPO / "frontend" / "vite.config.ts").read_text(encoding="utf-8")

    final = all_stages[-1]
    target = env_values(final)["FRONTEND_DIST"]
    copied = [shlex.split(i.args) for i in final if i.keyword == "COPY" and f"--from={stage_name}" in i.args]
    assert [f"--from={stage_name}", built, target] in copied


def test_api_image_listens_on_all_interfaces_and_checks_health() -> None:
    final = final_stage("Dockerfile.api")
    env = env_values(final)
    assert env["HOST"] == "0.0.0.0"
    assert env["DATA_DIR"] == "/data"
    checks = [i.args for i in final if i.keyword == "HEALTHCHECK"]
    assert len(checks) == 1 and "/health" in checks[0]
    assert "EXPOSE" in {i.keyword for i in final}
