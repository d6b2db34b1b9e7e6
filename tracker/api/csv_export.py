"""`?format=csv`: the whole filtered list as CSV, streamed row by row, safe to open in a spreadsheet."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from rest_framework.renderers import BaseRenderer

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
CHUNK_SIZE = 1000


def neutralise(value):
    """A cell value as text; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        value = "|".join(str(item) for item in value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value):
        return value


# The last line of a whole list's CSV: a file that lacks it was cut (see docs/contracts.md#csv).
COMPLETE_MARKER = "# complete: {rows} rows"
LINES_PER_WRITE = 500  # lines joined into one piece of the response: fewer, larger writes to the socket


def csv_lines(columns, rows, *, complete_marker=False):
    """The header, then one line per row; `rows` yields dicts keyed by column name. With `complete_marker`,
    a last line `# complete: N rows` says the file holds every row (a cut transfer lacks it)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    count = 0
    for row in rows:
        count += 1
        yield writer.writerow([neutralise(row.get(column)) for column in columns])
    if complete_marker:
        yield COMPLETE_MARKER.format(rows=count) + "\r\n"


def _joined(lines):
    """Lines in pieces of LINES_PER_WRITE, each encoded once."""
    piece = []
    for line in lines:
        piece.append(line)
        if len(piece) >= LINES_PER_WRITE:
            yield "".join(piece).encode("utf-8")
            piece = []
    if piece:
        yield "".join(piece).encode("utf-8")


def streamed_csv(columns, rows, filename, *, complete_marker=False):
    lines = csv_lines(columns, rows, complete_marker=complete_marker)
    response = StreamingHttpResponse(_joined(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def in_chunks(iterable, size):
    """Lists of up to `size` items of `iterable`, in order."""
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def url_maker(request, path_of_zero):
    """A function id -> absolute URL, from the path of record 0 (`reverse(name, args=[0])`): one reverse
    per export instead of one per row."""
    absolute = request.build_absolute_uri(path_of_zero)
    head, _zero, tail = absolute.rpartition("/0/")
    return lambda pk: f"{head}/{pk}/{tail}"


class CSVRenderer(BaseRenderer):
    """Selected by `?format=csv`. Lists stream through `streamed_csv`; this renders what is left:
    error messages (`field,message`) and single objects (one row)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and all(not isinstance(v, dict) for v in data.values()):
            rows = [{"field": key, "message": value} for key, value in data.items()]
            return "".join(csv_lines(["field", "message"], rows)).encode("utf-8")
        if isinstance(data, list):
            return "".join(csv_lines(["message"], [{"message": item} for item in data])).encode("utf-8")
        return "".join(csv_lines(list(data), [data])).encode("utf-8")


# How a filter appears in a file name: "people-released-taken-to-lt-2025-12-13.csv".
FILENAME_PHRASES = {
    "destination": "taken-to",
    "country": "in",
    "citizenship": "citizens-of",
    "target_country": "relief-for",
    "sanctioning_party": "relief-from",
    "search": "matching",
    "date_after": "from",
    "date_before": "to",
    "released_after": "released-from",
    "released_before": "released-to",
    "detained_after": "detained-from",
    "detained_before": "detained-to",
    "announced_after": "announced-from",
    "announced_before": "announced-to",
    "published_after": "published-from",
    "published_before": "published-to",
}
FILENAME_BARE = ("record", "status", "kind", "release_event", "deal", "outcome", "confidence", "gender", "visibility")
NOT_IN_FILENAME = ("format", "page", "page_size", "ordering")
MAX_FILENAME_LENGTH = 150


def dated_csv_filename(what, params, filter_names=(), today=None):
    """A file named after what it holds and the day: `people-released-2025-12-13.csv`.

    `what` names the records ("people"); each filter in use adds its value (status, kind, slugs) or a
    phrase and its value ("taken-to-lt"), in the order of `filter_names` (the FilterSet's)."""
    parts = [what]
    names = [name for name in filter_names if name in params] + [name for name in params if name not in filter_names]
    for name in names:
        if name in NOT_IN_FILENAME:
            continue
        for value in params.getlist(name) if hasattr(params, "getlist") else [params[name]]:
            value = slugify(str(value))
            if not value:
                continue
            if name in FILENAME_BARE:
                parts.append(value)
            else:
                parts.append(f"{FILENAME_PHRASES.get(name, slugify(name))}-{value}")
    stem = "-".join(parts)[:MAX_FILENAME_LENGTH].strip("-")
    return f"{stem}-{(today or timezone.localdate()).isoformat()}.csv"
