"""Load YAML without letting anchors and aliases blow up: a "billion laughs" document is refused before it is built.

A safe loader already refuses Python objects, but not aliases. An alias is a reference, so a few hundred bytes can
describe 10**9 values (nine levels of ten aliases each), and merge keys (`<<: [*a, *a]`) copy them while the
document is constructed. A document may also contain itself (`&r [*r]`), which makes the table builder recurse until
the process crashes. So the document is composed to its node graph first (cheap: aliases stay shared), walked once
to count the values it would expand to and to find cycles, and only then constructed.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from flowml.core.errors import DataFormatError, UploadTooLargeError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster when installed


def load_yaml(text: str, max_nodes: int) -> Any:
    """The document's plain Python data; raises before constructing anything that would expand past `max_nodes`
    values or that contains itself. yaml.YAMLError propagates for the caller to word."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_expansion(node, max_nodes)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def check_expansion(root: Node, max_nodes: int) -> int:
    """The number of values `root` stands for with every alias expanded; raises past `max_nodes` or on a cycle.

    Iterative depth-first walk with each node's size remembered by identity, so shared subtrees cost once.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > max_nodes:
                raise UploadTooLargeError(
                    f"this YAML file expands to more than {max_nodes:,} values through its anchors and aliases "
                    '(&name / *name), the pattern of a "billion laughs" bomb; write the values out instead'
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise DataFormatError(
                    "this YAML file contains itself: an alias (*name) is used inside the value of its own anchor "
                    "(&name), so it has no end and is not a table"
                )
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []
