"""docs/deployment.md: its `flowml` commands are real, and its secret-filling step yields a .env that Compose
accepts."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import typer
import typer.core

from flowml.cli.main import app
from tests.conftest import in_ci
from tests.deploy.deploy_files import (
    ENV_EXAMPLE,
    REPO,
    compose_text,
    interpolate,
    load_compose,
    parse_flowml,
    variable_uses,
)

GUIDE = REPO / "docs" / "deployment.md"


def flowml_call_pattern() -> re.Pattern[str]:
    """`flowml SUBCOMMAND ...` (or a path ending in /flowml), up to a shell operator, a quote or a comment. Only a
    real subcommand name counts, so the user, group and database also called `flowml` are not taken for calls."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    names = "|".join(sorted(group.list_commands(typer.Context(group))))
    return re.compile(rf"(?:^|[\s/])flowml((?: +(?:{names}))(?: +[^\s|;&#'`]+)*)")


def code_blocks(text: str) -> list[str]:
    blocks = re.findall(r"^ *```(?:bash|sh)?\n(.*?)^ *```", text, flags=re.MULTILINE | re.DOTALL)
    # Join shell line continuations, so a command split over lines reads as one.
    return [re.sub(r"\\\n\s*", " ", block) for block in blocks]


def flowml_calls(text: str) -> list[list[str]]:
    calls = []
    for block in code_blocks(text):
        for line in block.splitlines():
            calls += [shlex.split(match[1]) for match in flowml_call_pattern().finditer(line)]
    return calls


def test_documented_flowml_commands_parse() -> None:
    calls = flowml_calls(GUIDE.read_text(encoding="utf-8"))
    for args in calls:
        parse_flowml(args)
    subcommands = {" ".join(args[:2]) if args[0] == "token" else args[0] for args in calls}
    assert {"token create", "worker"} <= subcommands


def test_secret_step_names_exactly_the_required_secrets() -> None:
    loop = next(block for block in code_blocks(GUIDE.read_text(encoding="utf-8")) if "openssl rand" in block)
    match = re.search(r"for name in ([A-Z0-9_ ]+);", loop)
    assert match, "the secret-filling loop is missing from the guide"
    named = set(match[1].split())
    required = {use.name for use in variable_uses(compose_text()) if use.op == ":?"}
    assert named == required


def test_secret_step_makes_a_env_compose_accepts(tmp_path: Path) -> None:
    """Run the guide's step 1 on a copy of .env.example, then interpolate the Compose file with the result."""
    if shutil.which("openssl") is None:
        if in_ci():
            pytest.fail("openssl is missing")
        pytest.skip("openssl is missing")
    step = next(block for block in code_blocks(GUIDE.read_text(encoding="utf-8")) if "openssl rand" in block)
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env.example")
    subprocess.run(["bash", "-euc", step], cwd=tmp_path, check=True, timeout=30)

    env = {}
    for line in (tmp_path / ".env").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    secrets = {name: value for name, value in env.items() if value}
    assert set(secrets) == {use.name for use in variable_uses(compose_text()) if use.op == ":?"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in secrets.values())
    assert len(set(secrets.values())) == len(secrets), "each secret must be generated separately"
    assert (tmp_path / ".env").stat().st_mode & 0o077 == 0, "chmod 600"
    interpolate(load_compose(), env)  # raises if Compose would refuse to start
