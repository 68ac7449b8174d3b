"""Which converter handles which fitted type, registered with skl2onnx explicitly (importing registers nothing).

To convert a new transformer of `preprocessing.py`: write its shape calculator and converter (in `_transformers`,
or a module of its own like `_text`) and add one row to `CONVERTERS`. Until then `export_onnx` reports it by name
as unsupported. An algorithm whose estimator skl2onnx does not know brings its own rows
(`Algorithm.onnx_converters`, e.g. LightGBM's, XGBoost's and CatBoost's); they are registered with these.

A subclass of a listed type (e.g. a LightGBM wrapper adding early stopping) is converted like its base: the first
`register_for(estimator)` that meets it registers it under its own alias.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from skl2onnx import update_registered_converter
from skl2onnx._supported_operators import (  # the lists update_registered_converter and the parser read
    sklearn_classifier_list,
    sklearn_operator_name_map,
)
from skl2onnx.common._registration import get_converter, get_shape_calculator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.mixture import BayesianGaussianMixture, GaussianMixture
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, TargetEncoder

from flowml.engine.algorithms import default_registry
from flowml.engine.clustering.model import ClusterModel, _NativeOrdered
from flowml.engine.onnx import _clustering as clu
from flowml.engine.onnx import _estimators as est
from flowml.engine.onnx import _text as text
from flowml.engine.onnx import _transformers as tr
from flowml.engine.preprocessing import CategoryCodes, DatetimeFeatures, TextFeatures
from flowml.engine.preprocessor import default_preprocessors

# The options a classifier's converter must accept (skl2onnx's parser passes them to every classifier).
CLASSIFIER_OPTIONS: dict[str, Any] = {"nocl": [True, False], "zipmap": [True, False, "columns"]}


class Converter(NamedTuple):
    """How skl2onnx converts one fitted type: `alias` names it in the graph; `options` must include
    CLASSIFIER_OPTIONS for a classifier; `limitation(fitted)` says why a fitted instance cannot be converted
    although its type can (None when it can); `parser` declares the outputs when skl2onnx's default for the type
    (by its mixin: classifier, cluster, transformer) does not fit."""

    model_type: type
    alias: str
    shape: Callable[[Any], None]
    convert: Callable[[Any, Any, Any], None]
    options: dict[str, Any] | None = None
    limitation: Callable[[Any], str | None] | None = None
    parser: Callable[..., list[Any]] | None = None


def converter_pair(
    classifier: type,
    regressor: type,
    prefix: str,
    convert: Callable[[Any, Any, Any], None],
    *,
    regressor_options: dict[str, Any] | None = None,
    limitation: Callable[[Any], str | None] | None = None,
) -> tuple[Converter, Converter]:
    """A boosting library's classifier and regressor: one converter, skl2onnx's linear output shapes, and graph
    aliases `<prefix><class name>` (what onnxmltools and skl2onnx call them)."""
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )

    return (
        Converter(
            classifier,
            prefix + classifier.__name__,
            calculate_linear_classifier_output_shapes,
            convert,
            CLASSIFIER_OPTIONS,
            limitation,
        ),
        Converter(
            regressor,
            prefix + regressor.__name__,
            calculate_linear_regressor_output_shapes,
            convert,
            regressor_options,
            limitation,
        ),
    )


# SimpleImputer, OneHotEncoder and FunctionTransformer replace skl2onnx's own converters process-wide; they convert
# a superset of what those did (NaN-as-missing strings and add_indicator; infrequent categories whatever their
# names; as_float32 besides the identity) and hand numeric one-hot encoding back to skl2onnx's converter.
CONVERTERS: tuple[Converter, ...] = (
    Converter(DatetimeFeatures, "FlowMLDatetimeFeatures", tr.datetime_shape, tr.datetime_convert),
    Converter(CategoryCodes, "FlowMLCategoryCodes", tr.category_codes_shape, tr.category_codes_convert),
    Converter(TextFeatures, "FlowMLTextFeatures", text.text_shape, text.text_convert),
    Converter(TargetEncoder, "FlowMLTargetEncoder", tr.target_encoder_shape, tr.target_encoder_convert),
    Converter(SimpleImputer, "FlowMLSimpleImputer", tr.imputer_shape, tr.imputer_convert),
    Converter(OneHotEncoder, "FlowMLOneHotEncoder", tr.onehot_shape, tr.onehot_convert),
    Converter(FunctionTransformer, "FlowMLFunctionTransformer", tr.function_shape, tr.function_convert),
    Converter(
        TransformedTargetRegressor,
        "FlowMLTransformedTargetRegressor",
        est.target_regressor_shape,
        est.target_regressor_convert,
    ),
    Converter(
        ClusterModel,
        "FlowMLClusterModel",
        clu.cluster_model_shape,
        clu.cluster_model_convert,
        parser=clu.cluster_model_parser,
    ),
    Converter(_NativeOrdered, "FlowMLNativeOrdered", clu.native_ordered_shape, clu.native_ordered_convert),
)

_lock = threading.Lock()
_registered = False


def register_converters() -> None:
    """Register `CONVERTERS` with skl2onnx, once per process (later calls return at once)."""
    global _registered
    with _lock:
        if _registered:
            return
        for converter in all_converters():
            _register(converter, converter.model_type, converter.alias)
        for model_type in (HistGradientBoostingClassifier, HistGradientBoostingRegressor):
            _register(_with_plain_attributes(model_type), model_type, sklearn_operator_name_map[model_type])
        for model_type in (GaussianMixture, BayesianGaussianMixture):
            _register(_with_number_opset(model_type), model_type, sklearn_operator_name_map[model_type])
        _registered = True


def register_for(estimator: Any) -> None:
    """Register every subclass of a `CONVERTERS` type found in `estimator` (a fitted pipeline) like its base."""
    register_converters()
    with _lock:
        for part in fitted_parts(estimator):
            model_type = type(part)
            if model_type in sklearn_operator_name_map:
                continue
            base = next((c for c in all_converters() if isinstance(part, c.model_type)), None)
            if base is not None:
                _register(base, model_type, f"FlowML{model_type.__qualname__}")


def all_converters() -> tuple[Converter, ...]:
    """CONVERTERS and those the registered algorithms and preprocessors bring for their own estimators."""
    return (
        *CONVERTERS,
        *(c for algo in default_registry() for c in algo.onnx_converters()),
        *(c for step in default_preprocessors() for c in step.onnx_converters()),
    )


def _register(converter: Converter, model_type: type, alias: str) -> None:
    update_registered_converter(
        model_type, alias, converter.shape, converter.convert, options=converter.options, parser=converter.parser
    )
    # skl2onnx's parser gives a model label + probabilities outputs if it is a ClassifierMixin or in this list
    # (CatBoost's classifiers are not ClassifierMixins).
    if converter.options is not None and "zipmap" in converter.options and model_type not in sklearn_classifier_list:
        sklearn_classifier_list.append(model_type)


def _with_plain_attributes(model_type: type) -> Converter:
    """skl2onnx's own converter for `model_type`, fed a container that passes only plain attribute values."""
    alias = sklearn_operator_name_map[model_type]
    registered = get_converter(alias)

    def convert(scope: Any, operator: Any, container: Any) -> None:
        registered(scope, operator, est.PlainAttributes(container))

    return Converter(model_type, alias, get_shape_calculator(alias), convert, registered.get_allowed_options())


