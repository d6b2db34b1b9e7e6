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
"""

import itertools
import re
import threading

from django.conf import settings
from django.db import DatabaseError, connections, transaction

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
        statement = prepared
        params = list(statement.params)
        for position, name in statement.arrays.items():
            value = ids if name is None else arguments[name]
            if not isinstance(value, list):  # compiled with a list here: the key did not decide the SQL
                raise TypeError(f"PageQuery: {name} was an array when this key's SQL was compiled")
            params[position] = value
        return statement.rows(params)

    def compiled(self, key):
        """The SQL compiled for `key` (None before the first run with it, False when it runs through the ORM)."""
        prepared = self._prepared.get(key)
        return prepared.sql if prepared else prepared

    def _compile(self, arguments):
        marked, names = {}, [None]  # the page's ids, then each list argument by name
        for name, value in arguments.items():
            if isinstance(value, list):
                if len(names) == len(_SENTINELS):
                    return False
                marked[name] = [_SENTINELS[len(names)]]
                names.append(name)
            else:
                marked[name] = value
        return self._prepare(self.build([_SENTINELS[0]], **marked), names)

    @staticmethod
    def _prepare(queryset, names):
        """A `Statement`, or False when this queryset cannot run as compiled SQL."""
        sentinels = _SENTINELS[: len(names)]
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return False
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        if compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]]):
            return False
        params = list(params)
        if params.count(sentinels[0]) != 1:  # the page's ids: exactly once
            return False
        if any(params.count(sentinel) > 1 for sentinel in sentinels[1:]):
            return False
        placeholders = [match for match in _PLACEHOLDER.finditer(sql) if match.group() == "%s"]
        if len(placeholders) != len(params):
            return False
        arrays, pieces, start = {}, [], 0
        for position, (param, match) in enumerate(zip(params, placeholders, strict=True)):
            if param not in sentinels:
                continue
            # Each array is one `IN (%s)` (a list of one sentinel), run as `= ANY(%s)`: one SQL for any length.
            if not sql[: match.start()].endswith("IN (") or sql[match.end() : match.end() + 1] != ")":
                return False
            pieces.append(sql[start : match.start() - len("IN (")] + "= ANY(%s)")
            start = match.end() + 1
            arrays[position] = names[sentinels.index(param)]
        pieces.append(sql[start:])
        return Statement(queryset.db, "".join(pieces), params, arrays)


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
