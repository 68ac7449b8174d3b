"""A Preprocessing node's steps: the parameters given are laid over the step's defaults, as the settings say."""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowml.engine.types import ProblemType
from flowml.workflows.catalogue import PreprocessingSettings
from flowml.workflows.prep import fit_preprocessing


def test_a_step_given_one_parameter_takes_its_defaults_for_the_rest() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(120, 1))
    # Five columns that are one signal plus a little noise: 90% of the variance is in one component.
    frame = pd.DataFrame(base + 0.05 * rng.normal(size=(120, 5)), columns=list("abcde"))
    frame["y"] = (base[:, 0] > 0).astype(int)
    kinds = dict.fromkeys(frame.columns, "numeric")
    settings = PreprocessingSettings.model_validate({"steps": [{"name": "pca", "params": {"variance": 0.9}}]})
    fitted, train = fit_preprocessing(frame, "y", kinds, ProblemType.BINARY, settings, seed=0)
    assert train.shape[1] - 1 < 5  # fewer columns than went in, the target kept
    assert len(fitted.transform(frame)) == len(frame)
