"""Queries of a fixed shape, compiled once: a list page's related rows (`values_list` over the page's ids).

Building and compiling a queryset through the ORM costs more than running it on an index (a page's name
variants: ~0.1 ms in PostgreSQL, several times that in Python). A `PageQuery` compiles its queryset once, with the
page's ids as one array parameter (`= ANY(%s)`, so any page size has the same SQL), and then only runs it.

A query whose SQL depends on who reads (a reader who sees withheld people sees every source; the public's query
leaves out the hidden ones) is compiled once per `key`: the caller passes the key that decides everything of the
SQL besides the arrays, and for who sees what that key comes from the visibility module
(`prisoners.visibility.reader_class`), never from anything else. What differs between readers of one class, or
from one request to the next (the hidden sources' ids), is passed as a list: every list argument is an array
parameter, filled in on each run, never compiled into the SQL. Everything else given to `build` (the reader, the
hidden sources as a subquery) is compiled in, so it must be decided by the key.

Columns that need a conversion from the database's values, and databases other than PostgreSQL, run the queryset
through the ORM as before (each time, with the arguments of the request).

A page's several related queries go to the database together (`rows_together(ids, query.call(key=..., ...), ...)`):
one `UNION ALL` statement per combination of queries and keys, each query's rows in its own order, so a page makes
one round trip for all of them; where one of them cannot be compiled, each runs on its own.
"""

import itertools
import re
import threading
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import Window
from django.db.models.functions import RowNumber

# Ids no row has: they mark the array parameters in the compiled SQL (the page's ids first, then each list argument).
_SENTINELS = tuple(-7_340_211 - n for n in range(8))
_PLACEHOLDER = re.compile(r"%%|%s")
_MAX_KEYS = 256  # reader classes x languages x ...: a handful; past this many something is keyed wrongly: start over


class PageQuery:
    """`build(ids, **arguments)` -> a values_list queryset filtering `<field>__in=ids`; `rows(ids, key=..,
    **arguments)` -> its tuples."""

    def __init__(self, build):
        self.build = build
        self._prepared = {}  # key -> (alias, sql, params, {position: array}), or False: through the ORM
        self._lock = threading.Lock()

    def rows(self, ids, *, key=(), **arguments):
        ids = list(ids)
        prepared = self._prepared.get(key)
        if prepared is None:
            with self._lock:
                prepared = self._prepared.get(key)
                if prepared is None:
                    prepared = self._compile(arguments)
                    if len(self._prepared) >= _MAX_KEYS:
                        self._prepared.clear()
                    self._prepared[key] = prepared
        if prepared is False:
            return list(self.build(ids, **arguments))
        return prepared.rows(
            _filled(prepared.params, prepared.arrays, lambda name: ids if name is None else arguments[name])
        )

    def compiled(self, key):
        """The SQL compiled for `key` (None before the first run with it, False when it runs through the ORM)."""
        prepared = self._prepared.get(key)
        return prepared.sql if prepared else prepared

    def call(self, *, key=(), **arguments):
        """This query with `key` and `arguments`, to run with others in one round trip (`rows_together`)."""
        return Call(self, key, arguments)

    def _compile(self, arguments):
        marked = self._marked(arguments)
        if marked is None:
            return False
        compiled = _compiled(*marked)
        return False if compiled is None else Statement(marked[0].db, *compiled)

    def _marked(self, arguments):
        """(the queryset built with sentinels for the page's ids and each list argument, the arrays' names), or None
        when there are more lists than sentinels."""
        marked, names = {}, [None]  # the page's ids, then each list argument by name
        for name, value in arguments.items():
            if isinstance(value, list):
                if len(names) == len(_SENTINELS):
                    return None
                marked[name] = [_SENTINELS[len(names)]]
                names.append(name)
            else:
                marked[name] = value
        return self.build([_SENTINELS[0]], **marked), names


