"""The log format: one JSON object per line, with level, pid and UTC time, never a crash."""

import os

import structlog

from tests.log_capture import Stdout


def test_each_event_is_one_json_line(log_output: Stdout) -> None:
    log = structlog.get_logger("taskhub.test")
    log.info("request", method="GET", status=200, duration_ms=1.5)
    log.debug("hidden")
    log.warning("second", where={"nested": [1, 2]})
    first, second = log_output.lines()
    assert first["event"] == "request"
    assert (first["method"], first["status"], first["duration_ms"]) == ("GET", 200, 1.5)
    assert first["level"] == "info"
    assert first["pid"] == os.getpid()
    assert str(first["timestamp"]).endswith("Z")
    assert second["where"] == {"nested": [1, 2]}


def test_values_json_cannot_hold_are_written_as_their_repr(log_output: Stdout) -> None:
    class Odd:
        def __repr__(self) -> str:
            return "<odd>"

    structlog.get_logger("taskhub.test").info("odd", value=Odd(), keys={1: "one"})
    (line,) = log_output.lines()
    assert line["value"] == "<odd>"
    assert line["keys"] == {"1": "one"}


def test_a_logged_exception_keeps_its_traceback_but_no_local_variable(log_output: Stdout) -> None:
    def sign_in(password: str) -> None:
        api_key = "thk_local-secret"
        raise RuntimeError(f"failed with {len(api_key + password)} characters")

    try:
        sign_in("hunter2-password")
    except RuntimeError:
        structlog.get_logger("taskhub.test").exception("unhandled_error")
    (line,) = log_output.lines()
    (exception,) = line["exception"]  # type: ignore[misc]
    assert [frame["name"] for frame in exception["frames"]][-1] == "sign_in"
    assert exception["exc_value"] == "failed with 32 characters"
    text = log_output.buffer.getvalue().decode()
    assert "thk_local-secret" not in text
    assert "hunter2-password" not in text
