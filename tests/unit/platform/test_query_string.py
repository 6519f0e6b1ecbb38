"""The strict query-string reader: every rule the contract states, one by one."""

import enum
import urllib.parse
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from taskhub.platform.http.problems import BadRequest
from taskhub.platform.http.query import (
    MAX_QUERY_FIELDS,
    PAGE_PARAMS,
    QueryParam,
    choice_param,
    name_param,
    read_query,
    text_param,
    timestamp_param,
    uuid_param,
)
from taskhub.shared_kernel.errors import ValidationFailed


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


DECLARED: tuple[QueryParam, ...] = (
    uuid_param("owner_id", "An owner."),
    timestamp_param("since", "A time."),
    choice_param("colour", Colour, "Colours.", repeatable=True),
    choice_param("sort", Colour, "One colour."),
    text_param("q", "Search.", max_length=10),
    name_param("action", "An action.", max_length=10),
    *PAGE_PARAMS,
)


def read(query: str) -> dict[str, Any]:
    return read_query(query, DECLARED)


def errors_of(query: str) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        read(query)
    return {error.field: error.message for error in caught.value.errors}


def test_declared_parameters_parse_to_their_types() -> None:
    owner = uuid.uuid4()
    values = read(
        f"owner_id={owner}&since=2026-11-22T10:00:00%2B02:00&colour=red,blue&colour=red"
        "&sort=blue&q=+hello+&action=a.b&limit=7&cursor=abc"
    )
    assert values == {
        "owner_id": owner,
        "since": datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
        "colour": (frozenset({Colour.RED, Colour.BLUE}), frozenset({Colour.RED})),
        "sort": Colour.BLUE,
        "q": "hello",
        "action": "a.b",
        "limit": 7,
        "cursor": "abc",
    }


def test_an_empty_query_gives_nothing() -> None:
    assert read("") == {}


def test_a_blank_search_means_not_given() -> None:
    assert read("q=++") == {"q": None}


def test_unknown_parameters_are_named() -> None:
    assert errors_of("colour=red&stauts=todo&x=") == {
        "stauts": "is not a known query parameter",
        "x": "is not a known query parameter",
    }


def test_a_repeated_parameter_that_is_not_repeatable_is_refused() -> None:
    assert errors_of("sort=red&sort=blue") == {"sort": "must be given at most once"}
    assert errors_of("limit=1&limit=1") == {"limit": "must be given at most once"}


@pytest.mark.parametrize(
    "value", ["²", "٣", "\uff11", "1²", "0", "101", "-1", "+5", " 5", "", "1e2"]
)
def test_limit_is_ascii_digits_from_1_to_100(value: str) -> None:
    assert errors_of(urllib.parse.urlencode({"limit": value})) == {
        "limit": "must be a whole number from 1 to 100"
    }


@pytest.mark.parametrize("value", ["1", "20", "100", "007"])
def test_limits_in_range_are_read(value: str) -> None:
    assert read(f"limit={value}") == {"limit": int(value)}


@pytest.mark.parametrize("name", ["owner_id", "since", "colour", "sort", "q", "action", "cursor"])
def test_nul_characters_are_refused_in_every_parameter(name: str) -> None:
    assert errors_of(f"{name}=%00x") == {name: "must not contain the NUL character"}


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "٢٠٢٦-01-01T00:00:00Z",
        "2026-11-22T10:00:00",
        "yesterday",
    ],
)
def test_timestamps_outside_the_years_or_the_format_are_refused(value: str) -> None:
    message = errors_of(urllib.parse.urlencode({"since": value}))["since"]
    assert message.startswith("must")


def test_timestamps_at_the_edges_of_the_years_are_read() -> None:
    assert read(urllib.parse.urlencode({"since": "0001-01-01T05:00:00+05:00"})) == {
        "since": datetime(1, 1, 1, tzinfo=UTC)
    }
    assert read(urllib.parse.urlencode({"since": "9999-12-31T18:59:59-05:00"})) == {
        "since": datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    }


@pytest.mark.parametrize("value", ["nope", "٣" * 32, "", "a" * 100])
def test_uuids_must_parse(value: str) -> None:
    assert errors_of(urllib.parse.urlencode({"owner_id": value})) == {"owner_id": "must be a UUID"}


def test_choices_name_what_is_allowed() -> None:
    assert errors_of("colour=red,green") == {"colour": "must be one of: red, blue"}
    assert errors_of("sort=") == {"sort": "must be one of: red, blue"}


def test_text_and_names_have_limits() -> None:
    assert errors_of("q=" + "a" * 11) == {"q": "must be at most 10 characters"}
    assert errors_of("action=") == {"action": "must not be empty"}


def test_every_wrong_parameter_is_named_at_once() -> None:
    assert set(errors_of("limit=0&sort=green&owner_id=x&bogus=1")) == {
        "limit",
        "sort",
        "owner_id",
        "bogus",
    }


def test_bytes_that_are_not_utf8_are_a_bad_query() -> None:
    with pytest.raises(BadRequest):
        read("q=%FF")


def test_more_pairs_than_any_query_uses_are_a_bad_query() -> None:
    with pytest.raises(BadRequest):
        read("&".join(["colour=red"] * (MAX_QUERY_FIELDS + 1)))
