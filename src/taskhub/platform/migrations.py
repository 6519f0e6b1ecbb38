"""Running alembic from code, for `taskhub migrate`, `taskhub serve` and the tests.

The scripts live in the repository's `migrations/`; a wheel carries them as
`taskhub/_migrations`. Whichever exists is used.
"""

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from taskhub.platform.keyring import Keyring

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def migrations_directory() -> Path:
    for candidate in (_PACKAGE_ROOT / "_migrations", _PACKAGE_ROOT.parent.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("the alembic migrations directory is missing from this installation")


def alembic_config(
    engine: Engine,
    progress: Callable[[str], None] | None = None,
    keyring: Keyring | None = None,
) -> Config:
    """`keyring` is for data migrations that sign or seal with the secret key (0010 links
    the existing audit chains, 0011 seals webhook secrets): migrations cannot read the
    settings themselves. Without it they refuse a database that has such data."""
    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    config.attributes["engine"] = engine
    config.attributes["progress"] = progress
    config.attributes["keyring"] = keyring
    return config


def upgrade(
    engine: Engine,
    revision: str = "head",
    progress: Callable[[str], None] | None = None,
    keyring: Keyring | None = None,
) -> None:
    command.upgrade(alembic_config(engine, progress, keyring), revision)


def downgrade(
    engine: Engine,
    revision: str,
    progress: Callable[[str], None] | None = None,
    keyring: Keyring | None = None,
) -> None:
    command.downgrade(alembic_config(engine, progress, keyring), revision)


def pending_revisions(engine: Engine) -> list[str]:
    """Revisions not yet applied, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    pending = []
    for revision in script.walk_revisions():
        if revision.revision in current:
            break
        pending.append(revision.revision)
    return list(reversed(pending))
