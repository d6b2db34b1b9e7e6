"""PostgreSQL's fast path for the rows a batch creates: COPY the rows (and their history rows, where asked).

`bulk_create_with_history` spends most of a large import building SQL in Python (a Django insert
prepares every value of every object, twice with history), and building the model instances alone
took a quarter of an import. Here the writer hands plain tuples (the values of the fields it sets),
the ids come from the table's own sequence in one query, and the rows and their history rows (the
same columns simple-history would write: every tracked field, history_date, history_type "+",
history_user) go in with COPY; every other field takes its default, converted once per batch. The import
writes no history rows for the records it creates (they name their import job instead, `import_job=`). The
SQLite path and every update keep simple-history's bulk functions; a test checks both paths
write the same rows.
"""

import io
import itertools
import json

from django.db import connection

NULL = "\\N"
_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "ForeignKey",
    "OneToOneField",
}
_TEXT_TYPES = {"CharField", "TextField", "SlugField", "URLField", "EmailField"}


def _text(value):
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _converter(field):
    """A function from an attribute value to its COPY text, for this field."""
    internal = field.get_internal_type()
    if hasattr(field, "countries"):  # django-countries: a Country, a code or a list of them
        memo = {}

        def country(value):  # once per distinct value: a file names a handful of countries
            key = tuple(value) if isinstance(value, list) else value
            try:
                return memo[key]
            except (KeyError, TypeError):
                pass
            prepared = field.get_prep_value(value)
            text = NULL if prepared is None else _text(prepared)
            if len(memo) < 10_000:
                try:
                    memo[key] = text
                except TypeError:  # an unhashable value: converted every time
                    pass
            return text

        return country
    if internal in _TEXT_TYPES:
        return lambda value: NULL if value is None else _text(str(value))
    if internal in _INTEGER_TYPES:
        return lambda value: NULL if value is None else str(int(value))
    if internal in ("DateField", "DateTimeField"):
        return lambda value: NULL if value is None else value.isoformat()
    if internal == "BooleanField":
        return lambda value: NULL if value is None else ("t" if value else "f")
    if internal == "JSONField":
        return lambda value: NULL if value is None else _text(json.dumps(value))

    def generic(value):
        prepared = field.get_db_prep_save(value, connection)
        return NULL if prepared is None else _text(str(prepared))

    return generic


class CopyTable:
    """One model's table (and its history table): columns and converters, built once."""

    def __init__(self, model):
        self.model = model
        self.table = model._meta.db_table
        self.pk_column = model._meta.pk.column
        self.sequence = None  # the primary key's sequence, looked up on first use
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.converters = [_converter(f) for f in self.fields]
        self.auto_now = [
            f.attname for f in self.fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        history = getattr(model, "history", None)
        self.history_table = None
        if history is not None:
            history_model = history.model
            tracked = history_model.tracked_fields
            self.history_table = history_model._meta.db_table
            self.history_positions = [self.attnames.index(f.attname) for f in tracked]
            self.history_columns = [f.column for f in tracked] + [
                "history_date",
                "history_change_reason",
                "history_type",
                "history_user_id",
            ]

    def insert(self, cursor, given, records, *, now, user_id, import_job=None):
        """COPY plain tuples and their history rows; returns the ids the table's sequence gave them, in order.

        Each record holds the values of the `given` attnames, in that order (no model instance is built);
        every other field takes its default and the auto_now fields `now`, as `bulk_create` would write them.
        With `import_job`, the rows name that job in `created_by_import_job` and get no history rows (the job
        says who and when: `prisoners.models.BulkImportedModel`).
        """
        if not records:
            return []
        if self.sequence is None:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [self.table, self.pk_column])
            self.sequence = cursor.fetchone()[0]
        # The sequence named once, not looked up per row: `pg_get_serial_sequence` in the select list is
        # evaluated for every id (a catalog lookup each), seven times the cost of the nextval calls themselves.
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
            [self.sequence, len(records)],
        )
        pks = [pk for (pk,) in cursor.fetchall()]
        positions = [self.attnames.index(attname) for attname in given]
        converters = [self.converters[i] for i in positions]
        stamp = now.isoformat()
        template = []
        if import_job is not None and "created_by_import_job" not in self.attnames:
            raise ValueError(f"{self.table} cannot name the import job that created its rows")
        for field, attname, convert in zip(self.fields, self.attnames, self.converters, strict=True):
            if attname == "created_by_import_job" and import_job is not None:
                template.append(str(int(import_job)))
            elif attname in self.auto_now:
                template.append(stamp)
            elif field.primary_key or attname in given:
                template.append(None)
            else:
                template.append(convert(field.get_default()))
        pk_position = self.attnames.index(self.model._meta.pk.attname)
        # Column by column: each converter mapped over its column (a C-level loop), then one row per record
        # assembled from the converted columns and the constant defaults.
        if any(len(record) != len(given) for record in records):
            raise ValueError("every record holds one value per given field")
        columns = {pk_position: list(map(str, pks))}
        for index, (position, convert) in enumerate(zip(positions, converters, strict=True)):
            columns[position] = list(map(convert, [record[index] for record in records]))
        cells = [
            columns[position] if position in columns else itertools.repeat(value)
            for position, value in enumerate(template)
        ]
        rows = list(zip(*cells, strict=False))  # the repeated defaults are endless; the columns are len(records)
        _copy(cursor, self.table, [f.column for f in self.fields], ("\t".join(row) for row in rows))
        if self.history_table and import_job is None:
            # The history row repeats the tracked columns, already converted, then its own four.
            tail = "\t".join([stamp, NULL, "+", NULL if user_id is None else str(user_id)])
            positions = self.history_positions
            lines = ("\t".join([row[i] for i in positions] + [tail]) for row in rows)
            _copy(cursor, self.history_table, self.history_columns, lines)
        return pks


def _copy(cursor, table, columns, lines):
    buffer = io.StringIO()
    for line in lines:
        buffer.write(line)
        buffer.write("\n")
    buffer.seek(0)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", buffer)


def copy_rows(cursor, table, columns, rows):
    """Plain tuples straight to COPY (no model instances): text, integers and booleans."""
    if not rows:
        return

    def cell(value):
        if value is None:
            return NULL
        if value is True or value is False:
            return "t" if value else "f"
        return _text(str(value))

    _copy(cursor, table, columns, ("\t".join(cell(v) for v in row) for row in rows))


def insert_words(cursor, table, column, words):
    """Words (sorted) into a unique text column in one statement: the batch's words as one bound array,
    `ON CONFLICT DO NOTHING` (a word already stored is kept). One statement per batch, not one VALUES
    page per few thousand words."""
    if not words:
        return
    quote = connection.ops.quote_name
    cursor.execute(
        f"INSERT INTO {quote(table)} ({quote(column)}) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
        [list(words)],
    )


def insert_links(cursor, through, left, right, pairs):
    """Many-to-many links (left id, right id); a link already there is kept, not doubled."""
    if not pairs:
        return
    from psycopg2.extras import execute_values

    table = connection.ops.quote_name(through._meta.db_table)
    execute_values(
        cursor.cursor,
        f"INSERT INTO {table} ({left}, {right}) VALUES %s ON CONFLICT DO NOTHING",
        pairs,
        page_size=5000,
    )


_TABLES = {}


def copy_table(model):
    if model not in _TABLES:
        _TABLES[model] = CopyTable(model)
    return _TABLES[model]
