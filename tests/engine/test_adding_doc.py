"""docs/adding-an-algorithm.md's example module is real: imported from the page and run through the contract kit,
and its conditional parameter behaves as the page says."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import ModuleType

import optuna

from flowml.engine.registry import Algorithm, Registry
from flowml.engine.types import ProblemType
from flowml.testing import check_algorithm

DOC = Path(__file__).resolve().parents[2] / "docs" / "adding-an-algorithm.md"
MODULE_NAME = "flowml_doc_example_lda"


def example_module() -> ModuleType:
    """The page's ```python block that defines the algorithm class, executed as a module of its own."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    source = next(block for block in blocks if "class LDAAlgorithm(Algorithm)" in block)
    module = ModuleType(MODULE_NAME)
    sys.modules[MODULE_NAME] = module  # the dataclass-like machinery and pickling look classes up by module
    exec(compile(source, str(DOC), "exec"), module.__dict__)
    return module


def example_class() -> type[Algorithm]:
    algorithm: type[Algorithm] = example_module().LDAAlgorithm
    return algorithm


def test_the_example_keeps_the_contract() -> None:
    check_algorithm(example_class())


def test_the_example_samples_shrinkage_only_with_the_lsqr_solver() -> None:
    algo = example_class()()
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    drawn = [algo.sample(study.ask(), ProblemType.BINARY) for _ in range(40)]
    assert {d["solver"] for d in drawn} == {"svd", "lsqr"}
    assert all(("shrinkage" in d) is (d["solver"] == "lsqr") for d in drawn)


def test_the_example_registers_like_a_built_in() -> None:
    registry = Registry.of([example_class()()])
    info = registry.get("lda").describe()
    assert info.origin.source == "builtin" and not info.onnx
    assert info.space[ProblemType.BINARY].params["shrinkage"].when is not None
