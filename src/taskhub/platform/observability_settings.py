"""Parsing the observability variables (ADR 0037): traces' exporter, the slow-statement
threshold and the worker's metrics address. Kept beside `settings`, which calls them,
so each variable is still checked once at start with every other problem."""

EXPORTERS = ("none", "console", "otlp")
# The worker's metrics address when TASKHUB_WORKER_METRICS_BIND is unset.
DEFAULT_WORKER_METRICS_BIND = "127.0.0.1:9464"
_OFF = {"", "off", "none"}


def otel_exporter(name: str, raw: str, problems: list[str]) -> str | None:
    value = raw.strip().lower() or "none"
    if value in EXPORTERS:
        return value
    problems.append(f"{name}={raw!r}: expected one of {', '.join(EXPORTERS)}")
    return None


def metrics_bind(name: str, raw: str, problems: list[str]) -> str | None:
    """`host:port`, or "" for no metrics server (given as empty, `off` or `none`)."""
    value = raw.strip()
    if value.lower() in _OFF:
        return ""
    host, colon, port = value.rpartition(":")
    if colon and host and port.isdigit() and int(port) <= 65535:
        return value
    problems.append(f"{name}={raw!r}: expected HOST:PORT (e.g. 0.0.0.0:9464) or off")
    return None


def split_bind(value: str) -> tuple[str, int] | None:
    """("host", port) of a checked `host:port`, None when switched off; [::1] unbracketed."""
    if not value:
        return None
    host, _, port = value.rpartition(":")
    return host.strip("[]"), int(port)
