"""A whole list's CSV written by PostgreSQL: `COPY (SELECT ...) TO STDOUT WITH CSV`, streamed as it comes.

The query gives one text cell per column, already as `csv_export.csv_lines` writes it (formula triggers
neutralised, lists joined with "|", empty cells as NULL: COPY writes a non-NULL empty string as `""`).
COPY quotes exactly the cells Python's csv module quotes (those holding `,`, `"`, CR or LF, quotes
doubled); it ends each row with LF where csv.writer ends it with CRLF, so each row (one `write` from
psycopg2 per row) gets its CR back here. The header and the `# complete: N rows` trailer are written as
`csv_export` writes them; the trailer only after COPY finished, so a cut or failed export lacks it.

psycopg2's `copy_expert` blocks until COPY ends: it runs in a thread on the request's connection, feeding
a bounded queue of pieces that the response yields (memory stays at a few pieces; a slow reader slows
COPY down). A reader who goes away cancels the query. Used on PostgreSQL only; SQLite keeps the rows
built in Python.
"""

import csv
import queue
import threading

from django.db import connection
from django.http import StreamingHttpResponse

from tracker.api.csv_export import COMPLETE_MARKER, FORMULA_TRIGGERS, _Echo

PIECE_BYTES = 256 * 1024  # rows joined into one piece of the response
QUEUED_PIECES = 8  # pieces waiting for the reader at most: memory stays bounded
_DONE = object()
# For the COPY only, then reset: dates written as ISO (`date::text`, cheaper than to_char), a whole list
# sorted in memory rather than on disk, and the query's expressions not compiled (JIT spent 1.5 s
# compiling them at a million rows, more than it saved).
COPY_SETTINGS = {"DateStyle": "ISO", "work_mem": "192MB", "jit": "off"}

# csv_export.FORMULA_TRIGGERS as character codes (`ascii()` of the first character: no copy of the text).
FORMULA_CODES = ", ".join(str(ord(trigger)) for trigger in FORMULA_TRIGGERS)
FORMULA_MAX_CODE = max(ord(trigger) for trigger in FORMULA_TRIGGERS)


def neutralised(column):
    """SQL of a text cell as `csv_export.neutralise` writes it, from a column of a derived table (named
    thrice: give a column, not an expression to compute): a leading apostrophe before a formula trigger,
    NULL for an empty string (an empty cell)."""
    first = f"ascii({column})"  # every trigger is below "A": most cells answer the first comparison
    return (
        f"CASE WHEN {first} <= {FORMULA_MAX_CODE} AND {first} IN ({FORMULA_CODES}) THEN '''' || {column} "
        f"ELSE NULLIF({column}, '') END"
    )


class _RowWriter:
    """The file psycopg2 writes COPY's rows to: CRLF line ends, rows joined into pieces put on a queue."""

    def __init__(self, pieces):
        self.pieces = pieces
        self.buffer = []
        self.size = 0
        self.rows = 0
        self.cancelled = False

    def write(self, row):
        if self.cancelled:  # the reader went away and the query is being cancelled: drop what still comes
            return
        self.buffer.append(row)
        self.size += len(row)
        if self.size >= PIECE_BYTES:
            self.flush()

    def flush(self):
        if not self.buffer:
            return
        piece = b"".join(self.buffer)
        rows = len(self.buffer)
        if piece.count(b"\n") == rows:  # no LF inside a cell: every LF ends a row
            piece = piece.replace(b"\n", b"\r\n")
        else:  # each row (one write) ends with LF; the others are inside quoted cells
            piece = b"".join(row[:-1] + b"\r\n" for row in self.buffer)
        self.rows += rows
        self.buffer, self.size = [], 0
        self.pieces.put(piece)


def _copy(cursor, statement, writer, outcome):
    try:
        cursor.execute("; ".join(f"SET {name} = '{value}'" for name, value in COPY_SETTINGS.items()))
        cursor.copy_expert(statement, writer)
        writer.flush()
        outcome["rows"] = writer.rows
    except BaseException as error:  # noqa: BLE001 - handed to the reading thread, which raises it
        outcome["error"] = error
    finally:
        try:
            cursor.execute("; ".join(f"RESET {name}" for name in COPY_SETTINGS))
        except Exception:  # noqa: BLE001 - a failed COPY's transaction: its error is the one to raise
            outcome.setdefault("error", RuntimeError("the export's settings could not be reset"))
        writer.pieces.put(_DONE)


def copy_pieces(sql, params):
    """The bytes of `COPY (sql) TO STDOUT WITH CSV`, in pieces, then the `# complete` trailer."""
    cursor = connection.cursor()  # Django's: COPY shows among the queries (tests pin the count)
    raw = connection.connection
    statement = cursor.mogrify(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params).decode()
    pieces = queue.Queue(maxsize=QUEUED_PIECES)
    writer = _RowWriter(pieces)
    outcome = {}
    thread = threading.Thread(target=_copy, args=(cursor, statement, writer, outcome), daemon=True)
    thread.start()
    finished = False
    try:
        while (piece := pieces.get()) is not _DONE:
            yield piece
        finished = True
    finally:
        if not finished:  # the reader went away: stop the query, let the thread end
            writer.cancelled = True
            raw.cancel()
            while thread.is_alive():
                try:
                    pieces.get(timeout=0.1)
                except queue.Empty:
                    pass
        thread.join()
        cursor.close()
    if "error" in outcome:
        raise outcome["error"]
    yield (COMPLETE_MARKER.format(rows=outcome["rows"]) + "\r\n").encode("utf-8")


def streamed_copy_csv(columns, sql, params, filename):
    """The response: the header as csv.writer writes it, COPY's rows, the trailer."""
    header = csv.writer(_Echo()).writerow(columns).encode("utf-8")

    def body():
        yield header
        yield from copy_pieces(sql, params)

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