def _with_number_opset(model_type: type) -> Converter:
    """skl2onnx's own converter for `model_type`, shown the main opset as a number (see `clu.MainOpset`)."""
    alias = sklearn_operator_name_map[model_type]
    registered = get_converter(alias)

    def convert(scope: Any, operator: Any, container: Any) -> None:
        registered(scope, clu.MainOpset(operator, container.target_opset), container)

    return Converter(model_type, alias, get_shape_calculator(alias), convert, registered.get_allowed_options())


def fitted_parts(estimator: Any, path: str = "pipeline") -> Iterator[Any]:
    """Every fitted estimator inside `estimator`, itself included, depth first (its path in `part_paths`)."""
    for _, part in part_paths(estimator, path):
        yield part


def part_paths(estimator: Any, path: str = "pipeline") -> Iterator[tuple[str, Any]]:
    """(path, estimator) pairs: "pipeline/preprocess/onehot/encode" names the OneHotEncoder of our pipelines."""
    yield path, estimator
    children: list[tuple[str, Any]] = []
    if isinstance(estimator, Pipeline):
        children = list(estimator.steps)
    elif isinstance(estimator, ColumnTransformer):
        children = [(name, t) for name, t, _ in estimator.transformers_ if not isinstance(t, str)]
    elif isinstance(estimator, TransformedTargetRegressor):
        children = [("regressor", estimator.regressor_)]
    elif isinstance(estimator, CalibratedClassifierCV):
        children = [(f"calibrated{i}", c.estimator) for i, c in enumerate(estimator.calibrated_classifiers_)]
    elif isinstance(estimator, ClusterModel):  # converted as its predictor: the PCA and the assigner
        children = [("predictor", estimator.predictor_)]
    elif isinstance(estimator, _NativeOrdered):
        children = [("clusterer", estimator.estimator)]
    for name, child in children:
        yield from part_paths(child, f"{path}/{name}")


def unsupported_parts(estimator: Any) -> list[str]:
    """Every part of `estimator` that cannot be converted, as "path (TypeName: why)"."""
    found: list[str] = []
    for path, part in part_paths(estimator):
        if isinstance(part, Pipeline | ColumnTransformer):
            continue
        if type(part) not in sklearn_operator_name_map:
            found.append(f"{path} ({type(part).__name__}: no converter)")
        elif (why := _limitation(part)) is not None:
            found.append(f"{path} ({type(part).__name__}: {why})")
    return found


def _limitation(part: Any) -> str | None:
    """Why a part whose type has a converter still cannot be converted, or None."""
    for converter in all_converters():
        if converter.limitation is not None and isinstance(part, converter.model_type):
            why = converter.limitation(part)
            if why is not None:
                return why
    return None
