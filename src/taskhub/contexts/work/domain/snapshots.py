"""Values as work's published events and audit changes write them: ids and times as
strings (times in UTC with a `Z`), sets as sorted lists, enums as their values."""

import uuid
from datetime import UTC, date, datetime
from typing import Any


def json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple | list):
        return sorted(json_value(v) for v in value)
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value
