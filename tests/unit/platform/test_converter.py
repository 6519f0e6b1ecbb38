"""The strict converter: exact JSON types, field paths for nested and listed values."""

import uuid
from datetime import UTC, datetime

import attrs
import pytest

from taskhub.platform.http.converter import make_converter, structure
from taskhub.platform.http.fields import integer, text
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.roles import Role


@attrs.frozen
class Item:
    title: str = text(min_length=1, max_length=5)
    count: int = integer(minimum=0, default=0)


@attrs.frozen
class Batch:
    id: uuid.UUID
    at: datetime
    items: list[Item]
    flag: bool = False


def errors(data: object) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        structure(make_converter(), data, Batch)
    return [(e.field, e.message) for e in caught.value.errors]


GOOD = {"id": str(uuid.UUID(int=1)), "at": "2026-11-22T10:00:00Z", "items": [{"title": "a"}]}


def test_a_valid_document_structures() -> None:
    batch = structure(make_converter(), GOOD, Batch)
    assert batch.id == uuid.UUID(int=1)
    assert batch.at == datetime(2026, 11, 22, 10, tzinfo=UTC)
    assert batch.items == [Item(title="a")]


def test_scalars_are_not_coerced() -> None:
    assert errors({**GOOD, "flag": "true"}) == [("flag", "must be true or false")]
    assert errors({**GOOD, "items": [{"title": 5}]}) == [("items[0].title", "must be a string")]
    assert errors({**GOOD, "items": [{"title": "a", "count": True}]}) == [
        ("items[0].count", "must be an integer")
    ]


def test_limits_and_unknown_keys_have_paths() -> None:
    assert errors({**GOOD, "items": [{"title": "a"}, {"title": "toolong"}]}) == [
        ("items[1].title", "must be at most 5 characters")
    ]
    assert errors({**GOOD, "items": [{"title": "a", "extra": 1}]}) == [
        ("items[0].extra", "is not a known field")
    ]
    assert errors({**GOOD, "items": [{"title": "a", "count": -1}]}) == [
        ("items[0].count", "must be at least 0")
    ]


def test_missing_fields_bad_uuids_and_timestamps() -> None:
    assert errors({"at": GOOD["at"], "items": []}) == [("id", "is required")]
    assert errors({**GOOD, "id": "nope"}) == [("id", "must be a UUID")]
    assert errors({**GOOD, "at": "2026-11-22T10:00:00"})[0][0] == "at"
    assert errors({**GOOD, "at": "yesterday"})[0][0] == "at"


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "٢٠٢٦-11-22T10:00:00Z"]
)
def test_timestamps_outside_years_1_to_9999_in_utc_or_with_other_digits_are_refused(
    value: str,
) -> None:
    assert errors({**GOOD, "at": value}) == [
        ("at", "must be within the years 0001 to 9999 in UTC")
        if value.isascii()
        else ("at", "must be an RFC 3339 timestamp such as 2026-11-22T10:00:00Z")
    ]


def test_timestamps_are_normalised_to_utc() -> None:
    batch = structure(make_converter(), {**GOOD, "at": "2026-11-22T12:00:00+02:00"}, Batch)
    assert batch.at == datetime(2026, 11, 22, 10, tzinfo=UTC)


def test_output_is_rfc3339_utc_and_string_ids() -> None:
    batch = structure(make_converter(), GOOD, Batch)
    out = make_converter().unstructure(batch)
    assert out["at"] == "2026-11-22T10:00:00Z"
    assert out["id"] == str(uuid.UUID(int=1))


def test_str_enums_structure_to_members_and_reject_unknown_values() -> None:
    @attrs.frozen
    class Grant:
        role: Role

    assert structure(make_converter(), {"role": "admin"}, Grant).role is Role.ADMIN
    with pytest.raises(ValidationFailed) as caught:
        structure(make_converter(), {"role": "god"}, Grant)
    assert caught.value.errors[0].field == "role"
    assert "viewer" in caught.value.errors[0].message
