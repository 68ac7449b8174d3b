"""The built-in preprocessors, one small module each, listed explicitly in `builtin_preprocessors()`.

As with the built-in algorithms (engine/algorithms), no registration by import side effect: adding a step means
writing its module and adding one line here. `engine/preprocessor.py default_preprocessors()` adds the plugins'.
"""

from __future__ import annotations

from functools import cache

from flowml.engine.preprocessor import Preprocessors
from flowml.engine.preprocessors.pca import PCAPreprocessor
from flowml.engine.preprocessors.selection import SelectPercentilePreprocessor

__all__ = ["builtin_preprocessors"]


@cache
def builtin_preprocessors() -> Preprocessors:
    """Every built-in preprocessor; built once per process (they are stateless)."""
    return Preprocessors.of([PCAPreprocessor(), SelectPercentilePreprocessor()])
