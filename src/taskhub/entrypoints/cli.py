"""The `taskhub` command line.

Configuration problems are reported one line each and exit with status 2, never with a
traceback; long steps (migrations) say what they are doing. A `users` change that is
saved but could not be announced to the serving processes exits with status 3.
"""

import argparse
import datetime
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from taskhub import __version__
from taskhub.platform.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from taskhub.platform.keyring import Keyring

EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_NOT_BROADCAST = 3


def _fail(lines: Sequence[str]) -> NoReturn:
    if len(lines) == 1:
        print(f"taskhub: configuration error: {lines[0]}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
    print("taskhub: configuration error:", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def _fail_line(message: str) -> NoReturn:
    print(f"taskhub: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        _fail(exc.problems)


def _progress(message: str) -> None:
    print(f"taskhub: {message}", file=sys.stderr, flush=True)


def _keyring(settings: Settings) -> "Keyring | None":
    """The keyring data migrations sign and seal with; None when no secret key is
    configured (a migration that has data needing it then says so)."""
    from taskhub.platform.keyring import Keyring
    from taskhub.platform.secret_key import resolve_secret_key

    try:
        return Keyring(resolve_secret_key(settings), settings.previous_secret_keys)
    except SettingsError:
        return None


def _migrate(settings: Settings) -> None:
    from taskhub.platform.database import create_database_engine
    from taskhub.platform.migrations import pending_revisions, upgrade

    engine = create_database_engine(settings.database_url)
    try:
        pending = pending_revisions(engine)
        if not pending:
            _progress("database schema is up to date")
            return
        _progress(f"applying {len(pending)} migration(s): {', '.join(pending)}")
        upgrade(engine, progress=_progress, keyring=_keyring(settings))
        _progress("database schema is up to date")
    finally:
        engine.dispose()


def _database_reachable(settings: Settings) -> None:
    from sqlalchemy.exc import OperationalError

    from taskhub.platform.database import check_database, create_database_engine

    engine = create_database_engine(settings.database_url)
    try:
        check_database(engine)
    except OperationalError:
        where = _redacted(settings.database_url)
        _fail([f"TASKHUB_DATABASE_URL: the database does not answer ({where})"])
    finally:
        engine.dispose()


def _redacted_broker(url: str) -> str:
    scheme, _, rest = url.partition("://")
    host = rest.rpartition("@")[2]
    return f"{scheme}://{host}"


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_serve(args: argparse.Namespace) -> None:
    from taskhub.entrypoints.serve_preflight import (
        PreflightError,
        bind_listener,
        check_writable_folders,
    )
    from taskhub.platform.secret_key import resolve_secret_key

    settings = _settings()
    if args.workers < 1:
        _fail(["--workers: must be at least 1"])
    if args.workers > 1 and settings.redis_url is None:
        _fail(
            [
                "--workers > 1 needs TASKHUB_REDIS_URL: rate limits and caches must be "
                "shared by every process that serves"
            ]
        )
    try:
        listener = bind_listener(args.bind)
        check_writable_folders(settings)
    except PreflightError as exc:
        _fail_line(str(exc))
    try:
        resolve_secret_key(settings)
    except SettingsError as exc:
        _fail(exc.problems)
    _tracing_installed(settings)
    _database_reachable(settings)
    if settings.is_sqlite:
        _migrate(settings)
    else:
        _require_current_schema(settings)
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="taskhub-metrics-")
    from taskhub.entrypoints.server import serve

    _progress(f"serving on http://{args.bind} with {args.workers} worker(s)")
    serve(listener=listener, workers=args.workers)


def _tracing_installed(settings: Settings) -> None:
    """Each server worker installs tracing itself (after the fork); check it can."""
    from taskhub.platform.tracing import TracingUnavailable, require_sdk

    try:
        require_sdk(settings.otel_exporter)
    except TracingUnavailable as exc:
        _fail([str(exc)])


def _start_tracing(settings: Settings, service_name: str) -> None:
    from taskhub.platform.tracing import TracingUnavailable, configure_tracing

    try:
        configure_tracing(settings.otel_exporter, service_name=service_name)
    except TracingUnavailable as exc:
        _fail([str(exc)])


def _require_current_schema(settings: Settings) -> None:
    from taskhub.platform.database import create_database_engine
    from taskhub.platform.migrations import pending_revisions

    engine = create_database_engine(settings.database_url)
    try:
        pending = pending_revisions(engine)
    finally:
        engine.dispose()
    if pending:
        _fail(
            [f"the database schema is behind by {len(pending)} migration(s); run `taskhub migrate`"]
        )


def cmd_migrate(_args: argparse.Namespace) -> None:
    settings = _settings()
    _database_reachable(settings)
    _migrate(settings)


def cmd_worker(_args: argparse.Namespace) -> None:
    from taskhub.bootstrap import build_container
    from taskhub.entrypoints.worker import run_worker

    settings = _settings()
    if settings.broker_url.startswith("memory://"):
        _fail(
            [
                "TASKHUB_BROKER_URL is memory://: the in-process bus lives inside each "
                "`taskhub serve` process, which relays and consumes itself; set an amqp:// "
                "URL to run separate workers"
            ]
        )
    _database_reachable(settings)
    if settings.is_sqlite:
        _migrate(settings)
    else:
        _require_current_schema(settings)
    _start_tracing(settings, "taskhub-worker")
    try:
        container = build_container(settings)
    except SettingsError as exc:
        _fail(exc.problems)
    _progress(f"relaying the outbox to {_redacted_broker(settings.broker_url)}")
    run_worker(container)


def cmd_openapi(_args: argparse.Namespace) -> None:
    """Print the document the server would serve, without a database or configuration."""
    from falcon.testing import TestClient

    from taskhub.bootstrap import build_container
    from taskhub.entrypoints.wsgi import create_app

    settings = Settings(database_url="sqlite://", secret_key="-" * 32, bcrypt_rounds=4)
    result = TestClient(create_app(build_container(settings))).simulate_get("/openapi.json")
    sys.stdout.write(result.text + "\n")


def _report_not_broadcast(email: str, active: bool, settles_within: float, reason: str) -> None:
    """Say what holds now and what only later, since the operator may be acting on an
    account they believe compromised."""
    state = "active" if active else "deactivated"
    reason = reason.rstrip(".")
    settled = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=settles_within)
    _progress(
        f"{email} is {state} in the database, but the serving processes could not be "
        f"told through Redis ({reason})."
    )
    until = "" if active else "; until then they may still accept its tokens"
    _progress(
        f"processes that remembered this account's sessions forget them within about "
        f"{settles_within:g} seconds (by {settled:%H:%M:%S} UTC){until}. Nothing needs to be "
        "run again."
    )


def _set_active(active: bool) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        from taskhub.bootstrap import build_container
        from taskhub.shared_kernel.answers import ForgetNotBroadcast
        from taskhub.shared_kernel.errors import NotFound

        settings = _settings()
        _database_reachable(settings)
        try:
            container = build_container(settings, raise_when_not_broadcast=True)
        except SettingsError as exc:
            _fail(exc.problems)
        state = "active" if active else "deactivated"
        try:
            changed = container.identity.accounts().set_active(args.email, active)
        except NotFound as exc:
            print(f"taskhub: {exc.detail}", file=sys.stderr)
            raise SystemExit(EXIT_NOT_FOUND) from None
        except ForgetNotBroadcast as exc:
            # Raised after the commit: the change is saved, only the announcement failed.
            print(f"{args.email}: {state}", flush=True)
            _report_not_broadcast(args.email, active, exc.settles_within_seconds, exc.reason)
            raise SystemExit(EXIT_NOT_BROADCAST) from None
        print(f"{args.email}: {state}" + ("" if changed else " (unchanged)"))

    return run


def _users_exit_statuses() -> str:
    from taskhub.platform.answer_cache import ANSWER_TTL_SECONDS

    return (
        "exit status: 0 done; 1 no account has that email; 2 configuration error or the "
        f"database does not answer; {EXIT_NOT_BROADCAST} the change is saved but the "
        "serving processes could not be told through Redis (it holds in every process "
        f"within about {ANSWER_TTL_SECONDS:g} seconds, when what they remembered gets old)."
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taskhub", description="taskhub: a multi-tenant task-management backend."
    )
    parser.add_argument("--version", action="version", version=f"taskhub {__version__}")
    parser.set_defaults(log_level="WARNING")  # short commands: only what goes wrong
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve the HTTP API",
        description="Serve the HTTP API with gunicorn. On the embedded SQLite default the "
        "database is created and migrated first; on PostgreSQL run `taskhub migrate` first.",
    )
    serve.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT (default %(default)s)")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (default %(default)s)"
    )
    serve.set_defaults(run=cmd_serve, log_level="INFO")

    migrate = commands.add_parser(
        "migrate", help="apply database migrations", description="Apply every pending migration."
    )
    migrate.set_defaults(run=cmd_migrate)

    worker = commands.add_parser(
        "worker",
        help="run the outbox relay and event consumers",
        description="Run the outbox relay and the event consumers against the broker.",
    )
    worker.set_defaults(run=cmd_worker, log_level="INFO")

    openapi = commands.add_parser(
        "openapi", help="print the OpenAPI document", description="Print the OpenAPI 3.1 document."
    )
    openapi.set_defaults(run=cmd_openapi)

    users = commands.add_parser(
        "users", help="operator actions on accounts", description="Operator actions on accounts."
    )
    user_commands = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, active, text in (
        (
            "deactivate",
            False,
            "deactivate an account: its tokens, sessions and API keys stop working at once",
        ),
        ("activate", True, "activate a deactivated account"),
    ):
        action = user_commands.add_parser(
            name,
            help=text,
            description=text[0].upper() + text[1:] + ".",
            epilog=_users_exit_statuses(),
        )
        action.add_argument("email")
        action.set_defaults(run=_set_active(active))
    from taskhub.entrypoints.cli_accounts import add_seed_command, add_staff_commands

    add_staff_commands(user_commands)
    add_seed_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    from taskhub.platform.logging import configure_logging

    args = build_parser().parse_args(argv)
    # Every command logs through the one configuration: structlog's default would print
    # tracebacks with every frame's local variables, credentials included.
    configure_logging(args.log_level)
    args.run(args)


if __name__ == "__main__":
    main()
