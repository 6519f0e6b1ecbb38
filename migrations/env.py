"""Alembic environment: the target is every context's MetaData, joined in bootstrap."""

from alembic import context
from sqlalchemy import Connection, text

from taskhub.bootstrap import all_metadata, is_dialect_specific
from taskhub.platform.sql_types import UtcDateTime

config = context.config
target_metadata = all_metadata()
_MIGRATION_LOCK = 7_424_201  # arbitrary, constant: serialises concurrent `taskhub migrate`


def _render_item(type_: str, obj: object, _autogen_context: object) -> str | bool:
    """Render project column types as plain SQLAlchemy ones: migrations must not import the app."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, _compare_to: object
) -> bool:
    table = getattr(getattr(obj, "table", None), "name", None)
    return not (reflected and name and is_dialect_specific(type_, name, table))


def _progress(message: str) -> None:
    report = config.attributes.get("progress")
    if report is not None:
        report(message)


def _report_step(*, step: object, **_: object) -> None:
    direction = "applied" if getattr(step, "is_upgrade", True) else "reverted"
    _progress(f"{direction} {getattr(step, 'up_revision_id', '?')}")


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    """SQLite rebuilds a table to change its keys (batch mode), and dropping the old copy
    of a parent would cascade its ON DELETE actions into the children. The pragma is
    ignored inside a transaction, so it is set on the driver's connection, between them."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    finally:
        cursor.close()


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    """With the checks off, make sure before committing that every reference holds."""
    broken = connection.execute(text("PRAGMA foreign_key_check")).all()
    if broken:
        raise RuntimeError(f"migration left {len(broken)} broken references, e.g. {broken[0]}")


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
            connection.commit()
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
                render_item=_render_item,
                include_object=_include_object,
                on_version_apply=_report_step,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_sqlite_foreign_keys(connection)
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                _sqlite_foreign_keys(connection, on=True)
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK}
                )
                connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `taskhub migrate`")
run_migrations_online()
