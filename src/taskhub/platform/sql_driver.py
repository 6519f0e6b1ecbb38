"""Hot read statements run on the driver's cursor, compiled and adapted once.

`Connection.execute` costs a fixed amount per execution beyond the driver's own work:
it reads the cursor's description (psycopg builds one object per column for it), builds
result metadata and wraps every row. For the statement behind every list request that
was a fifth of the request's CPU. A `DriverQuery` is compiled once per dialect with
SQLAlchemy, keeps SQLAlchemy's bind and result processors for its columns, and then
runs on the DBAPI cursor of the caller's connection, inside the caller's transaction,
returning plain tuples in the statement's column order.

Only statements with a fixed text qualify: no expanding IN lists (use
`sql_lists.member_of`). What `Connection.execute` does around the driver stays: the
`before_cursor_execute` and `after_cursor_execute` events fire (statement counts,
tracing), driver errors are raised as SQLAlchemy's `DBAPIError`s, and a lost connection
is invalidated, so nothing upstream can tell the difference but the time.

A statement whose best plan does not depend on its values may ask for a generic plan
(`generic_plan=True`): on PostgreSQL in autocommit it then runs as `sql_generic_plan`
describes, planned once per connection however large the tables grow.
"""

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from taskhub.platform.sql_generic_plan import GenericPlan

_Processor = Callable[[Any], Any]


class DriverQuery:
    """One SELECT for one dialect: bind values by name, get tuples back."""

    def __init__(
        self, statement: sa.Select[Any], dialect: Dialect, *, generic_plan: bool = False
    ) -> None:
        compiled = statement.compile(dialect=dialect)
        binds = compiled.binds
        if any(bind.expanding for bind in binds.values()):
            raise ValueError("a driver query needs a fixed text: no expanding IN lists")
        self._compiled = compiled
        self._sql = compiled.string
        self._positions = tuple(compiled.positiontup or ()) if compiled.positional else None
        self._generic = (
            GenericPlan(self._sql)
            if generic_plan and dialect.driver == "psycopg" and self._positions is None
            else None
        )
        self._bind_processors: dict[str, _Processor] = {}
        for name, bind in binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._bind_processors[name] = processor
        self._selected = list(statement.selected_columns)
        self._dialect = dialect
        self.column_names: tuple[str, ...] = tuple(str(c.key) for c in self._selected)
        # Result processors may depend on the driver's type code of a column, which only
        # a cursor's description tells: they are built from the first execution's.
        self._result_processors: tuple[_Processor | None, ...] | None = None
        self._processing: bool | None = None

    def position(self, column: sa.ColumnElement[Any]) -> int:
        """Where `column` (or the column selected under its name) sits in each row."""
        return self.column_names.index(str(getattr(column, "key", column)))

    def rows(self, connection: sa.Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        params = self._params(values)
        dbapi_connection = connection.connection
        generic = self._generic
        session = generic.session(dbapi_connection.dbapi_connection) if generic else None
        cursor: Any
        args: Sequence[Any] | Mapping[str, Any]
        if generic is None or session is None:
            sql, cursor = self._sql, dbapi_connection.cursor()
            args = params if self._positions is None else [params[n] for n in self._positions]
        else:
            sql, cursor = generic.command, generic.cursor(session)
            args = arguments = generic.arguments(params)
        dispatch = connection.dispatch
        try:
            if dispatch.before_cursor_execute:
                dispatch.before_cursor_execute(connection, cursor, sql, args, None, False)
            if generic is None or session is None:
                cursor.execute(sql, args)
            else:
                generic.execute(cursor, dbapi_connection.info, arguments)
            fetched = cast(list[tuple[Any, ...]], cursor.fetchall())
            if self._processing is None:
                self._learn_result_processors(cursor.description)
            if dispatch.after_cursor_execute:
                dispatch.after_cursor_execute(connection, cursor, sql, args, None, False)
        except connection.dialect.loaded_dbapi.Error as error:
            disconnected = connection.dialect.is_disconnect(error, dbapi_connection, cursor)
            if disconnected:
                connection.invalidate(error)
            raise sa.exc.DBAPIError.instance(
                sql,
                args,
                error,
                connection.dialect.loaded_dbapi.Error,
                connection_invalidated=disconnected,
                dialect=connection.dialect,
            ) from error
        finally:
            cursor.close()
        processors = self._result_processors
        if not self._processing or processors is None:
            return fetched
        return [
            tuple(
                value if process is None or value is None else process(value)
                for process, value in zip(processors, row, strict=True)
            )
            for row in fetched
        ]

    def _params(self, values: Mapping[str, Any]) -> MutableMapping[str, Any]:
        params = self._compiled.construct_params(dict(values))
        for name, processor in self._bind_processors.items():
            params[name] = processor(params[name])
        return params

    def _learn_result_processors(self, description: Sequence[Sequence[Any]] | None) -> None:
        type_codes = [column[1] for column in description or ()]
        if len(type_codes) != len(self._selected):
            type_codes = [None] * len(self._selected)
        processors = tuple(
            column.type.dialect_impl(self._dialect).result_processor(self._dialect, type_code)
            for column, type_code in zip(self._selected, type_codes, strict=True)
        )
        self._result_processors = processors
        self._processing = any(p is not None for p in processors)
