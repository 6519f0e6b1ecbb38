"""Structured JSON logs on stdout: one event per line, machine-readable, request id bound.

A logged exception keeps its traceback (file, line, function) but never the frames'
local variables: those hold whatever the request carried (passwords, API keys, tokens,
hashes), and logs travel further and live longer than the database. The statements'
parameters stay out as well: engines are created with `hide_parameters`
(`platform/database.py`), so a database error's text names the SQL, not its values.
"""

import logging
import os
import sys
from collections.abc import MutableMapping
from typing import Any

import orjson
import structlog
from structlog.tracebacks import ExceptionDictTransformer


def _add_pid(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Which worker process wrote the line: several serve behind one address."""
    event["pid"] = os.getpid()
    return event


def _dumps(event: Any, **options: Any) -> bytes:
    """orjson for structlog: values it cannot encode are written as their repr."""
    return orjson.dumps(event, default=options.get("default", repr), option=orjson.OPT_NON_STR_KEYS)


# structlog's own `dict_tracebacks` shows every frame's locals.
_exception_without_locals = structlog.processors.ExceptionRenderer(
    ExceptionDictTransformer(show_locals=False)
)


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=level)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            _add_pid,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _exception_without_locals,
            # orjson: the access log line is written on every request, and the standard
            # encoder took several times as long for it.
            structlog.processors.JSONRenderer(serializer=_dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        # One write per line, so lines from several worker processes never interleave.
        logger_factory=structlog.BytesLoggerFactory(sys.stdout.buffer),
        cache_logger_on_first_use=True,
    )
