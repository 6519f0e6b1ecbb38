"""Configuration from `TASKHUB_*` environment variables, validated once at start.

Every bad value is reported, one line each, before anything starts, so an operator
fixes a deployment in one pass instead of one crash at a time.
"""

import ipaddress
import os
import re
import urllib.parse
from collections.abc import Mapping
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import attrs

from taskhub.platform.mail.transports import parse_smtp_url
from taskhub.platform.observability_settings import (
    DEFAULT_WORKER_METRICS_BIND,
    metrics_bind,
    otel_exporter,
)

_RATE_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)s?\s*$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
MIN_SECRET_KEY_BYTES = 32


class SettingsError(Exception):
    """Raised with every problem found, so the caller can print them all."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@attrs.frozen
class RateLimit:
    quota: int
    window_seconds: int

    def __str__(self) -> str:
        return f"{self.quota}/{self.window_seconds}s"


@attrs.frozen
class Settings:
    database_url: str = "sqlite:///./taskhub.db"
    broker_url: str = "memory://"
    redis_url: str | None = None
    secret_key: str | None = None
    # Secret keys used before the current one: still accepted for reading (see keyring).
    previous_secret_keys: tuple[str, ...] = ()
    access_token_ttl: int = 900
    refresh_token_ttl: int = 1_209_600
    bcrypt_rounds: int = 12
    rate_limit_auth: RateLimit = RateLimit(10, 60)
    rate_limit_api: RateLimit = RateLimit(1200, 60)
    webhook_allow_private: bool = False
    webhook_retry_schedule: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)
    max_body_bytes: int = 1_048_576
    cors_origins: tuple[str, ...] = ()
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    # Prefix of every exchange and queue; unset: made from the deployment's id.
    broker_namespace: str | None = None
    # Unset: emails are written to the log (see platform.mail.transports).
    smtp_url: str | None = None
    mail_from: str = "taskhub <no-reply@localhost>"
    # The base of the links in emails (reset, verification, invitation pages).
    app_url: str = "http://localhost:3000"
    # Where attachments' bytes live: `file:///folder` or `s3://bucket?endpoint_url=...`;
    # unset: a folder beside the SQLite file (see `storage_location`).
    storage_url: str | None = None
    max_upload_bytes: int = 26_214_400
    org_storage_quota_bytes: int = 10_737_418_240
    # How long the organization's event feed keeps events (and the outbox its rows).
    event_retention_days: int = 30
    # Seconds: a user gets at most one notification email in any such span.
    notification_email_delay: int = 300
    # Observability (ADR 0037): the traces' exporter (none, console, otlp), the time
    # above which a statement is logged and counted as slow, and where `taskhub worker`
    # serves its metrics ("" for nowhere).
    otel_exporter: str = "none"
    slow_query_ms: int = 500
    worker_metrics_bind: str = DEFAULT_WORKER_METRICS_BIND
    # Seconds between `: ping` comments on an idle event stream (and WebSocket pings).
    stream_heartbeat_seconds: int = 15

    @property
    def event_retention(self) -> timedelta:
        return timedelta(days=self.event_retention_days)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The database file, or None for an in-memory or non-SQLite database."""
        if not self.is_sqlite:
            return None
        _, _, rest = self.database_url.partition(":///")
        if not rest or rest.startswith(":memory:"):
            return None
        return Path(rest.split("?", 1)[0])

    @property
    def storage_location(self) -> str:
        """The configured storage URL, or the embedded default: a folder beside the SQLite
        file (`./taskhub.db.files/`), or `./taskhub-files/` without one."""
        if self.storage_url:
            return self.storage_url
        database = self.sqlite_path
        folder = Path(f"{database}.files") if database else Path("taskhub-files")
        return folder.absolute().as_uri()


def _positive_int(name: str, raw: str, problems: list[str], *, minimum: int = 1) -> int | None:
    try:
        value = int(raw.strip())
    except ValueError:
        problems.append(f"{name}={raw!r}: expected a whole number")
        return None
    if value < minimum:
        problems.append(f"{name}={raw!r}: must be at least {minimum}")
        return None
    return value


def _rate(name: str, raw: str, problems: list[str]) -> RateLimit | None:
    match = _RATE_RE.match(raw)
    if not match or int(match.group(1)) < 1:
        problems.append(
            f"{name}={raw!r}: expected '<count>/<second|minute|hour|day>', e.g. 10/minute"
        )
        return None
    return RateLimit(int(match.group(1)), _RATE_UNITS[match.group(2)])


