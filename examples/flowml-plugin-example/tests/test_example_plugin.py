"""The example plugin against FlowML's public test kit: the same contract FlowML's own algorithms pass."""

from __future__ import annotations

import numpy as np
from flowml_plugin_example import QuantileClip, QuantileClipPreprocessor, RandomFeaturesAlgorithm

from flowml.testing import check_algorithm, check_preprocessor


def test_the_algorithm_meets_the_contract() -> None:
    check_algorithm(RandomFeaturesAlgorithm)


def test_the_preprocessor_meets_the_contract() -> None:
    check_preprocessor(QuantileClipPreprocessor)


def test_clipping_uses_the_training_quantiles() -> None:
    train = np.arange(100, dtype=np.float64).reshape(-1, 1)
    clip = QuantileClip(quantile=0.1).fit(train)
    np.testing.assert_allclose(clip.transform(np.array([[-50.0], [50.0], [500.0]])), [[9.9], [50.0], [89.1]])
