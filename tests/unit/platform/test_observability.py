"""The observability pieces that need no service: settings, statement names, the
envelope's trace context, attempt outcomes, tracing with no SDK installed."""

import importlib.util
import uuid
from datetime import UTC, datetime

import pytest

from taskhub.contexts.integrations.adapters.delivery.observed import outcome
from taskhub.contexts.integrations.application.ports import AttemptResult
from taskhub.platform.database_metrics import statement_name
from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.observability_settings import split_bind
from taskhub.platform.settings import Settings, SettingsError, load_settings
from taskhub.platform.tracing import TracingUnavailable, require_sdk

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_observability_defaults() -> None:
    settings = load_settings({})
    assert settings.otel_exporter == "none"
    assert settings.slow_query_ms == 500
    assert split_bind(settings.worker_metrics_bind) == ("127.0.0.1", 9464)


def test_observability_settings_are_read() -> None:
    settings = load_settings(
        {
            "TASKHUB_OTEL_EXPORTER": "OTLP",
            "TASKHUB_SLOW_QUERY_MS": "50",
            "TASKHUB_WORKER_METRICS_BIND": "0.0.0.0:9100",
        }
    )
    assert (settings.otel_exporter, settings.slow_query_ms) == ("otlp", 50)
    assert split_bind(settings.worker_metrics_bind) == ("0.0.0.0", 9100)
    assert split_bind(
        load_settings({"TASKHUB_WORKER_METRICS_BIND": "[::]:9464"}).worker_metrics_bind
    ) == ("::", 9464)


@pytest.mark.parametrize("off", ["", "off", "none", " OFF "])
def test_the_worker_metrics_server_can_be_switched_off(off: str) -> None:
    settings = load_settings({"TASKHUB_WORKER_METRICS_BIND": off})
    assert split_bind(settings.worker_metrics_bind) is None


def test_bad_observability_settings_are_each_reported() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(
            {
                "TASKHUB_OTEL_EXPORTER": "jaeger",
                "TASKHUB_SLOW_QUERY_MS": "0",
                "TASKHUB_WORKER_METRICS_BIND": "9464",
            }
        )
    problems = raised.value.problems
    assert len(problems) == 3
    assert "TASKHUB_OTEL_EXPORTER='jaeger': expected one of none, console, otlp" in problems
    assert any(p.startswith("TASKHUB_SLOW_QUERY_MS") for p in problems)
    assert any(p.startswith("TASKHUB_WORKER_METRICS_BIND") for p in problems)


@pytest.mark.parametrize(
    ("statement", "name"),
    [
        ("SELECT a, b FROM work_tasks WHERE org_id = %(o)s", "SELECT work_tasks"),
        ('INSERT INTO "platform_outbox" (x) VALUES (?)', "INSERT platform_outbox"),
        ("UPDATE integrations_deliveries SET status = 'x'", "UPDATE integrations_deliveries"),
        ("/* task_page */ select id from work_tasks", "SELECT work_tasks"),
        ("  WITH x AS (SELECT 1) SELECT * FROM x", "WITH x"),
        ("SELECT 1", "SELECT"),
        ("", "?"),
    ],
)
def test_statements_are_named_by_verb_and_first_table(statement: str, name: str) -> None:
    assert statement_name(statement) == name


def test_the_trace_context_travels_in_the_envelope() -> None:
    envelope = Envelope(
        event_id=uuid.uuid4(),
        type="task.created",
        org_id=uuid.uuid4(),
        occurred_at=datetime(2026, 12, 8, tzinfo=UTC),
        ordering_key="task:1",
        data={"id": "1"},
        position=7,
        traceparent=TRACEPARENT,
    )
    assert Envelope.from_body(envelope.body()) == envelope
    untraced = {**envelope.body()}
    del untraced["traceparent"]  # a message published before the field existed
    assert Envelope.from_body(untraced).traceparent is None
    assert Envelope.from_body({**envelope.body(), "traceparent": 5}).traceparent is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, "success"),
        (204, "success"),
        (410, "gone"),
        (500, "refused"),
        (301, "refused"),
        (None, "unreachable"),
    ],
)
def test_attempts_are_counted_by_what_their_answer_means(status: int | None, expected: str) -> None:
    assert outcome(AttemptResult(status=status, duration_ms=1)) == expected


def test_no_sdk_is_needed_with_tracing_off() -> None:
    require_sdk("none")


def test_a_missing_sdk_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name.startswith("opentelemetry.exporter") else real(name, *a),
    )
    with pytest.raises(TracingUnavailable, match=r"taskhub\[otel\]"):
        require_sdk("otlp")


def test_settings_defaults_match_load() -> None:
    assert load_settings({}) == Settings()
