"""The OpenAPI schema describes the WebSocket messages and the model card, so the dashboard's types for them are
generated from the backend rather than written by hand."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from flowml.api.event_schemas import COMPONENT, add_event_schemas
from flowml.cli.openapi import openapi_schema
from flowml.events.schemas import EventType


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    components: dict[str, Any] = openapi_schema()["components"]["schemas"]
    return components


def test_every_message_type_is_in_the_union(schemas: dict[str, Any]) -> None:
    union = schemas[COMPONENT]
    assert union["discriminator"]["propertyName"] == "type"
    assert set(union["discriminator"]["mapping"]) == {t.value for t in EventType}
    progress = schemas["TrainingProgressMessage"]["properties"]
    assert progress["data"] == {"$ref": "#/components/schemas/TrainingProgressData"}
    assert "trial" not in schemas["TrainingProgressData"]["required"]  # left out when no trial finished


def test_the_model_card_is_typed_in_the_api(schemas: dict[str, Any]) -> None:
    assert schemas["TrainedModelPublic"]["properties"]["card"] == {"$ref": "#/components/schemas/ModelCard"}
    card = schemas["ModelCard"]
    assert {"problem_type", "target", "metric", "algorithm", "input_schema"} <= set(card["required"])
    assert "decision_threshold" not in card["required"]  # parts added after the first cards are optional
    assert card["additionalProperties"] is True  # a newer card's keys are kept, not refused


class JobData(BaseModel):
    """Named like the training_started payload, shaped otherwise."""

    unrelated: int


def test_a_route_model_named_like_a_message_model_is_an_error() -> None:
    app = FastAPI()

    @app.get("/clash")
    def clash() -> JobData:
        return JobData(unrelated=1)

    add_event_schemas(app)
    with pytest.raises(ValueError, match="two models are named JobData"):
        app.openapi()
