"""`flowml predict` warns before it loads a model package this machine did not train: model.joblib is a pickle,
and loading a pickle runs code. Through typer's CliRunner with a real package (a final fit) and a hostile one."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from flowml.cli.main import app
from flowml.cli.model_trust import remember
from flowml.core.settings import get_settings
from flowml.engine.features import plan_features
from flowml.engine.final import fit_final
from tests.engine.test_package import final_spec
from tests.engine.test_pipeline import TITANIC_KINDS, local_registry, titanic_frame, write_parquet
from tests.model_cards import card_dict

WARNING = "was not written by `flowml train` on this machine"
ROWS = "pclass,sex,age,sibsp,parch,fare,embarked\n1,female,30,0,0,80,C\n3,male,40,0,0,8,S\n"


class _TouchOnLoad:
    """What a hostile model.joblib can do: unpickling calls Path(marker).touch()."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (self.marker.touch, ())


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real model package, as `flowml train` or a download leaves it."""
    root = tmp_path_factory.mktemp("package")
    frame = titanic_frame()
    plan = plan_features(frame, "survived", TITANIC_KINDS)
    result = fit_final(final_spec(write_parquet(frame, root / "t.parquet"), plan, root / "model"), local_registry())
    return Path(result.output_dir)


def predict(home: Path, model_dir: Path, *extra: str) -> Result:
    rows = home.parent / "rows.csv"
    rows.write_text(ROWS)
    out = home.parent / "out.csv"
    return CliRunner().invoke(app, ["predict", str(model_dir), str(rows), "--output", str(out), *extra])


def test_a_package_from_elsewhere_is_loaded_after_one_warning(home: Path, package: Path) -> None:
    result = predict(home, package)
    assert result.exit_code == 0, result.output
    assert result.stderr.count(WARNING) == 1 and "runs any code it contains" in result.stderr
    assert (home.parent / "out.csv").read_text().startswith("prediction")


def test_trust_or_a_package_trained_here_needs_no_warning(home: Path, package: Path) -> None:
    trusted = predict(home, package, "--trust")
    assert trusted.exit_code == 0 and WARNING not in trusted.stderr, trusted.output
    card = json.loads((package / "model_card.json").read_text())
    remember(get_settings(), card["model_sha256"])  # what `flowml train` does after its final fit
    trained_here = predict(home, package)
    assert trained_here.exit_code == 0 and WARNING not in trained_here.stderr, trained_here.output


def test_the_warning_comes_before_the_code_a_hostile_package_runs(home: Path, tmp_path: Path) -> None:
    """A folder whose (valid) card matches its model.joblib, as any attacker's does: the checksum is no defence."""
    hostile, marker = tmp_path / "hostile", tmp_path / "ran"
    hostile.mkdir()
    payload = pickle.dumps(_TouchOnLoad(marker))
    (hostile / "model.joblib").write_bytes(payload)
    card = card_dict(model_sha256=hashlib.sha256(payload).hexdigest())
    (hostile / "model_card.json").write_text(json.dumps(card))
    result = predict(home, hostile)
    assert marker.exists()  # its code ran: that is why the warning exists
    assert result.exit_code == 2 and result.stderr.count(WARNING) == 1, result.output
    assert result.stderr.index(WARNING) < result.stderr.index("not a FlowML model")
