"""JSON-ready pictures of work resources, for published events and audit changes."""

import uuid
from datetime import UTC, datetime
from typing import Any


def json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, set | frozenset | tuple | list):
        return sorted(json_value(v) for v in value)
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        field: (json_value(before[field]), json_value(after[field]))
        for field in after
        if json_value(before.get(field)) != json_value(after[field])
    }
