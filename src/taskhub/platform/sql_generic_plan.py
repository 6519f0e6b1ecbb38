"""A statement PostgreSQL plans once per connection, whatever the table sizes behind it.

psycopg prepares a statement it has run five times; PostgreSQL then keeps one generic
plan for it only while that plan's estimated cost is no higher than the custom plans'.
For a page like `... WHERE project_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3`
the generic plan cannot see the LIMIT and costs it as a tenth of the rows it expects
for a project, so once projects hold thousands of rows the server plans every execution
anew: the same plan, for about 0.1-0.15 ms of its CPU each time (`bench/plan_cache.py`),
a cost that grows with the data while nothing else does. The setting that stops it,
`plan_cache_mode`, applies to every statement of a session, one-shot ones included,
where a plan blind to the values can be ruinous (a rare search term walking a whole
organisation). So it is set for the one statement only, in the command that runs it:
`SET LOCAL plan_cache_mode = force_generic_plan; EXECUTE name(...)` as one simple
query, which PostgreSQL runs as one implicit transaction, so the setting ends with it,
error or not.

This holds only on a psycopg connection in autocommit with no transaction open (inside
a transaction SET LOCAL would outlive the statement); `session` says so and the caller runs
the statement the ordinary way otherwise. The statement is prepared under a name of its
own, in the same round trip, the first time a connection runs it, and the connection
remembers that in its pool record; a name the server lost, or knew already, is found
out by its error and the command sent once more. Values travel as literals that psycopg
quotes (`ClientCursor`), since a simple query carries no parameters.

Only for statements whose best plan is the same for every value: an index walked in
order, with filters that cannot choose another index.
"""

import hashlib
import re
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any, Final

import psycopg
from psycopg import pq

_PLACEHOLDER = re.compile(r"%%|%\(([^)]+)\)s")
_PREPARED_KEY: Final = "taskhub.generic_plans"
_LOST_NAME: Final = "26000"  # invalid_sql_statement_name: not prepared on this connection
_KNOWN_NAME: Final = "42P05"  # duplicate_prepared_statement: prepared already


class GenericPlan:
    """One statement (psycopg's `%(name)s` parameters) run with a generic plan."""

    def __init__(self, sql: str) -> None:
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            name = match.group(1)
            if name is None:
                return "%%"  # still a template for psycopg, which turns it back into %
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"

        body = _PLACEHOLDER.sub(number, sql)
        self.name = "taskhub_" + hashlib.sha256(sql.encode()).hexdigest()[:24]
        self._names = tuple(names)
        arguments = f"({', '.join(['%s'] * len(names))})" if names else ""
        self.command = (
            f"SET LOCAL plan_cache_mode = force_generic_plan; EXECUTE {self.name}{arguments}"
        )
        self._prepare_first = f"PREPARE {self.name} AS {body}; {self.command}"

    @staticmethod
    def session(dbapi_connection: object) -> "psycopg.Connection[Any] | None":
        """`dbapi_connection` if it can run the command safely: psycopg, in autocommit,
        no transaction open."""
        if (
            isinstance(dbapi_connection, psycopg.Connection)
            and dbapi_connection.autocommit
            and dbapi_connection.info.transaction_status == pq.TransactionStatus.IDLE
        ):
            return dbapi_connection
        return None

    @staticmethod
    def cursor(session: "psycopg.Connection[Any]") -> "psycopg.ClientCursor[Any]":
        """A cursor that writes the values into the command as quoted literals."""
        return psycopg.ClientCursor(session)

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        return [params[name] for name in self._names]

    def execute(
        self,
        cursor: "psycopg.ClientCursor[Any]",
        record: MutableMapping[str, Any],
        arguments: Sequence[Any],
    ) -> None:
        """Run the statement on `cursor` with `arguments` (from `arguments`); its rows are
        then the cursor's current result.

        `record` is the pool's dictionary for this connection, which lives as long as the
        server session, as prepared statements do.
        """
        prepared: set[str] = record.setdefault(_PREPARED_KEY, set())
        for attempt in range(2):
            known = self.name in prepared
            try:
                cursor.execute(
                    self.command if known else self._prepare_first, arguments, prepare=False
                )
            except psycopg.Error as error:
                if attempt or error.sqlstate not in (_LOST_NAME, _KNOWN_NAME):
                    raise
                if error.sqlstate == _LOST_NAME:
                    prepared.discard(self.name)
                else:
                    prepared.add(self.name)
                continue
            prepared.add(self.name)
            while cursor.nextset():
                pass
            return
