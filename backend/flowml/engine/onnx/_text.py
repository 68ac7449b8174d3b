"""Converter for `preprocessing.TextFeatures`: TF-IDF of word n-grams, then the truncated-SVD projection.

Lower-casing (StringNormalizer), scikit-learn's token pattern (onnxruntime's Tokenizer), the vectorizer's n-gram
counts (ONNX TfIdfVectorizer), sublinear TF, IDF, the norm and the projection. skl2onnx's own TfidfVectorizer
converter computes log(1 + tf) for sublinear TF where scikit-learn computes 1 + log(tf), and swaps the token pattern
for an ASCII-only one, hence this one. Missing text (the MISSING_CATEGORY input) is the empty document, as in
TextFeatures.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto, helper
from skl2onnx.common.data_types import FloatTensorType

from flowml.engine.onnx._emit import MS_DOMAIN, Emit

# scikit-learn's default token pattern, (?u)\b\w\w+\b, in RE2 (what onnxruntime's Tokenizer uses): runs of two or
# more letters, digits or underscores.
_SKLEARN_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_RE2_TOKEN_PATTERN = r"[\p{L}\p{N}_]{2,}"
# onnxruntime lower-cases with the C++ locale named in the graph; its default (en_US.UTF-8) is missing from slim
# images, C.UTF-8 is built into glibc >= 2.35. It follows Unicode's simple case mapping, Python's str.lower the
# full one: they differ on a few letters (a final sigma), which the parity check then reports.
_LOCALE = "C.UTF-8"


def text_shape(operator: Any) -> None:
    op = operator.raw_operator
    n_rows = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = FloatTensorType([n_rows, op.n_components * op.n_features_in_])


def text_convert(scope: Any, operator: Any, container: Any) -> None:
    e = Emit(scope, operator, container)
    op = e.raw
    x = e.merged_input()
    n_rows = e.op("Gather", e.op("Shape", x), e.i64(0))
    columns: list[str] = []
    for index, (vectorizer, svd) in enumerate(op.models_):
        if vectorizer is None:  # no vocabulary in training: zeros, as TextFeatures does
            shape = e.op("Concat", n_rows, e.i64(op.n_components), axis=0)
            columns.append(e.op("ConstantOfShape", shape, value=_float_tensor(0.0)))
            continue
        tfidf = _tfidf(e, e.column(x, index), vectorizer)
        width = len(vectorizer.vocabulary_)
        projection = svd.components_.T if svd is not None else np.eye(width, op.n_components)
        projected = e.op("MatMul", tfidf, e.const(projection, np.float64))
        columns.append(e.op("Cast", projected, to=TensorProto.FLOAT))
    e.concat_to_output(columns)


def _tfidf(e: Emit, column: str, vectorizer: Any) -> str:
    """scikit-learn's TfidfVectorizer.transform of a [N, 1] string column, as a dense double [N, V]."""
    _check_vectorizer(vectorizer)
    documents = e.op("Where", e.is_missing_string(column), e.const([""], np.str_), column)
    documents = e.op("Reshape", documents, e.i64(-1))
    if vectorizer.lowercase:
        documents = e.op("StringNormalizer", documents, case_change_action="LOWER", locale=_LOCALE)
    tokens = e.op(
        "Tokenizer", documents, domain=MS_DOMAIN, mark=0, mincharnum=1, pad_value="#", tokenexp=_RE2_TOKEN_PATTERN
    )
    low, high = vectorizer.ngram_range
    by_length: dict[int, list[tuple[str, int]]] = {n: [] for n in range(1, high + 1)}
    for term, position in vectorizer.vocabulary_.items():
        by_length[len(term.split(" "))].append((term, int(position)))
    pool: list[str] = []
    starts: list[int] = []
    indexes: list[int] = []
    for length in range(1, high + 1):
        starts.append(len(pool))
        for term, position in sorted(by_length[length], key=lambda item: item[1]):
            pool += term.split(" ")
            indexes.append(position)
    counts = e.op(
        "TfIdfVectorizer",
        tokens,
        mode="TF",
        min_gram_length=low,
        max_gram_length=high,
        max_skip_count=0,
        pool_strings=pool,
        ngram_counts=starts,
        ngram_indexes=indexes,
    )
    # Double precision from here on, cast to float32 only at the end: scikit-learn computes in float64 and tree
    # models (XGBoost's cut points are training values) see float32 roundings of those exact numbers.
    counts = e.op("Cast", counts, to=TensorProto.DOUBLE)
    if vectorizer.sublinear_tf:  # 1 + log(tf) where tf > 0
        positive = e.op("Greater", counts, e.const([0.0], np.float64))
        log_tf = e.op("Add", e.op("Log", counts), e.const([1.0], np.float64))
        counts = e.op("Where", positive, log_tf, counts)
    if vectorizer.use_idf:
        counts = e.op("Mul", counts, e.const(vectorizer.idf_, np.float64))
    if vectorizer.norm is not None:
        if vectorizer.norm == "l2":
            norms = e.op("Sqrt", e.op("ReduceSum", e.op("Mul", counts, counts), e.i64(1), keepdims=1))
        else:
            norms = e.op("ReduceSum", e.op("Abs", counts), e.i64(1), keepdims=1)
        zero = e.op("Equal", norms, e.const([0.0], np.float64))
        counts = e.op("Div", counts, e.op("Where", zero, e.const([1.0], np.float64), norms))
    return counts


def _check_vectorizer(vectorizer: Any) -> None:
    unsupported = {
        "analyzer": vectorizer.analyzer != "word",
        "token_pattern": vectorizer.token_pattern != _SKLEARN_TOKEN_PATTERN,
        "tokenizer": vectorizer.tokenizer is not None,
        "preprocessor": vectorizer.preprocessor is not None,
        "strip_accents": vectorizer.strip_accents is not None,
        "stop_words": bool(vectorizer.stop_words),
        "binary": bool(vectorizer.binary),
        "norm": vectorizer.norm not in (None, "l1", "l2"),
    }
    wrong = [name for name, bad in unsupported.items() if bad]
    if wrong:
        raise NotImplementedError(f"TfidfVectorizer with {', '.join(wrong)} other than the defaults")


def _float_tensor(value: float) -> Any:
    return helper.make_tensor("value", TensorProto.FLOAT, [1], [value])
