"""Imported by each pool process at start so the first trial does not pay for importing the ML stack."""

from __future__ import annotations

from typing import Any


def warmup(_payload: dict[str, Any]) -> dict[str, Any]:
    import flowml.engine.final
    import flowml.engine.trial  # noqa: F401

    return {}
