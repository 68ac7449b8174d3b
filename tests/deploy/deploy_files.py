"""Readers for the deployment files, shared by the tests in this folder.

Each one parses the real file the way its consumer does (Compose's variable interpolation, a Dockerfile's line
continuations, systemd's INI and `${VAR}` expansion, the `flowml` CLI's own option parser), so the tests check
what Docker, systemd and FlowML would see.
"""

from __future__ import annotations

import configparser
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import typer
import typer.core
import yaml

from flowml.cli.main import app
from flowml.core.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
DOCKERIGNORE = REPO / ".dockerignore"
SCHEMA = Path(__file__).resolve().parent / "compose-spec.json"

SETTINGS_FIELDS = frozenset(Settings.model_fields)

# Compose's interpolation syntax: `$$` (a literal `$`), `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
# `${NAME:?message}`, `${NAME?message}`, and bare `$NAME`.
_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


@dataclass(frozen=True)
class VariableUse:
    name: str
    op: str | None  # None, "-", ":-", "?" or ":?"
    arg: str


class MissingVariableError(ValueError):
    """A `${NAME:?message}` (or `?`) whose variable is unset (or empty): Compose refuses to start."""


def variable_uses(text: str) -> list[VariableUse]:
    uses = []
    for match in _INTERPOLATION.finditer(text):
        if match["escaped"]:
            continue
        name = match["braced"] or match["bare"]
        uses.append(VariableUse(name, match["op"], match["arg"] or ""))
    return uses


def interpolate_text(text: str, env: Mapping[str, str]) -> str:
    """Substitute variables as Compose does; `:` in an operator means "unset or empty"."""

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["bare"]
        op, arg = match["op"], match["arg"] or ""
        value = env.get(name)
        missing = value is None or (value == "" and op is not None and op.startswith(":"))
        if op in ("?", ":?") and missing:
            raise MissingVariableError(f"required variable {name} is missing a value: {arg}")
        if op in ("-", ":-") and missing:
            return arg
        return value or ""

    return _INTERPOLATION.sub(replace, text)


def interpolate(node: Any, env: Mapping[str, str]) -> Any:
    """Interpolate every string in a parsed Compose document (values only, as Compose does)."""
    if isinstance(node, str):
        return interpolate_text(node, env)
    if isinstance(node, list):
        return [interpolate(item, env) for item in node]
    if isinstance(node, dict):
        return {key: interpolate(value, env) for key, value in node.items()}
    return node


@cache
def compose_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


def load_compose() -> dict[str, Any]:
    """The Compose file as parsed YAML, before interpolation (a fresh copy each time: tests may mutate it)."""
    document: dict[str, Any] = yaml.safe_load(compose_text())
    return document


def env_example() -> tuple[dict[str, str], set[str]]:
    """(variables set in .env.example, variables only shown commented out as `# NAME=...`)."""
    active: dict[str, str] = {}
    commented: set[str] = set()
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line):
            active[match[1]] = match[2]
        elif match := re.fullmatch(r"# ([A-Z][A-Z0-9_]*)=.*", line):
            commented.add(match[1])
    return active, commented


def env_file(path: Path) -> dict[str, str]:
    """A systemd EnvironmentFile: NAME=value lines, `#` comments."""
    values = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def parse_flowml(args: Sequence[str]) -> dict[str, Any]:
    """Parse `flowml ARGS...` with the real CLI's parser, without running the command; returns its parameters.

    Raises a usage error (a typer.TyperException: an unknown command or option, a missing required option, a bad
    value) as `flowml` itself would report it. Typer ships its own copy of click, so only typer's names are used.
    """
    command = typer.main.get_command(app)
    rest = list(args)
    parent: typer.Context | None = None
    name = "flowml"
    while isinstance(command, typer.core.TyperGroup):
        context = typer.Context(command, info_name=name, parent=parent)
        if not rest:
            raise typer.BadParameter(f"`{name}` needs a subcommand", context)
        sub = command.get_command(context, rest[0])
        if sub is None:
            raise typer.BadParameter(f"no such command {rest[0]!r} under `{name}`", context)
        parent, name, command, rest = context, rest[0], sub, rest[1:]
    params: dict[str, Any] = command.make_context(name, rest, parent=parent).params
    return params


# ---- Dockerfiles ----


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def dockerfile_instructions(path: Path) -> list[Instruction]:
    """Instructions with line continuations joined and comment lines dropped (also inside a continuation)."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, args = full.partition(" ")
        instructions.append(Instruction(keyword.upper(), args.strip()))
    assert not pending, f"{path.name} ends inside a line continuation"
    return instructions


def stages(instructions: Sequence[Instruction]) -> list[list[Instruction]]:
    """The instructions of each build stage, FROM first; anything before the first FROM (global ARGs) is dropped."""
    result: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            result.append([instruction])
        elif result:
            result[-1].append(instruction)
    return result


def dockerignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    """(is_exception, regex) per .dockerignore line, in order; the last pattern that matches a path decides."""
    patterns = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        patterns.append((exception, re.compile(_glob_to_regex(pattern))))
    return patterns


def _glob_to_regex(pattern: str) -> str:
    """Docker's path globbing: `**` spans folders, `*` and `?` stay within one."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out) + r"\Z"


def dockerignored(relative: str) -> bool:
    """Whether `docker build` leaves this repository path out of the context (a folder's exclusion covers its files)."""
    parts = relative.strip("/").split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for exception, regex in dockerignore_patterns():
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not exception
    return excluded


def tracked_files(under: str) -> list[str]:
    """Files git tracks under a repository folder: what a fresh clone, and so a build context, holds."""
    out = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--", under], capture_output=True, check=True, timeout=30
    ).stdout
    return [name for name in out.decode().split("\0") if name]


# ---- systemd ----


def read_unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",), comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    return parser


def expand_systemd(text: str, env: Mapping[str, str]) -> str:
    """systemd's `${NAME}` in ExecStart; an unset name becomes empty, as systemd does."""
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: env.get(m[1], ""), text)
