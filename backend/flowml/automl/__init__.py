"""The Python estimator, `from flowml import AutoML` (estimator.py), over the engine's one training run."""

from flowml.automl.estimator import AutoML

__all__ = ["AutoML"]
