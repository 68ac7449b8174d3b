"""An example FlowML plugin: one algorithm (`random_features`) and one preprocessor (`quantile_clip`)."""

from flowml_plugin_example.algorithm import RandomFeaturesAlgorithm
from flowml_plugin_example.preprocessor import QuantileClip, QuantileClipPreprocessor

__all__ = ["QuantileClip", "QuantileClipPreprocessor", "RandomFeaturesAlgorithm"]
