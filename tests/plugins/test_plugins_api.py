"""GET /api/plugins through the real app: what was loaded and left out; why a plugin broke is for admins only (an
import error can name paths on the server)."""

from __future__ import annotations

from pathlib import Path

from flowml.api.app import create_app
from flowml.api.routes.plugins import HIDDEN_ERROR
from flowml.core.settings import Settings
from tests.conftest import api_key_for, bearer, signed_in_client

MEMBER_PASSWORD = "plugin-member-password-1"


def test_members_see_that_a_plugin_broke_and_admins_see_why(site: Path, data_dir: Path) -> None:
    settings = Settings(
        _env_file=None,
        DATA_DIR=data_dir,
        DATABASE_URL=f"sqlite+aiosqlite:///{data_dir / 'flowml.db'}",
        ENVIRONMENT="test",
    )
    with signed_in_client(create_app(settings, with_pool=False)) as client:
        admin_view = client.get("/api/plugins")
        assert admin_view.status_code == 200, admin_view.text
        body = admin_view.json()
        assert {(p["provides"], p["package"]) for p in body["loaded"]} == {
            ("shrunk_linear", "good-plugin"),
            ("times", "good-plugin"),
        }
        steps = {p["name"]: p["origin"] for p in body["preprocessors"]}  # the built-ins first, then the plugins'
        assert list(steps) == ["pca", "select_percentile", "times"]
        assert steps["times"] == {"source": "plugin", "package": "good-plugin", "version": "1.2.0"}
        errors = {b["entry_point"]: b["error"] for b in body["broken"]}
        assert "RuntimeError: boom while importing" in errors["raises"]

        created = client.post("/api/users", json={"username": "plugin_member", "password": MEMBER_PASSWORD})
        assert created.status_code == 201, created.text
        member = bearer(api_key_for(client, "plugin_member", MEMBER_PASSWORD))
        member_view = client.get("/api/plugins", headers=member).json()
        assert member_view["loaded"] == body["loaded"]
        assert {b["entry_point"] for b in member_view["broken"]} == set(errors)
        assert {b["error"] for b in member_view["broken"]} == {HIDDEN_ERROR}

        assert client.get("/api/plugins", headers={"Authorization": "Bearer nonsense"}).status_code == 401