def _compiled(queryset, names, unread=0):
    """(sql, params, {position: array name}) of a queryset built with sentinels, its arrays as `= ANY(%s)`; or None
    when it cannot run as compiled SQL (a column read needs a conversion; the last `unread` columns are not read)."""
    sentinels = _SENTINELS[: len(names)]
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    if compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count - unread]]):
        return None
    params = list(params)
    if params.count(sentinels[0]) != 1:  # the page's ids: exactly once
        return None
    if any(params.count(sentinel) > 1 for sentinel in sentinels[1:]):
        return None
    placeholders = [match for match in _PLACEHOLDER.finditer(sql) if match.group() == "%s"]
    if len(placeholders) != len(params):
        return None
    arrays, pieces, start = {}, [], 0
    for position, (param, match) in enumerate(zip(params, placeholders, strict=True)):
        if param not in sentinels:
            continue
        # Each array is one `IN (%s)` (a list of one sentinel), run as `= ANY(%s)`: one SQL for any length.
        if not sql[: match.start()].endswith("IN (") or sql[match.end() : match.end() + 1] != ")":
            return None
        pieces.append(sql[start : match.start() - len("IN (")] + "= ANY(%s)")
        start = match.end() + 1
        arrays[position] = names[sentinels.index(param)]
    pieces.append(sql[start:])
    return "".join(pieces), params, arrays


def _filled(params, arrays, value_of):
    """`params` with each array position given its list (`value_of(name)`)."""
    params = list(params)
    for position, name in arrays.items():
        value = value_of(name)
        if not isinstance(value, list):  # compiled with a list here: the key did not decide the SQL
            raise TypeError(f"PageQuery: {name} was an array when this key's SQL was compiled")
        params[position] = value
    return params


class Call(NamedTuple):
    """A `PageQuery` with the key and arguments of one run (`PageQuery.call`)."""

    query: PageQuery
    key: tuple
    arguments: dict


_together = {}  # (query, key) of each call -> (Statement, [(start, end) of each call's columns]), or False
_together_lock = threading.Lock()


def rows_together(ids, *calls):
    """The rows of each call over the same page of `ids` (as `call.query.rows(ids, ...)` gives them), from one
    statement: one round trip for a page's related rows instead of one per query.

    The statement is the calls' queries side by side in one `UNION ALL`, each row tagged with its call and its place
    in that call's order (`row_number()` over the query's own ORDER BY, so the order is the SQL's, not the union's
    habit), each call's columns in their own range and NULL (typed: the column's type, read from the database when
    compiled) in the others' ranges. Compiled once per combination of queries and keys, as each `PageQuery` is; on
    other databases, or where one query cannot be compiled, each runs on its own."""
    ids = list(ids)
    key = tuple((call.query, call.key) for call in calls)
    together = _together.get(key)
    if together is None:
        with _together_lock:
            together = _together.get(key)
            if together is None:
                together = _compile_together(calls)
                if len(_together) >= _MAX_KEYS:
                    _together.clear()
                _together[key] = together
    if together is False:
        return [call.query.rows(ids, key=call.key, **call.arguments) for call in calls]
    statement, ranges = together
    params = _filled(
        statement.params,
        statement.arrays,
        lambda which: ids if which[1] is None else calls[which[0]].arguments[which[1]],
    )
    rows = [[] for _call in calls]
    for row in statement.rows(params):
        start, end = ranges[row[0]]
        rows[row[0]].append(row[start:end])
    return rows


def compiled_together(*calls):
    """The SQL `rows_together` compiled for these calls' queries and keys (None before their first run together,
    False when they run each on its own)."""
    together = _together.get(tuple((call.query, call.key) for call in calls))
    return together[0].sql if together else together


def _compile_together(calls):
    branches = []
    for call in calls:
        marked = call.query._marked(call.arguments)
        if marked is None:
            return False
        queryset, names = marked
        ordering = list(queryset.query.order_by)
        if not ordering:  # no order of its own: nothing to number its rows by
            return False
        if queryset.query.distinct or queryset.query.is_sliced:  # numbered rows would all differ; or cut unordered
            return False
        numbered = queryset.order_by().annotate(_together_row=Window(RowNumber(), order_by=ordering))
        compiled = _compiled(numbered, names, unread=1)
        if compiled is None:
            return False
        branches.append((queryset.db, *compiled))
    aliases = {branch[0] for branch in branches}
    if len(aliases) != 1:
        return False
    alias = aliases.pop()
    types = [_column_types(alias, sql, params, arrays) for _alias, sql, params, arrays in branches]
    if None in types:
        return False
    ranges, start = [], 2  # each row: its call's index, its place in that call's order, then the columns
    for columns in types:
        ranges.append((start, start + len(columns) - 1))  # the last column is the place
        start += len(columns) - 1
    selects, params, arrays = [], [], {}
    for index, (_alias, sql, branch_params, branch_arrays) in enumerate(branches):
        width = len(types[index]) - 1
        names = [f"c{n}" for n in range(width)]
        columns = [f"{index}", "s._together_row"]
        for other, other_types in enumerate(types):
            if other == index:
                columns += [f"s.{name}" for name in names]
            else:
                columns += [f"NULL::{kind}" for kind in other_types[:-1]]
        selects.append(f"SELECT {', '.join(columns)} FROM ({sql}) AS s({', '.join(names)}, _together_row)")
        arrays.update({len(params) + position: (index, name) for position, name in branch_arrays.items()})
        params += branch_params
    sql = " UNION ALL ".join(selects) + " ORDER BY 1, 2"
    return Statement(alias, sql, params, arrays), ranges


