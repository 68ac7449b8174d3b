"""/health answers anyone, so a failing part is named but never explained: error texts carry paths and URLs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from flowml import __version__
from flowml.api.app import create_app
from flowml.core.settings import Settings
from flowml.storage import local_artifacts_root
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url

pytestmark = pytest.mark.db


@pytest.fixture
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data_dir = tmp_path_factory.mktemp("health")
    url, dbname = make_test_database_url(data_dir)
    yield make_settings(data_dir, url)
    drop_test_database(dbname)


def test_broken_storage_is_unavailable_without_the_reason(settings: Settings) -> None:
    with TestClient(create_app(settings, with_pool=False)) as client:
        assert client.get("/health").json()["storage"] == "ok"
        # The artifact folder becomes a file: the store's own check fails with a message naming its path.
        root = local_artifacts_root(settings)
        shutil.rmtree(root)
        root.write_text("not a folder")
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "storage": "unavailable", "version": __version__}
    for leak in (str(settings.DATA_DIR), "artifacts", "error", "DATA_DIR"):
        assert leak not in response.text
