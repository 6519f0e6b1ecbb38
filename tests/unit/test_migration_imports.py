"""Migrations import nothing from the application.

A migration freezes the schema and the data format of its moment; code it imported
from `taskhub` would keep changing under it, so an old revision could start writing
what no released server ever wrote, or stop running at all. `migrations/env.py` is not
a revision: it finds the metadata and may import what that needs.
"""

import ast
from pathlib import Path

import pytest

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


def application_imports(source: str) -> list[str]:
    """Every module under `taskhub` that `source` imports, wherever the import is."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name == "taskhub" or name.startswith("taskhub.")]
    return found


@pytest.mark.parametrize("revision", sorted(VERSIONS.glob("*.py")), ids=lambda path: path.name)
def test_a_migration_imports_nothing_from_taskhub(revision: Path) -> None:
    assert application_imports(revision.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "from taskhub.platform.sql_types import IdList",
        "import taskhub.platform.keyring",
        "import taskhub",
        "def upgrade():\n    from taskhub.contexts.audit.domain import keys\n",
    ],
)
def test_the_check_sees_every_spelling_of_an_application_import(source: str) -> None:
    assert application_imports(source)


def test_the_check_leaves_alembic_sqlalchemy_and_cryptography_alone() -> None:
    source = (
        "import sqlalchemy as sa\nfrom alembic import op\n"
        "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
        "import taskhubby\n"
    )
    assert application_imports(source) == []


def test_there_are_revisions_to_check() -> None:
    assert len(list(VERSIONS.glob("0*.py"))) >= 12
