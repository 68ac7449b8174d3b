"""Everything about an algorithm lives on its class: no other module keeps a list or table of algorithm names.

A name-keyed table elsewhere (GPU parameters, memory estimates, ONNX converters, routing) is what kept third parties
from adding an algorithm; this scans the backend's source for one coming back. A string that names an algorithm is
allowed as a plain value (a default, a message), not as an element of a literal list, tuple, set or dict key, nor
in a comparison.
"""

from __future__ import annotations

import ast
from pathlib import Path

from flowml.engine.algorithms import builtin_registry

BACKEND = Path(__file__).resolve().parents[2] / "backend" / "flowml"
# Where algorithm names belong: each algorithm's own module and the registry that lists the classes.
OWN_PLACES = (BACKEND / "engine" / "algorithms", BACKEND / "engine" / "registry.py")


def _listed_names(tree: ast.AST, names: set[str]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def named(node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
            return node.value
        return None

    # A Literal[...] type names allowed values, not a table about algorithms ("knn" is also the name of a clustering
    # model's nearest-rows assigner, engine/clustering/model.py).
    typed = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript) and _is_literal(node.value)
        for inner in ast.walk(node.slice)
    }
    for node in ast.walk(tree):
        if id(node) in typed:
            continue
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            found += [(node.lineno, name) for item in node.elts if (name := named(item))]
        elif isinstance(node, ast.Dict):
            found += [(node.lineno, name) for key in node.keys if (name := named(key))]
        elif isinstance(node, ast.Compare):
            found += [(node.lineno, name) for side in [node.left, *node.comparators] if (name := named(side))]
    return found


def _is_literal(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "Literal") or (
        isinstance(node, ast.Attribute) and node.attr == "Literal"
    )


def test_no_module_outside_the_algorithms_keeps_a_list_of_their_names() -> None:
    names = set(builtin_registry().names())
    offenders = [
        f"{path.relative_to(BACKEND.parent)}:{line}: {name!r}"
        for path in sorted(BACKEND.rglob("*.py"))
        if not any(path == place or place in path.parents for place in OWN_PLACES)
        for line, name in _listed_names(ast.parse(path.read_text(encoding="utf-8")), names)
    ]
    assert not offenders, "algorithm names listed outside their modules:\n" + "\n".join(offenders)


def test_the_scan_finds_a_name_table() -> None:
    """The check itself: a GPU table like the one engine/devices.py used to keep is caught."""
    source = 'GPU = {"xgboost": {"device": "cuda"}}\nFAST = ["lightgbm"]\nif name == "catboost": pass\n'
    found = _listed_names(ast.parse(source), {"xgboost", "lightgbm", "catboost"})
    assert [name for _, name in found] == ["xgboost", "lightgbm", "catboost"]


def test_the_scan_lets_a_literal_type_name_a_value_but_not_a_table() -> None:
    source = 'Mode = Literal["knn", "native"]\nx: typing.Literal["knn"]\nTABLE = {"knn": Literal["a"]}\n'
    assert [name for _, name in _listed_names(ast.parse(source), {"knn"})] == ["knn"]
