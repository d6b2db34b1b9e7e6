"""Queries of a fixed shape, compiled once: a list page's related rows (`values_list` over the page's ids).

Building and compiling a queryset through the ORM costs more than running it on an index (a page's name
variants: ~0.1 ms in PostgreSQL, several times that in Python). A `PageQuery` compiles its queryset once, with the
page's ids as one array parameter (`= ANY(%s)`, so any page size has the same SQL), and then only runs it. Only
for querysets that decide nothing per reader (who sees what is applied to the page's own query, and to the rows
by the visibility module), whose columns need no conversion from the database's values (else, and on databases
other than PostgreSQL, the queryset runs through the ORM as before).
"""

import threading

from django.db import connections

_SENTINEL = -7_340_211  # an id no row has: marks the ids' parameter in the compiled SQL


class PageQuery:
    """`build(ids)` -> a values_list queryset filtering `<field>__in=ids`; `rows(ids)` -> its tuples."""

    def __init__(self, build):
        self.build = build
        self._prepared = None  # (alias, sql, params, position), or False: through the ORM
        self._lock = threading.Lock()

    def rows(self, ids):
        ids = list(ids)
        if self._prepared is None:
            with self._lock:
                if self._prepared is None:
                    self._prepared = self._prepare(self.build([_SENTINEL]))
        if self._prepared is False:
            return list(self.build(ids))
        alias, sql, params, position = self._prepared
        params = list(params)
        params[position] = ids
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]

    @staticmethod
    def _prepare(queryset):
        """(alias, sql, params, the ids' position), or False when this queryset cannot run as compiled SQL."""
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return False
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        if compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]]):
            return False
        params = list(params)
        if params.count(_SENTINEL) != 1 or sql.count("IN (%s)") != 1:
            return False
        position = params.index(_SENTINEL)
        before = sql.split("IN (%s)")[0]
        if before.count("%s") != position:
            return False
        return queryset.db, sql.replace("IN (%s)", "= ANY(%s)"), params, position