def _column_types(alias, sql, params, arrays):
    """The SQL types of a compiled query's columns (as `format_type` names them), or None when it does not run."""
    connection = connections[alias]
    probe = [[value] if position in arrays else value for position, value in enumerate(params)]
    try:
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM ({sql}) AS s LIMIT 0", probe)
            oids = [column.type_code for column in cursor.description]
            cursor.execute(
                "SELECT format_type(oid, NULL) FROM unnest(%s::oid[]) WITH ORDINALITY AS t(oid, n) ORDER BY n", [oids]
            )
            return [kind for (kind,) in cursor.fetchall()]
    except DatabaseError:
        return None


class Statement:
    """A compiled query, and the same as a server-side prepared statement on each connection that runs it.

    PostgreSQL plans a query each time it is sent as text: for a page's reported values (three EXISTS on the
    person's visibility) planning takes ~1 ms, running it ~0.05 ms. A prepared statement is planned for its first
    runs only (then its generic plan is kept, `plan_cache_mode`), so each connection prepares it with its first run
    (`PREPARE ...; EXECUTE ...`: one round trip) and afterwards only executes it. Prepared statements belong to the
    session, outside transactions (a rollback keeps them); a new connection prepares again. Where the server cannot
    prepare it (a parameter whose type it cannot infer), or with PREPARE_PAGE_QUERIES off (a pooler sharing server
    sessions between clients), the SQL is sent as text each time."""

    _names = itertools.count(1)

    def __init__(self, alias, sql, params, arrays):
        self.alias, self.sql, self.params, self.arrays = alias, sql, params, arrays
        self.name = f"page_query_{next(self._names)}"
        numbers = itertools.count(1)
        # The statement's text for PREPARE: `$n` for each parameter; `%%` stays (the text goes through the driver's
        # interpolation, in the same string as the EXECUTE's parameters).
        self.text = _PLACEHOLDER.sub(lambda match: match.group() if match.group() == "%%" else f"${next(numbers)}", sql)
        self.preparable = self._preparable()

    def _preparable(self):
        if not getattr(settings, "PREPARE_PAGE_QUERIES", True):
            return False
        connection = connections[self.alias]
        try:
            with transaction.atomic(using=self.alias), connection.cursor() as cursor:
                cursor.execute(f"PREPARE {self.name} AS {self.text}".replace("%%", "%"))
                cursor.execute(f"DEALLOCATE {self.name}")
        except DatabaseError:
            return False
        return True

    def rows(self, params):
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            if not self.preparable:
                cursor.execute(self.sql, params)
                return [tuple(row) for row in cursor.fetchall()]
            raw = connection.connection
            held = connection.__dict__.get("_page_statements")
            if held is None or held[0] is not raw:  # a new connection: nothing prepared on it yet
                held = (raw, {})
                connection.__dict__["_page_statements"] = held
            state = held[1].get(self.name)  # None: not prepared on this connection; True: prepared; False: unknown
            if state is False:
                cursor.execute(self.sql, params)
                return [tuple(row) for row in cursor.fetchall()]
            execute = f"EXECUTE {self.name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {self.name}"
            if state:
                try:
                    cursor.execute(execute, params)
                except DatabaseError:
                    # Gone (a pooler or DISCARD ALL dropped it) or no longer valid (a migration changed a column's
                    # type under it): this connection runs it as text from now on. Inside a transaction the error
                    # has ended the transaction: it is the caller's.
                    if connection.in_atomic_block:
                        raise
                    held[1][self.name] = False
                    cursor.execute(self.sql, params)
                return [tuple(row) for row in cursor.fetchall()]
            held[1][self.name] = False  # until it succeeded (a failure may leave it prepared or not: text then)
            cursor.execute(f"PREPARE {self.name} AS {self.text}; {execute}", params)
            held[1][self.name] = True
            return [tuple(row) for row in cursor.fetchall()]
