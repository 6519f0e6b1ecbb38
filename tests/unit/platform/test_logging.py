"""The log format: one JSON object per line, with level, pid and UTC time, never a crash."""

import io
import json
import os
from collections.abc import Iterator

import pytest
import structlog

from taskhub.platform.logging import configure_logging


class Stdout:
    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.buffer.getvalue().splitlines()]


@pytest.fixture
def stdout(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stdout]:
    fake = Stdout()
    monkeypatch.setattr("sys.stdout", fake)
    configure_logging("INFO")
    yield fake
    structlog.reset_defaults()


def test_each_event_is_one_json_line(stdout: Stdout) -> None:
    log = structlog.get_logger("taskhub.test")
    log.info("request", method="GET", status=200, duration_ms=1.5)
    log.debug("hidden")
    log.warning("second", where={"nested": [1, 2]})
    first, second = stdout.lines()
    assert first["event"] == "request"
    assert (first["method"], first["status"], first["duration_ms"]) == ("GET", 200, 1.5)
    assert first["level"] == "info"
    assert first["pid"] == os.getpid()
    assert str(first["timestamp"]).endswith("Z")
    assert second["where"] == {"nested": [1, 2]}


def test_values_json_cannot_hold_are_written_as_their_repr(stdout: Stdout) -> None:
    class Odd:
        def __repr__(self) -> str:
            return "<odd>"

    structlog.get_logger("taskhub.test").info("odd", value=Odd(), keys={1: "one"})
    (line,) = stdout.lines()
    assert line["value"] == "<odd>"
    assert line["keys"] == {"1": "one"}
