"""Databases for integration tests: a fresh SQLite file and the PostgreSQL test database.

Both are migrated with alembic (the same path production takes); every test starts from
empty tables. The fixtures here serve every folder below (`<context>/`, `platform/`,
`concurrency/`): the databases, the real container and its test client, a real SMTP server,
and a registered user who owns an organization (`owner`, `org_id`), made through the API
with `world.py`. A folder's own `conftest.py` only narrows them for that folder.
"""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from dependency_injector import providers
from falcon import testing
from sqlalchemy.engine import Engine, make_url

from taskhub.bootstrap import ApplicationContainer, all_metadata, build_container
from taskhub.contexts.audit.adapters.keyring_chain_keys import KeyringChainKeys
from taskhub.contexts.integrations.adapters.sql.unit_of_work import WEBHOOK_SECRETS
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.database import create_database_engine
from taskhub.platform.keyring import Keyring
from taskhub.platform.messaging.names import BrokerNames, broker_names
from taskhub.platform.migrations import upgrade
from taskhub.platform.secret_box import SecretBox
from taskhub.platform.settings import Settings
from tests.conftest import service_unavailable
from tests.integration.smtp_server import SmtpServer
from tests.integration.world import User, create_org, register

POSTGRES_URL = os.environ.get(
    "TASKHUB_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/taskhub_test"
)
TEST_SECRET = "integration-test-secret-key-0123456789abcdef"
# The audit chain keys a container configured with TEST_SECRET links entries with.
TEST_CHAIN_KEYS = KeyringChainKeys(Keyring(TEST_SECRET)).all()
# How the containers built with TEST_SECRET seal webhook secrets.
WEBHOOK_BOX = SecretBox(Keyring(TEST_SECRET), WEBHOOK_SECRETS)
REDIS_URL = os.environ.get("TASKHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Attachments' bytes for containers that name no storage: this run's own folder.
STORAGE_ROOT = Path(tempfile.gettempdir()) / f"taskhub-test-files-{os.getpid()}"


def ensure_postgres_database(url: str) -> None:
    """Create the test database if it is missing (needs a server that answers)."""
    target = make_url(url)
    admin = sa.create_engine(
        target.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            ).first()
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def drop_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


# Every database a run named for itself; each is dropped when the run ends.
_RUN_SCOPED_URLS: set[str] = set()


def run_scoped_postgres_url(suffix: str = "") -> str:
    """The configured test database's name plus this run's pid: parallel runs never meet.
    The database, if a test creates it, is dropped at the end of the run."""
    base = make_url(POSTGRES_URL)
    scoped = base.set(database=f"{base.database}_{os.getpid()}{suffix}")
    url = scoped.render_as_string(hide_password=False)
    _RUN_SCOPED_URLS.add(url)
    return url


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No run leaves a database or a files folder of its own behind."""
    for url in sorted(_RUN_SCOPED_URLS):
        with contextlib.suppress(sa.exc.OperationalError):
            drop_postgres_database(url)
    shutil.rmtree(STORAGE_ROOT, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = run_scoped_postgres_url()
    try:
        ensure_postgres_database(url)
    except sa.exc.OperationalError as exc:
        service_unavailable("PostgreSQL", exc.orig)
    yield url
    drop_postgres_database(url)


def _reset_schema(engine: Engine) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def migrated_postgres(postgres_url: str) -> Iterator[Engine]:
    engine = create_database_engine(postgres_url)
    _reset_schema(engine)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for every test (audit tables refuse DELETE)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _fresh_sqlite(template: Path, directory: Path) -> Engine:
    path = directory / "taskhub.db"
    shutil.copyfile(template, path)
    return create_database_engine(f"sqlite:///{path}")


def empty_postgres(engine: Engine) -> None:
    # The deployment's id is written once by its migration, like the schema itself.
    tables = [
        t
        for metadata in all_metadata()
        for t in metadata.sorted_tables
        if t.name != "platform_deployment"
    ]
    names = ", ".join(f'"{t.name}"' for t in tables)
    with engine.begin() as connection:
        # Superuser-only: skips the triggers that make the audit trail immutable.
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database with empty tables, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        engine = _fresh_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("migrated_postgres")
    empty_postgres(engine)
    yield engine


@pytest.fixture
def postgres_engine(migrated_postgres: Engine) -> Engine:
    """The PostgreSQL test database with empty tables, for what only PostgreSQL does."""
    empty_postgres(migrated_postgres)
    return migrated_postgres


def new_redis_client() -> "redis.Redis":
    return redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


@pytest.fixture
def redis_client() -> Iterator["redis.Redis"]:
    """A client of the test Redis, which must answer (in CI) or the test is skipped."""
    client = new_redis_client()
    try:
        client.ping()
    except (redis.exceptions.RedisError, OSError) as exc:
        client.close()
        service_unavailable("Redis", exc)
    yield client
    client.close()


def settings_for(engine: Engine, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": engine.url.render_as_string(hide_password=False),
        "secret_key": TEST_SECRET,
        "bcrypt_rounds": 4,
        "storage_url": STORAGE_ROOT.as_uri(),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def container_for(engine: Engine, **overrides: object) -> ApplicationContainer:
    container = build_container(settings_for(engine, **overrides))
    container.engine.override(providers.Object(engine))
    return container


@pytest.fixture
def container(engine: Engine) -> ApplicationContainer:
    return container_for(engine)


@pytest.fixture
def client(container: ApplicationContainer) -> testing.TestClient:
    return testing.TestClient(create_app(container))


@pytest.fixture
def owner(client: testing.TestClient) -> User:
    """A registered user, through the API of `client`."""
    return register(client, "owner")


@pytest.fixture
def org_id(client: testing.TestClient, owner: User) -> str:
    """The id of an organization `owner` created and owns."""
    return str(create_org(client, owner)["id"])


@pytest.fixture
def fresh_sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.db'}"


def names_of(engine: Engine) -> BrokerNames:
    """The broker names a deployment on this database uses by default."""
    return broker_names(Settings(), engine)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on a free port; its `mailbox` holds what it accepted."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_container(engine: Engine, smtp_server: SmtpServer) -> ApplicationContainer:
    """The real container, sending its emails to `smtp_server`."""
    return container_for(engine, smtp_url=smtp_server.url)


@pytest.fixture
def mail_client(mail_container: ApplicationContainer) -> testing.TestClient:
    return testing.TestClient(create_app(mail_container))
