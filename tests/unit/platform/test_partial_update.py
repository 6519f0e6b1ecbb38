"""PATCH bodies: `null` clears a clearable field, is a 422 for any other; the schema agrees."""

import uuid
from datetime import datetime
from typing import Any, ClassVar

import attrs
import pytest

from taskhub.platform.http.converter import make_converter, structure
from taskhub.platform.http.fields import PartialUpdate, text
from taskhub.platform.http.openapi_schemas import SchemaBuilder
from taskhub.shared_kernel.errors import ValidationFailed


@attrs.frozen
class ChangeThing(PartialUpdate):
    clearable: ClassVar[frozenset[str]] = frozenset({"due_at", "owner_id"})

    title: str | None = text(min_length=1, max_length=20, default=None)
    due_at: datetime | None = None
    owner_id: uuid.UUID | None = None
    count: int | None = None


@attrs.frozen
class Batch:
    changes: list[ChangeThing]


def _errors(data: Any, cls: type = ChangeThing) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        structure(make_converter(), data, cls)
    return [(e.field, e.message) for e in caught.value.errors]


def test_absent_fields_are_not_provided_and_null_clears_a_clearable_one() -> None:
    body = structure(make_converter(), {"title": "x", "due_at": None}, ChangeThing)
    assert body.provided == frozenset({"title", "due_at"})
    assert body.changes() == {"title": "x", "due_at": None}


def test_null_on_a_field_that_cannot_be_cleared_names_each_one() -> None:
    assert _errors({"title": None, "count": None, "owner_id": None}) == [
        ("count", "must not be null"),
        ("title", "must not be null"),
    ]


def test_the_rule_holds_inside_a_list_with_the_path() -> None:
    data = {"changes": [{"title": "ok"}, {"count": None}]}
    assert _errors(data, Batch) == [("changes[1].count", "must not be null")]


def test_provided_cannot_be_sent() -> None:
    assert _errors({"provided": ["title"]}) == [("provided", "is not a known field")]


@pytest.mark.parametrize("kind", [str, int, float, bool, uuid.UUID, datetime])
def test_a_required_scalar_says_the_same_of_null(kind: type) -> None:
    cls = attrs.make_class("Required", {"value": attrs.field(type=kind)})
    assert _errors({"value": None}, cls) == [("value", "must not be null")]


def test_the_schema_is_nullable_exactly_where_null_clears() -> None:
    builder = SchemaBuilder()
    builder.schema_for(ChangeThing)
    properties = builder.components["ChangeThing"]["properties"]
    assert set(properties) == {"title", "due_at", "owner_id", "count"}
    assert properties["title"]["type"] == "string"
    assert properties["count"] == {"type": "integer"}
    assert {"type": "null"} in properties["due_at"]["anyOf"]
    assert {"type": "null"} in properties["owner_id"]["anyOf"]
    assert "required" not in builder.components["ChangeThing"]
