"""JSON encoding with orjson: faster than the standard library and strict about UTF-8."""

from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS)


def loads(data: bytes) -> Any:
    return orjson.loads(data)


JSONDecodeError = orjson.JSONDecodeError
