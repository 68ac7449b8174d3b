"""docs/security.md's "Who can do what" names the test that proves each line: every named test must exist, so a
renamed or deleted test cannot leave the threat model pointing at nothing."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

DOC = REPO_ROOT / "docs" / "security.md"
# `tests/x/test_y.py::test_name` starts a file; a following `::test_other` in the same cell names another test in it.
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?::(test_\w+)")


def _section(text: str) -> str:
    start = text.index("### Who can do what")
    return text[start : text.index("\n## ", start)]


def _references(section: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for line in section.splitlines():
        current: str | None = None
        for match in REFERENCE.finditer(line):
            current = match.group(1) or current
            assert current is not None, f"'::{match.group(2)}' names no file before it: {line}"
            found.append((current, match.group(2)))
    return found


def test_every_test_the_threat_model_names_exists() -> None:
    references = _references(_section(DOC.read_text(encoding="utf-8")))
    assert len(references) >= 40, "the threat model lost its proofs"
    missing = [
        f"{path}::{name}"
        for path, name in references
        if not (REPO_ROOT / path).is_file()
        or not re.search(rf"^(async )?def {name}\(", (REPO_ROOT / path).read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"


def test_each_actor_has_its_table() -> None:
    section = _section(DOC.read_text(encoding="utf-8"))
    for actor in ("Anonymous network user", "Member", "Worker token holder", "Admin"):
        assert f"**{actor}**" in section


def test_the_reference_pattern_follows_files_within_a_line() -> None:
    line = "| x | `tests/a/test_b.py::test_one`, `::test_two`, `tests/c/test_d.py::test_three` |"
    assert _references(line) == [
        ("tests/a/test_b.py", "test_one"),
        ("tests/a/test_b.py", "test_two"),
        ("tests/c/test_d.py", "test_three"),
    ]


def test_a_made_up_name_is_reported() -> None:
    references = _references("| x | `tests/deploy/test_security_doc.py::test_that_does_not_exist` |")
    path, name = references[0]
    source = (REPO_ROOT / path).read_text(encoding="utf-8")
    assert not re.search(rf"^(async )?def {name}\(", source, re.MULTILINE)
