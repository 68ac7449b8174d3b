"""A tiny run of benchmarks/k_rules.py, so it never rots: iris shipped in tests/fixtures, k up to 4, two reference
sets per k. The measured table lives in docs/benchmarks.md."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import DATASETS, REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

SCRIPT = REPO_ROOT / "benchmarks" / "k_rules.py"
RULES = ("silhouette", "Calinski-Harabasz", "Davies-Bouldin", "mixture BIC, full", "gap, PCA-aligned box")


def test_k_rules_prints_each_rules_pick_and_its_agreement() -> None:
    args = ["--manifest", str(DATASETS / "manifest.json"), "--datasets", "iris", "--max-k", "4", "--references", "2"]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=150, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {line.split("|")[1].strip(): line for line in done.stdout.splitlines() if line.startswith("| ")}
    assert rows["true k"].split("|")[2].strip() == "3"
    for rule in RULES:
        cell = rows[rule].split("|")[2].strip()
        match = re.fullmatch(r"(\d+) \((-?\d\.\d\d)\)", cell)
        assert match, (rule, cell)
        k, ari = int(match[1]), float(match[2])
        assert 1 <= k <= 4 and -1.0 <= ari <= 1.0
    # Iris's two overlapping species: the three indices prefer 2 clusters (what docs/benchmarks.md reports).
    assert rows["silhouette"].split("|")[2].strip().startswith("2 ")
