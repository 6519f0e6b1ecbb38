"""A `data` class gives the payload and its JSON Schema; the two describe the same thing."""

import enum
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import jsonschema
import pytest

from taskhub.shared_kernel.event_catalogue import EventType, event_data, json_schema


class Colour(enum.StrEnum):
    RED = "red"


@attrs.frozen(kw_only=True)
class Inner:
    name: str


@attrs.frozen(kw_only=True)
class Sample:
    id: uuid.UUID
    count: int
    ratio: float
    done: bool
    at: datetime
    due: datetime | None
    colour: str
    tags: list[uuid.UUID]
    inner: Inner
    extra: dict[str, Any]


def sample(**changes: Any) -> Sample:
    values: dict[str, Any] = {
        "id": uuid.UUID(int=1),
        "count": 3,
        "ratio": 0.5,
        "done": True,
        "at": datetime(2026, 11, 22, 11, 0, tzinfo=timezone(timedelta(hours=1))),
        "due": None,
        "colour": Colour.RED,
        "tags": frozenset({uuid.UUID(int=3), uuid.UUID(int=2)}),
        "inner": Inner(name="x"),
        "extra": {"a": [1]},
    }
    return Sample(**(values | changes))


def test_the_payload_is_json_ready_and_in_utc() -> None:
    assert event_data(sample()) == {
        "id": "00000000-0000-0000-0000-000000000001",
        "count": 3,
        "ratio": 0.5,
        "done": True,
        "at": "2026-11-22T10:00:00Z",
        "due": None,
        "colour": "red",
        "tags": ["00000000-0000-0000-0000-000000000002", "00000000-0000-0000-0000-000000000003"],
        "inner": {"name": "x"},
        "extra": {"a": [1]},
    }


def test_the_payload_validates_against_the_schema_of_its_class() -> None:
    schema = json_schema(Sample)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(event_data(sample()), schema)
    jsonschema.validate(event_data(sample(due=datetime(2026, 1, 1, tzinfo=UTC))), schema)
    assert schema["required"] == [field.name for field in attrs.fields(Sample)]
    assert schema["properties"]["due"] == {"type": ["string", "null"], "format": "date-time"}


def test_the_schema_refuses_what_the_class_would_not_make() -> None:
    schema = json_schema(Sample)
    wrong = [
        {**event_data(sample()), "surprise": 1},
        {key: value for key, value in event_data(sample()).items() if key != "count"},
        {**event_data(sample()), "count": "3"},
    ]
    for payload in wrong:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(payload, schema)


def test_a_type_the_catalogue_cannot_describe_is_refused() -> None:
    @attrs.frozen
    class Odd:
        value: bytes

    with pytest.raises(TypeError):
        EventType("odd.happened", Odd, "").schema()
    with pytest.raises(TypeError):
        event_data({"not": "attrs"})
