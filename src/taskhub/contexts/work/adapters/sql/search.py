"""Full-text search over task titles and descriptions, in each database's own engine.

PostgreSQL: a stored `tsvector` column (the `simple` configuration, so no language is
assumed) with a GIN index, queried with `plainto_tsquery`. SQLite: an FTS5 table
holding each task's id, kept in step with `work_tasks` by triggers (keyed by id, not
rowid, which VACUUM may renumber). Both match every word the user typed.
"""

import re

import sqlalchemy as sa

_WORD = re.compile(r"\w+", re.UNICODE)


def matches(dialect: str, text: str) -> sa.ColumnElement[bool]:
    words = _WORD.findall(text)
    if not words:
        return sa.false()
    if dialect == "postgresql":
        return sa.literal_column("work_tasks.search").op("@@")(
            # plainto_tsquery: every word required, none read as an operator ("or", "-").
            sa.func.plainto_tsquery("simple", " ".join(words))
        )
    # Quoted FTS5 strings: each word taken literally, all of them required.
    query = " ".join(f'"{word}"' for word in words)
    matching = (
        sa.text("SELECT task_id FROM work_tasks_fts WHERE work_tasks_fts MATCH :q")
        .bindparams(q=query)
        .columns(sa.column("task_id"))
    )
    return sa.literal_column("work_tasks.id").in_(matching)
