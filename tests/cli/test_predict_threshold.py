"""`flowml predict` on a downloaded package labels rows by the decision threshold saved in its card, as the server
does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flowml.cli.main import app
from flowml.engine.features import plan_features
from flowml.engine.final import fit_final
from tests.engine.test_package import final_spec
from tests.engine.test_pipeline import TITANIC_KINDS, local_registry, titanic_frame, write_parquet

ROWS = "pclass,sex,age,sibsp,parch,fare,embarked\n1,female,30,0,0,80,C\n3,male,40,0,0,8,S\n"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("package")
    frame = titanic_frame()
    plan = plan_features(frame, "survived", TITANIC_KINDS)
    result = fit_final(final_spec(write_parquet(frame, root / "t.parquet"), plan, root / "model"), local_registry())
    return Path(result.output_dir)


def predict(model_dir: Path, work: Path) -> pd.DataFrame:
    rows, out = work / "rows.csv", work / "out.csv"
    rows.write_text(ROWS)
    result = CliRunner().invoke(app, ["predict", str(model_dir), str(rows), "--output", str(out), "--trust"])
    assert result.exit_code == 0, result.output
    return pd.read_csv(out)


def test_the_cards_threshold_decides_the_class(home: Path, package: Path, tmp_path: Path) -> None:
    plain = predict(package, tmp_path)
    assert plain["prediction"].tolist() == [1, 0]
    low = float(plain["proba_1"][1])
    assert low < 0.5
    copy = tmp_path / "with-threshold"
    shutil.copytree(package, copy)
    card = json.loads((copy / "model_card.json").read_text())
    card["decision_threshold"] = {"value": low - 0.001, "chosen_by": "manual", "costs": None}
    (copy / "model_card.json").write_text(json.dumps(card))
    tuned = predict(copy, tmp_path)
    assert tuned["prediction"].tolist() == [1, 1]
    assert tuned["proba_1"].tolist() == pytest.approx(plain["proba_1"].tolist())
