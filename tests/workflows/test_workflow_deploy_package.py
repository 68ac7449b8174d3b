"""A Deploy node's package keeps the ONNX graph the search exported, so a deployed AutoML model is served through
ONNX Runtime like a training job's (a single fit exports none: its card says so)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from flowml.engine.algorithms import builtin_registry
from flowml.engine.onnx import export_onnx
from flowml.engine.package import load_package
from flowml.workflows.catalogue import ModelSettings, SplitSettings
from flowml.workflows.nodes import fit_single, read_dataset, split, write_package
from tests.workflows.workflow_graphs import TITANIC


def test_a_deployed_package_carries_the_models_onnx_graph(tmp_path: Path) -> None:
    train, _ = split(read_dataset(TITANIC, "survived"), SplitSettings(seed=1))
    settings = ModelSettings(mode="single", algorithm="logistic_regression")
    fitted = fit_single(train, settings, builtin_registry())
    export = export_onnx(fitted.model, train.frame.drop(columns=["survived"]).head(200))
    assert export.usable and export.onnx_bytes is not None
    graph_sha = hashlib.sha256(export.onnx_bytes).hexdigest()
    card = fitted.card.updated({"onnx": export.card_entry(), "onnx_sha256": graph_sha})
    written = write_package(replace(fitted, card=card, onnx_bytes=export.onnx_bytes), tmp_path / "served")

    assert (tmp_path / "served" / "model.onnx").read_bytes() == export.onnx_bytes
    _, loaded = load_package(Path(written["path"]))
    assert loaded.onnx_sha256 == graph_sha and loaded.model_sha256 == written["model_sha256"]

    bare = write_package(fitted, tmp_path / "single")  # a single fit: no graph, nothing pretends otherwise
    assert not (Path(bare["path"]) / "model.onnx").exists()
