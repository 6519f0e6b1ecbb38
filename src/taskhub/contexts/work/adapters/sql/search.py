"""Full-text search over task titles and descriptions, in each database's own engine.

PostgreSQL: a stored `tsvector` column (the `simple` configuration, so no language is
assumed) with a GIN index, queried with `plainto_tsquery`. SQLite: an FTS5 table
holding each task's id, kept in step with `work_tasks` by triggers (keyed by id, not
rowid, which VACUUM may renumber). Both match every word the user typed.
"""

import re
from typing import Any

import sqlalchemy as sa

_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(dialect: str, text: str) -> str | None:
    """What `matches` binds as `search_terms` for this text; None if it has no words."""
    words = _WORD.findall(text)
    if not words:
        return None
    if dialect == "postgresql":
        return " ".join(words)
    # Quoted FTS5 strings: each word taken literally, all of them required.
    return " ".join(f'"{word}"' for word in words)


def matches(dialect: str) -> sa.ColumnElement[bool]:
    """Tasks matching the bound `search_terms`; the statement is the same for any text."""
    terms = sa.bindparam("search_terms", type_=sa.String)
    if dialect == "postgresql":
        return sa.literal_column("work_tasks.search").op("@@")(
            # plainto_tsquery: every word required, none read as an operator ("or", "-").
            sa.func.plainto_tsquery("simple", terms)
        )
    matching: sa.Select[Any] = (
        sa.select(sa.literal_column("task_id"))
        .select_from(sa.table("work_tasks_fts"))
        .where(sa.literal_column("work_tasks_fts").op("MATCH")(terms))
    )
    return sa.literal_column("work_tasks.id").in_(matching)
