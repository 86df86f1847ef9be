"""Queries whose SQL is built once and run many times with new values.

peewee builds a query's SQL afresh on every run: each column quoted and joined again, each
join and condition visited again. For the pages everyone opens all day (the overviews, a
review's dashboard, the inbox) that was 15-30% of the request. A prepared query is written
once, with `Param` placeholders where the values go, compiled to SQL once per database
engine, and run with the values bound in:

    @prepared
    def _requests_of_review(review, today):      # each argument arrives as Param("review")...
        return TrawlRequest.select(...).where(TrawlRequest.review == review, ...)

    rows = _requests_of_review().rows(review=7, today=today)

Arguments to the decorated function other than the placeholders choose a *shape* (which
filters, which order): `_dashboard(status, descending)` is compiled once per shape it is
called with, so keep shapes few and hashable (None, booleans, enum members, short strings).
A value that changes between requests (today's date, an id) must be a placeholder, never a
shape: a shape is compiled into the SQL for ever.

Each placeholder is converted when it is bound exactly as peewee converts a value in its
place (a field's `db_value`: an enum's value, a model's id). A `ParamList` is a list of at
most `size` values for `IN (...)` (`review_ids.many(25)`), padded with NULL (which never
matches); `rows_in_chunks()` runs it for a longer list, `size` values a statement. The
rows come back as the query would give them (models, joined models, dicts or tuples), and
the statement goes through `Database.execute_sql`, so it is logged and counted like any
other. `paginate()` (portal/web/pagination.py) takes a prepared query and its values.

On PostgreSQL each shape is also prepared on the server, once per connection (`PREPARE
trawls__dashboard_rows_3 AS ...`), and run by name (`EXECUTE trawls__dashboard_rows_3
(...)`, which is what the query log shows): the server parses and plans it once instead of
on every request (0.1-0.5 ms a statement; the portal's connections ask for one plan for any
values, portal/database.py). A query the server cannot prepare (it cannot tell a value's
type: `%s + %s`) runs as plain SQL; so does one not yet prepared on its connection inside a
transaction, where a failed PREPARE would spoil the transaction; one gone from the server (a
pooler's DISCARD ALL) is prepared again. Run `flask db upgrade` before starting new code, as
ever: a statement prepared before a schema change is planned again by the server, but one
whose columns changed fails until its connection is replaced.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import re
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from peewee import SQL, BaseQuery, ColumnBase, DatabaseError, ModelSelect, Node, Select, fn

from portal.extensions import db


class Param(ColumnBase):
    """A named value in a prepared query (a column-like node: `offset + limit` is SQL too)."""

    def __init__(self, name: str, converter: Callable | None = None):
        self.name = name
        self.converter = converter

    def __sql__(self, ctx):
        ctx._values.append(_Slot(self.name, self.converter or ctx.state.converter))
        return ctx.literal(ctx.state.param or "?")

    def many(self, size: int) -> ParamList:
        """This placeholder as a list of up to `size` values: `Field.in_(ids.many(25))`."""
        return ParamList(self.name, size)


def inserting(model, *names: str, **converters: Callable) -> PreparedQuery:
    """A prepared INSERT of one row of `model`: a placeholder for each field named, run with the
    values by those names (`scalar()` gives the new row's id). Each value is converted as its field
    converts one (a foreign key's id, an enum's value) unless `converters` gives that field another:
    a JSON field's value must be, as peewee sends it to SQLite inside a function call, which a
    bound value cannot be."""
    fields = model._meta.fields
    for field, default in model._meta.defaults.items():
        # A default the insert would work out once, when built, and then use for ever.
        if callable(default) and field.name not in names:
            raise TypeError(
                f"{model.__name__}.{field.name}'s default changes on each insert: give it a value"
            )
    row = {fields[name]: Param(name, converters.get(name) or fields[name].db_value) for name in names}
    query = model.insert(row).returning(model._meta.primary_key)
    return PreparedQuery.of(query, f"{model._meta.table_name}_insert")


class ParamList(Node):
    """A list of up to `size` values, as `(?, ?, ...)`, for IN; unused places are NULL."""

    def __init__(self, name: str, size: int):
        self.name = name
        self.size = size

    def __sql__(self, ctx):
        placeholder = ctx.state.param or "?"
        ctx._values.extend(_Slot(self.name, ctx.state.converter, index) for index in range(self.size))
        return ctx.literal("(" + ", ".join([placeholder] * self.size) + ")")


class _Slot:
    __slots__ = ("name", "converter", "index")

    def __init__(self, name: str, converter: Callable | None, index: int | None = None):
        self.name = name
        self.converter = converter
        self.index = index

    def bind(self, values: dict[str, Any]) -> Any:
        try:
            value = values[self.name]
        except KeyError:
            raise TypeError(f"prepared query needs a value for {self.name!r}") from None
        if self.index is not None:
            if len(value) > self.index:
                value = value[self.index]
            else:
                return None  # padding: NULL matches nothing in IN (...)
        if value is None or self.converter is None:
            return value
        return self.converter(value)


# A peewee cursor wrapper's attributes that belong to one run (its cursor, rows read so far);
# everything else it holds describes the query's columns, the same on every run.
_RUN_STATE = frozenset({"cursor", "count", "index", "initialized", "populated", "row_cache"})


# PostgreSQL: the statements each connection has been given with PREPARE (kept for the connection's
# life, whatever happens to transactions; a connection that is replaced starts with none).
_PREPARED_ON: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_SERVER_NAMES = itertools.count(1)
_PLACEHOLDER = re.compile(r"%[%s]")
_NO_SUCH_STATEMENT = "26000"  # SQLSTATE invalid_sql_statement_name


class _ServerStatement:
    """A prepared query's statement prepared on the PostgreSQL server (PREPARE, once per connection),
    then run by name (EXECUTE): the server parses and plans it once, not on every run.

    The values the query was built with (a CASE's 'overdue', SUM(CASE ... 1 ELSE 0)) are written
    into the statement, so the server knows their types; each placeholder becomes one numbered
    parameter however often it appears, so an expression repeated in GROUP BY is the same there.
    """

    __slots__ = ("name", "_sql", "_params", "prepare", "execute", "slots", "refused")

    def __init__(self, label: str, sql: str, params: list):
        self.name = f"{label[:40]}_{next(_SERVER_NAMES)}"
        self._sql, self._params = sql, params
        self.prepare = ""  # written on the first run: constants are quoted by the connection
        self.slots: list[_Slot] = []
        self.refused = False  # the server could not prepare it (a value whose type it cannot tell)

    def _write(self, cursor) -> None:
        numbers: dict[tuple, int] = {}
        slots: list[_Slot] = []
        params = iter(self._params)

        def replace(found) -> str:
            if found[0] == "%%":
                return "%"
            param = next(params)
            if not isinstance(param, _Slot):
                return cursor.mogrify("%s", (param,)).decode()
            key = (param.name, param.index)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                slots.append(param)
            return f"${numbers[key]}"

        body = _PLACEHOLDER.sub(replace, self._sql)
        places = ", ".join(["%s"] * len(slots))
        self.slots = slots
        self.execute = f"EXECUTE {self.name} ({places})" if places else f"EXECUTE {self.name}"
        self.prepare = f"PREPARE {self.name} AS {body}"

    def run(self, database, values: dict):
        """The query's cursor, or None if it could not be prepared here (run it as it is)."""
        connection = database.connection()
        names = _PREPARED_ON.get(connection)
        if names is None:
            names = _PREPARED_ON[connection] = set()
        if self.name not in names:
            # A failed PREPARE would spoil a transaction in progress: there, run the query as it is.
            if self.refused or database.in_transaction():
                return None
            try:
                with connection.cursor() as cursor:
                    if not self.prepare:
                        self._write(cursor)
                    cursor.execute(self.prepare)
            except Exception as error:  # the driver's own errors: the plain run after reports real faults
                # Class 42 (syntax or access rule): a value's type cannot be told from the SQL (a
                # bare `%s + %s`), and never will be: stop trying.
                self.refused = str(getattr(error, "pgcode", "") or "").startswith("42")
                return None
            names.add(self.name)
        try:
            return database.execute_sql(self.execute, [slot.bind(values) for slot in self.slots])
        except DatabaseError as error:
            # Gone from the server though this connection prepared it (a DISCARD ALL by something
            # between): forget it, and run the query as it is now (outside a transaction, which
            # the failure would have spoilt) and prepare it again next time.
            cause = getattr(error, "orig", None)  # the driver's own error, which peewee wraps
            if getattr(cause, "pgcode", None) != _NO_SUCH_STATEMENT or database.in_transaction():
                raise
            names.discard(self.name)
            return None


class PreparedQuery:
    """One shape of a prepared query: its query object, and its SQL per database engine."""

    def __init__(self, build: Callable[..., BaseQuery], names: Sequence[str], label: str = "query"):
        self._query = build(**{name: Param(name) for name in names})
        self._label = re.sub(r"\W+", "_", label).strip("_").lower() or "query"
        self._compiled: dict[type, tuple[str, list, dict[str, int]]] = {}
        self._server: dict[type, _ServerStatement] = {}
        self._readers: dict[type, dict[str, Any]] = {}
        self._derived: dict[str, PreparedQuery] = {}

    @classmethod
    def of(cls, query: BaseQuery, label: str = "query") -> PreparedQuery:
        return cls(lambda: query, (), label)

    def counted(self) -> PreparedQuery:
        """How many rows this query gives, as a prepared query (`scalar()`). A query class may
        say how it is counted with a `count_query()` method."""
        found = self._derived.get("count")
        if found is None:
            counted = count_of(self._counted_rows())
            found = self._derived["count"] = PreparedQuery.of(counted, f"{self._label}_count")
        return found

    def counted_up_to(self) -> PreparedQuery:
        """How many rows this query gives, counting no further than the value `up_to`."""
        found = self._derived.get("count up to")
        if found is None:
            counted = count_of(self._counted_rows().order_by().limit(Param("up_to")))
            found = self._derived["count up to"] = PreparedQuery.of(counted, f"{self._label}_count")
        return found

    def _counted_rows(self) -> BaseQuery:
        query = self._query
        return query.count_query() if hasattr(query, "count_query") else query

    def paged(self, size: int) -> PreparedQuery:
        """This query from row `offset` (its value), at most `size` rows. The size is written into
        the SQL: with a placeholder there, PostgreSQL planned a page for a tenth of the rows,
        found that dearer than planning each request's page, and planned every one (0.3 ms)."""
        key = f"page {size}"
        found = self._derived.get(key)
        if found is None:
            found = self._derived[key] = PreparedQuery.of(
                self._query.limit(size).offset(Param("offset")), f"{self._label}_page"
            )
        return found

    def paged_and_counted(self, size: int) -> PreparedQuery:
        """paged(), each row also carrying how many rows the whole query gives, as `rows_in_all`
        (`COUNT(*) OVER ()`): one statement for a page and its total instead of two. Only for a
        list the database reads whole for any page anyway (sorted, not read in index order):
        otherwise counting beside the page makes it read every row where it read a page's worth.
        The rows must be models or objects (the count is an attribute of each)."""
        key = f"page {size} counted"
        found = self._derived.get(key)
        if found is None:
            query = self._query.select_extend(fn.COUNT(SQL("*")).over().alias("rows_in_all"))
            found = self._derived[key] = PreparedQuery.of(
                query.limit(size).offset(Param("offset")), f"{self._label}_page_counted"
            )
        return found

    def _statement(self, database) -> tuple[str, list, dict[str, int]]:
        key = type(database)
        found = self._compiled.get(key)
        if found is None:
            sql, params = database.get_sql_context().sql(self._query).query()
            list_sizes: dict[str, int] = {}
            for param in params:
                if isinstance(param, _Slot) and param.index is not None:
                    list_sizes[param.name] = max(list_sizes.get(param.name, 0), param.index + 1)
            found = self._compiled[key] = (sql, params, list_sizes)
        return found

    def cursor(self, **values):
        """The query's cursor wrapper (iterate it for rows), run with these values."""
        database = _engine()
        sql, params, list_sizes = self._statement(database)
        for name, size in list_sizes.items():
            if len(values.get(name) or ()) > size:  # never cut a list short in silence
                raise ValueError(f"{name!r} holds more than the {size} values its query was prepared for")
        cursor = None
        if getattr(database, "prepare_on_server", False):  # PostgreSQL's (portal/database.py)
            server = self._server.get(type(database))
            if server is None:
                server = self._server[type(database)] = _ServerStatement(self._label, sql, params)
            cursor = server.run(database, values)
        if cursor is None:
            bound = [param.bind(values) if isinstance(param, _Slot) else param for param in params]
            cursor = database.execute_sql(sql, bound)
        return self._query._get_cursor_wrapper(cursor)

    def rows(self, **values) -> list:
        """Every row, as the query gives them (models, joined models, dicts or tuples)."""
        found, read = self.plain_rows_and_reader(**values)
        return [read(row) for row in found]

    def plain_rows_and_reader(self, **values) -> tuple[list[tuple], Callable[[tuple], Any]]:
        """The driver's rows and the function that turns one into what rows() gives: for a caller
        that needs only some rows made into models (a member repeated once for each link)."""
        wrapper = self.cursor(**values)
        found = wrapper.cursor.fetchall()
        if not found:
            return [], None
        self._ready(wrapper)
        return found, wrapper.process_row

    def _ready(self, wrapper) -> None:
        """Set up the cursor wrapper to turn rows into results. peewee works out, for every run,
        which column becomes which field of which model and with which converter; for the same
        SQL that is the same every time, so it is worked out on the first run and copied after."""
        key = type(_engine())
        reader = self._readers.get(key)
        if reader is None:
            wrapper.initialize()
            reader = {name: value for name, value in vars(wrapper).items() if name not in _RUN_STATE}
            self._readers[key] = reader
        else:
            vars(wrapper).update(reader)
        wrapper.initialized = True

    def plain_rows(self, **values) -> list[tuple]:
        """Every row as the driver gives it, unconverted (no enums, dates from SQLite as text): for
        counts and ids, where peewee's conversion of each column cost more than the query did."""
        return self.cursor(**values).cursor.fetchall()

    def rows_in_chunks(self, name: str, **values) -> list:
        """rows() for a list `name` of any length: one statement for each as many values as the
        list has places (one for a page), none for an empty list."""
        return self._in_chunks(self.rows, name, values)

    def plain_rows_in_chunks(self, name: str, **values) -> list[tuple]:
        """plain_rows() for a list `name` of any length, as rows_in_chunks()."""
        return self._in_chunks(self.plain_rows, name, values)

    def _in_chunks(self, read: Callable[..., list], name: str, values: dict) -> list:
        size = self._statement(_engine())[2][name]
        items = list(values.pop(name))
        found = []
        for start in range(0, len(items), size):
            found += read(**values, **{name: items[start : start + size]})
        return found

    def first(self, **values):
        """The first row, or None (limit the query to one row)."""
        wrapper = self.cursor(**values)
        found = wrapper.cursor.fetchone()
        wrapper.cursor.close()  # any further rows are not wanted: free the statement now
        if found is None:
            return None
        self._ready(wrapper)
        return wrapper.process_row(found)

    def scalar(self, **values):
        """The first column of the first row, or None (a count, an id)."""
        found = self.cursor(**values).cursor.fetchone()
        return found[0] if found else None


def _engine():
    return getattr(db.database, "obj", db.database)  # FlaskDB's proxy: the engine's class is the key


class CountedWithoutJoins(ModelSelect):
    """A query of one model whose joins only add columns (a name through a foreign key every row
    has): counted on the model's table alone, as the joins cannot change the number but would cost
    a lookup for every row counted. Build it as `CountedWithoutJoins(Model, columns).join(...)`."""

    def count_query(self) -> Select:
        return self.model.select().where(self._where)

    def count(self, database=None, clear_limit=False) -> int:
        return self.count_query().count(database)


def count_of(query: Select) -> Select:
    """`SELECT COUNT(1)` of the query's rows, as peewee's `.count()` builds it, but not yet run."""
    wrapped = query.order_by().alias("_wrapped")
    if wrapped._count_can_project_one():
        wrapped = wrapped.select(SQL("1"))
    return Select([wrapped], [fn.COUNT(SQL("1"))])


class prepared:
    """Decorator: see the module's docstring."""

    def __init__(self, build: Callable[..., BaseQuery]):
        functools.update_wrapper(self, build)
        self._build = build
        self._parameters = list(inspect.signature(build).parameters)
        self._shapes: dict[tuple, PreparedQuery] = {}

    def __call__(self, *shape) -> PreparedQuery:
        found = self._shapes.get(shape)
        if found is None:
            build = functools.partial(self._build, *shape)
            parts = self._build.__module__.split(".")  # portal.trawls.queries: "trawls"
            label = f"{parts[1] if len(parts) > 2 else parts[-1]}_{self._build.__name__}"
            found = self._shapes[shape] = PreparedQuery(build, self._parameters[len(shape) :], label)
        return found
