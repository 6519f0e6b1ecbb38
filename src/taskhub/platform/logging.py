"""Structured JSON logs on stdout: one event per line, machine-readable, request id bound."""

import logging
import os
import sys
from collections.abc import MutableMapping
from typing import Any

import orjson
import structlog


def _add_pid(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Which worker process wrote the line: several serve behind one address."""
    event["pid"] = os.getpid()
    return event


def _dumps(event: Any, **options: Any) -> bytes:
    """orjson for structlog: values it cannot encode are written as their repr."""
    return orjson.dumps(event, default=options.get("default", repr), option=orjson.OPT_NON_STR_KEYS)


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=level)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            _add_pid,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.dict_tracebacks,
            # orjson: the access log line is written on every request, and the standard
            # encoder took several times as long for it.
            structlog.processors.JSONRenderer(serializer=_dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        # One write per line, so lines from several worker processes never interleave.
        logger_factory=structlog.BytesLoggerFactory(sys.stdout.buffer),
        cache_logger_on_first_use=True,
    )