def _bool(name: str, raw: str, problems: list[str]) -> bool | None:
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    problems.append(f"{name}={raw!r}: expected true or false")
    return None


def _database_url(name: str, raw: str, problems: list[str]) -> str | None:
    url = raw.strip()
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://") or url.startswith("postgresql+psycopg://"):
        return url
    problems.append(f"{name}={raw!r}: expected a sqlite:/// or postgresql+psycopg:// URL")
    return None


def _schedule(name: str, raw: str, problems: list[str]) -> tuple[int, ...] | None:
    parts = [p.strip() for p in raw.split(",")]
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        values = ()
    if not values or any(v < 1 for v in values):
        problems.append(
            f"{name}={raw!r}: expected comma-separated positive seconds, e.g. 5,300,1800"
        )
        return None
    return values


def _origins(name: str, raw: str, problems: list[str]) -> tuple[str, ...] | None:
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    bad = [o for o in origins if not re.match(r"^https?://[^/\s]+$", o)]
    if bad:
        problems.append(f"{name}: not an origin (scheme://host[:port]): {', '.join(bad)}")
        return None
    return origins


def _networks(
    name: str, raw: str, problems: list[str]
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] | None:
    networks = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            problems.append(f"{name}: {part!r} is not an IP address or network")
            return None
    return tuple(networks)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every `TASKHUB_*` variable; raise SettingsError listing all problems."""
    env = os.environ if environ is None else environ
    problems: list[str] = []
    values: dict[str, object] = {}

    def take(var: str, key: str, parse: object) -> None:
        raw = env.get(var)
        if raw is None:
            return
        value = parse(var, raw, problems)  # type: ignore[operator]
        if value is not None:
            values[key] = value

    take("TASKHUB_DATABASE_URL", "database_url", _database_url)
    take("TASKHUB_BROKER_URL", "broker_url", _broker_url)
    take("TASKHUB_REDIS_URL", "redis_url", _redis_url)
    take("TASKHUB_SECRET_KEY", "secret_key", _secret_key)
    take("TASKHUB_PREVIOUS_SECRET_KEYS", "previous_secret_keys", _previous_secret_keys)
    take("TASKHUB_ACCESS_TOKEN_TTL", "access_token_ttl", _positive_int)
    take("TASKHUB_REFRESH_TOKEN_TTL", "refresh_token_ttl", _positive_int)
    take("TASKHUB_BCRYPT_ROUNDS", "bcrypt_rounds", _bcrypt_rounds)
    take("TASKHUB_RATE_LIMIT_AUTH", "rate_limit_auth", _rate)
    take("TASKHUB_RATE_LIMIT_API", "rate_limit_api", _rate)
    take("TASKHUB_WEBHOOK_ALLOW_PRIVATE", "webhook_allow_private", _bool)
    take("TASKHUB_WEBHOOK_RETRY_SCHEDULE", "webhook_retry_schedule", _schedule)
    take("TASKHUB_MAX_BODY_BYTES", "max_body_bytes", _positive_int)
    take("TASKHUB_CORS_ORIGINS", "cors_origins", _origins)
    take("TASKHUB_TRUSTED_PROXIES", "trusted_proxies", _networks)
    take("TASKHUB_BROKER_NAMESPACE", "broker_namespace", _namespace)
    take("TASKHUB_SMTP_URL", "smtp_url", _smtp_url)
    take("TASKHUB_MAIL_FROM", "mail_from", _mail_from)
    take("TASKHUB_APP_URL", "app_url", _app_url)
    take("TASKHUB_STORAGE_URL", "storage_url", _storage_url)
    take("TASKHUB_MAX_UPLOAD_BYTES", "max_upload_bytes", _positive_int)
    take("TASKHUB_ORG_STORAGE_QUOTA_BYTES", "org_storage_quota_bytes", _positive_int)
    take("TASKHUB_EVENT_RETENTION_DAYS", "event_retention_days", _retention_days)
    take("TASKHUB_NOTIFICATION_EMAIL_DELAY", "notification_email_delay", _positive_int)
    take("TASKHUB_OTEL_EXPORTER", "otel_exporter", otel_exporter)
    take("TASKHUB_SLOW_QUERY_MS", "slow_query_ms", _positive_int)
    take("TASKHUB_WORKER_METRICS_BIND", "worker_metrics_bind", metrics_bind)
    take("TASKHUB_STREAM_HEARTBEAT_SECONDS", "stream_heartbeat_seconds", _heartbeat_seconds)

    if problems:
        raise SettingsError(problems)
    return Settings(**values)  # type: ignore[arg-type]


MAX_EVENT_RETENTION_DAYS = 3650
# The contract promises a comment line at least every 15 seconds.
MAX_STREAM_HEARTBEAT_SECONDS = 15


def _heartbeat_seconds(name: str, raw: str, problems: list[str]) -> int | None:
    seconds = _positive_int(name, raw, problems)
    if seconds is not None and seconds > MAX_STREAM_HEARTBEAT_SECONDS:
        problems.append(f"{name} must be at most {MAX_STREAM_HEARTBEAT_SECONDS} seconds")
        return None
    return seconds


def _retention_days(name: str, raw: str, problems: list[str]) -> int | None:
    days = _positive_int(name, raw, problems)
    if days is not None and days > MAX_EVENT_RETENTION_DAYS:
        problems.append(f"{name} must be at most {MAX_EVENT_RETENTION_DAYS} days")
        return None
    return days


def _broker_url(name: str, raw: str, problems: list[str]) -> str | None:
    url = raw.strip()
    if url.startswith(("memory://", "amqp://", "amqps://", "pyamqp://")):
        return url
    problems.append(f"{name}={raw!r}: expected memory:// or an amqp:// URL")
    return None


def _storage_url(name: str, raw: str, problems: list[str]) -> str | None:
    url = raw.strip()
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "file" and parsed.path and not parsed.netloc:
        return url
    if parsed.scheme == "s3" and re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", parsed.netloc):
        options = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        unknown = sorted(set(options) - {"endpoint_url", "region"})
        endpoint = options.get("endpoint_url", ["https://x"])[0]
        if unknown:
            problems.append(f"{name}: unknown option(s) {', '.join(unknown)}")
            return None
        if not re.match(r"^https?://[^/\s]+", endpoint) or parsed.path not in ("", "/"):
            problems.append(f"{name}={raw!r}: endpoint_url must be an http(s):// URL")
            return None
        return url
    problems.append(
        f"{name}={raw!r}: expected file:///absolute/folder or s3://bucket"
        "?endpoint_url=https://...&region=..."
    )
    return None


def _namespace(name: str, raw: str, problems: list[str]) -> str | None:
    value = raw.strip()
    if re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,62}", value):
        return value
    problems.append(
        f"{name}={raw!r}: expected 1-63 lowercase letters, digits, '-' or '_', "
        "starting with a letter or digit"
    )
    return None


def _redis_url(name: str, raw: str, problems: list[str]) -> str | None:
    url = raw.strip()
    if not url:
        return None
    if url.startswith(("redis://", "rediss://", "unix://")):
        return url
    problems.append(f"{name}={raw!r}: expected a redis:// URL")
    return None


def _secret_key(name: str, raw: str, problems: list[str]) -> str | None:
    if len(raw.encode()) < MIN_SECRET_KEY_BYTES:
        problems.append(f"{name}: must be at least {MIN_SECRET_KEY_BYTES} bytes long")
        return None
    return raw


def _previous_secret_keys(name: str, raw: str, problems: list[str]) -> tuple[str, ...] | None:
    keys = tuple(key.strip() for key in raw.split(",") if key.strip())
    short = [str(i + 1) for i, key in enumerate(keys) if len(key.encode()) < MIN_SECRET_KEY_BYTES]
    if short:
        problems.append(
            f"{name}: key {', '.join(short)} is shorter than {MIN_SECRET_KEY_BYTES} bytes"
        )
        return None
    return keys


def _bcrypt_rounds(name: str, raw: str, problems: list[str]) -> int | None:
    value = _positive_int(name, raw, problems, minimum=4)
    if value is not None and value > 31:
        problems.append(f"{name}={raw!r}: must be between 4 and 31")
        return None
    return value


def _smtp_url(name: str, raw: str, problems: list[str]) -> str | None:
    url = raw.strip()
    if not url:
        return None
    # Parsed again by the transport; checked here so a typo stops the start, not an email.
    try:
        parse_smtp_url(url)
    except ValueError as exc:
        problems.append(f"{name}: {exc} (smtp://user:password@host:port or smtps://...)")
        return None
    return url


def _mail_from(name: str, raw: str, problems: list[str]) -> str | None:
    value = raw.strip()
    _, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not (local and at and domain) or any(c in value for c in "\r\n"):
        problems.append(
            f"{name}={raw!r}: expected an address, e.g. 'taskhub <no-reply@example.com>'"
        )
        return None
    return value


def _app_url(name: str, raw: str, problems: list[str]) -> str | None:
    value = raw.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        problems.append(f"{name}={raw!r}: expected an http(s):// URL without query or fragment")
        return None
    return value
