"""examples/flowml-plugin-example installed as a user installs it: pip builds the real package from source and
installs it, offline, into a directory of its own (put it on PYTHONPATH), so the test venv's packages stay as
they are. Optionally with a broken plugin package next to it, whose module raises on import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "flowml-plugin-example"
BROKEN_PYPROJECT = """
[build-system]
requires = ["setuptools>=61", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "flowml-broken-plugin"
version = "0.0.1"

[project.entry-points."flowml.algorithms"]
exploding = "flowml_broken_plugin:ExplodingAlgorithm"
"""


def install_example(root: Path, *, with_broken_neighbour: bool = False) -> Path:
    """Build and install the example (and the broken package) under `root`; returns the install directory."""
    # A copy: pip builds in the source tree, and its build/ and egg-info must not land in the checkout.
    sources = [
        shutil.copytree(EXAMPLE, root / "example", ignore=shutil.ignore_patterns("build", "*.egg-info", "__py*"))
    ]
    if with_broken_neighbour:
        broken = root / "broken"
        (broken / "src" / "flowml_broken_plugin").mkdir(parents=True)
        (broken / "pyproject.toml").write_text(BROKEN_PYPROJECT)
        (broken / "src" / "flowml_broken_plugin" / "__init__.py").write_text(
            'raise RuntimeError("this plugin fails on import")\n'
        )
        sources.append(broken)
    site = root / "site"
    offline = ["--no-deps", "--no-build-isolation", "--no-index", "--quiet"]
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", *offline, "--target", str(site), *map(str, sources)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def on_pythonpath(site: Path, env: dict[str, str]) -> dict[str, str]:
    """`env` with `site` first on PYTHONPATH: what installing the plugin into that environment would do."""
    return {**env, "PYTHONPATH": os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH", "")) if p)}
