"""The algorithm contract as a test kit, for FlowML's own algorithms and for plugin authors.

    from flowml.testing import check_algorithm

    def test_my_algorithm() -> None:
        check_algorithm(MyAlgorithm)

`check_algorithm` runs every check below for every task the algorithm declares and raises AssertionError naming the
first one that fails. The checks are public too, so a test suite can parametrize over them (FlowML's own contract
test, tests/engine/test_algorithms_contract.py, does). Data are small and generated: a check takes well under a
second for a fast algorithm. A clustering algorithm (ProblemType.CLUSTERING) is checked on separated blobs without
a target: its spaces for several table sizes, labels, assignment of new rows, probabilities only when it is
probabilistic, pickling and seeded repeatability (`flowml.testing.clustering`).
"""

from flowml.testing.algorithm import (
    ALGORITHM_CHECKS,
    TASK_CHECKS,
    check_algorithm,
    check_class_facts,
    check_defaults_fit,
    check_describe,
    check_memory_estimate,
    check_native_categorical,
    check_onnx_export,
    check_samples_build,
    check_space,
    check_unsupported_tasks,
)
from flowml.testing.data import make_data, make_frame
from flowml.testing.preprocessor import PREPROCESSOR_CHECKS, check_preprocessor

__all__ = [
    "ALGORITHM_CHECKS",
    "PREPROCESSOR_CHECKS",
    "TASK_CHECKS",
    "check_algorithm",
    "check_class_facts",
    "check_defaults_fit",
    "check_describe",
    "check_memory_estimate",
    "check_native_categorical",
    "check_onnx_export",
    "check_preprocessor",
    "check_samples_build",
    "check_space",
    "check_unsupported_tasks",
    "make_data",
    "make_frame",
]
