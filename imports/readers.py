"""Reading an uploaded file as a stream of records, whatever its format, size and encoding.

`sniff_upload` looks at the start of a file and says what it is (or why it is unusable) before a
job is created; `open_records` streams the stored upload of a job as (row number, cells) with
its header mapped to the canonical columns through the job's profile.
"""

import codecs
import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from imports.errors import ImportFileError
from imports.limits import setting
from imports.mapping import ColumnMapping, cell_text
from imports.models import ImportFileChunk, ImportJob
from imports.xlsx import Limits, TooLong, XlsxSheet

CHUNK_BYTES = 4 * 1024 * 1024
SNIFF_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"
# Letters of the Cyrillic block: a text decoded as Windows-1251 that is mostly these is Windows-1251.
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
ENCODING_ALIASES = {"utf8": "utf-8", "utf-8-sig": "utf-8-sig", "cp1251": "windows-1251", "windows1251": "windows-1251"}
# Text encodings a CSV or JSON may declare: ASCII-compatible ones (the readers find commas, quotes,
# brackets and line ends as bytes). UTF-16/32 and the bytes-to-bytes codecs (base64, zlib, rot13…) are not.
_READABLE_ENCODING = re.compile(r"^(utf-8(-sig)?|ascii|latin-1|iso8859-\d+|cp12\d\d|cp866|koi8-[rut]|mac-cyrillic)$")
_SINGLE_BYTE = re.compile(r"^(ascii|latin-1|iso8859-\d+|cp12\d\d|cp866|koi8-[rut]|mac-cyrillic)$")
TOO_LONG_LINE = "\ue000too-long-line\ue000"


@dataclass
class SniffResult:
    file_format: str
    encoding: str = ""
    header: list = field(default_factory=list)


def normalise_encoding(name):
    if not name:
        return ""
    key = name.strip().lower().replace("_", "-")
    try:
        canonical = codecs.lookup(key).name
    except LookupError:
        raise ImportFileError(_("Unknown encoding '%(name)s'.") % {"name": name}, "encoding") from None
    if not _READABLE_ENCODING.match(canonical):
        raise ImportFileError(
            _(
                "The encoding '%(name)s' cannot be read here: use UTF-8 (best), Windows-1251 or another "
                "single-byte text encoding, or leave it blank to have it detected."
            )
            % {"name": name},
            "encoding",
        )
    return ENCODING_ALIASES.get(canonical.replace("-", ""), ENCODING_ALIASES.get(canonical, canonical))


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > len(sample) // 100


def detect_encoding(sample: bytes, declared: str = "") -> str:
    """The text encoding of `sample` (the start of a file): declared, a BOM, UTF-8 or Windows-1251."""
    if declared:
        encoding = normalise_encoding(declared)
        if encoding == "utf-8" and sample.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("The file is not %(encoding)s text (byte %(position)s cannot be read); check the encoding.")
                % {"encoding": encoding, "position": exc.start}
            ) from None
        if _SINGLE_BYTE.match(codecs.lookup(encoding).name) and _reads_as_utf8(sample):
            raise ImportFileError(
                _(
                    "The file reads as UTF-8 text, not %(encoding)s: imported as %(encoding)s its letters would be "
                    "garbled. Leave the encoding blank (or declare utf-8)."
                )
                % {"encoding": encoding},
                "encoding",
            )
        return encoding
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = sample.decode("windows-1251")
    except UnicodeDecodeError:
        text = ""
    non_ascii = _NON_ASCII.findall(text)
    if text and non_ascii and len(_CYRILLIC.findall(text)) >= 0.6 * len(non_ascii):
        return "windows-1251"
    raise ImportFileError(
        _("The file is neither UTF-8 nor Windows-1251 text; save it as UTF-8 or declare its encoding.")
    )


def _reads_as_utf8(data: bytes) -> bool:
    """True when `data` has non-ASCII bytes and all of them form UTF-8 (a cut sequence at the end aside)."""
    if data.isascii():
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def looks_like_misread_utf8(cells, encoding) -> bool:
    """A row decoded with a single-byte encoding whose bytes are in fact UTF-8 text ("РђР»РµСЃСЊ")."""
    for cell in cells:
        if cell and not cell.isascii():
            try:
                if _reads_as_utf8(cell.encode(encoding)):
                    return True
            except UnicodeEncodeError:
                continue
    return False


def json_depth(text: str) -> int:
    """How deep brackets nest in `text` (strings skipped), counted without decoding it."""
    depth = deepest = 0
    for token in _JSON_TOKENS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def check_width(header, complete=True):
    limit = setting("IMPORT_MAX_COLUMNS")
    if len(header) > limit:
        message = (
            _("The header has %(count)s columns; the limit is %(limit)s.")
            if complete
            else _("The header has at least %(count)s columns; the limit is %(limit)s.")
        )
        raise ImportFileError(message % {"count": len(header), "limit": limit})


def xlsx_limits():
    return Limits(
        max_cell_chars=setting("IMPORT_MAX_CELL_CHARS"),
        max_columns=setting("IMPORT_MAX_COLUMNS"),
        max_sheet_bytes=setting("IMPORT_XLSX_MAX_SHEET_BYTES"),
        max_shared_strings_bytes=setting("IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES"),
    )


def sniff_upload(fileobj, *, file_name: str, encoding: str = "") -> SniffResult:
    """What the file is: format, encoding and header; raises ImportFileError when plainly unusable.

    `fileobj` must be seekable; it is left at position 0.
    """
    fileobj.seek(0)
    sample = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    if not sample:
        raise ImportFileError(_("The file is empty."))
    if sample.startswith(XLSX_MAGIC):
        return SniffResult(ImportJob.Format.XLSX, "", _xlsx_header(fileobj))
    if _looks_binary(sample):
        raise ImportFileError(_("This is not a CSV, JSON or XLSX file (its content is binary)."))
    detected = detect_encoding(sample, encoding)
    text = codecs.getincrementaldecoder(detected)(errors="replace").decode(sample, final=False)
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.strip():
        raise ImportFileError(_("The file is empty."))
    if stripped.startswith("[") or file_name.lower().endswith(".json"):
        if not stripped.startswith("["):
            raise ImportFileError(_("A JSON import must be a list of objects ([{...}, ...])."))
        check_json_depth(stripped, _("the start of the file"))
        return SniffResult(ImportJob.Format.JSON, detected, [])
    try:
        first_line = next(csv.reader(io.StringIO(stripped)), [])
    except csv.Error as exc:
        raise ImportFileError(_("The CSV header cannot be read: %(reason)s.") % {"reason": exc}) from None
    check_width(first_line, complete="\n" in stripped or len(sample) < SNIFF_BYTES)
    return SniffResult(ImportJob.Format.CSV, detected, [cell.strip() for cell in first_line])


def check_json_depth(text, where):
    limit = setting("IMPORT_JSON_MAX_DEPTH")
    if json_depth(text) > limit:
        raise ImportFileError(
            _("The JSON nests lists or objects more than %(limit)s levels deep (in %(where)s).")
            % {"limit": limit, "where": where}
        )


def _xlsx_header(fileobj):
    """The first row of the first sheet, reading no further than it."""
    sheet = XlsxSheet(fileobj, xlsx_limits())
    try:
        header = xlsx_header(sheet)
        return [cell_text(cell) for cell in header]
    finally:
        sheet.close()
        fileobj.seek(0)


def xlsx_header(sheet):
    """The header cells of a sheet (row 1), refusing one wider than the column limit."""
    rows = sheet.rows()
    number, cells = next(rows, (None, {}))
    if number != 1:
        return []
    if 0 in cells:
        check_width(range(setting("IMPORT_MAX_COLUMNS") + cells[0]))
    width = max(cells, default=0)
    header = [cells.get(column) for column in range(1, width + 1)]
    if any(isinstance(cell, TooLong) for cell in header):
        raise ImportFileError(
            _("A header cell is longer than %(limit)s characters.") % {"limit": sheet.limits.max_cell_chars}
        )
    return header


# --- The stored upload -----------------------------------------------------------------------


def store_upload(job, fileobj) -> None:
    """Copy `fileobj` into the job's chunks (the upload's only home) and record its size and hash."""
    digest = hashlib.sha256()
    size = 0
    index = 0
    fileobj.seek(0)
    while True:
        data = fileobj.read(CHUNK_BYTES)
        if not data:
            break
        digest.update(data)
        size += len(data)
        ImportFileChunk.objects.create(job=job, index=index, data=data)
        index += 1
    job.file_size = size
    job.file_sha256 = digest.hexdigest()
    job.save(update_fields=["file_size", "file_sha256"])


class StoredUpload(io.RawIOBase):
    """A seekable read-only file over a job's chunks, fetching one chunk at a time."""

    def __init__(self, job_id, size):
        super().__init__()
        self.job_id = job_id
        self.size = size
        self.position = 0
        self._index = -1
        self._data = b""

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.position

    def seek(self, offset, whence=io.SEEK_SET):
        if whence == io.SEEK_SET:
            self.position = offset
        elif whence == io.SEEK_CUR:
            self.position += offset
        else:
            self.position = self.size + offset
        self.position = max(0, self.position)
        return self.position

    def _load(self, index):
        if index != self._index:
            data = (
                ImportFileChunk.objects.filter(job_id=self.job_id, index=index).values_list("data", flat=True).first()
            )
            self._data = bytes(data) if data is not None else b""
            self._index = index

    def readinto(self, buffer):
        if self.position >= self.size:
            return 0
        index, offset = divmod(self.position, CHUNK_BYTES)
        self._load(index)
        piece = self._data[offset : offset + len(buffer)]
        buffer[: len(piece)] = piece
        self.position += len(piece)
        return len(piece)


def open_stored(job):
    return io.BufferedReader(StoredUpload(job.pk, job.file_size), buffer_size=1024 * 1024)


# --- Header and value mapping ----------------------------------------------------------------


# --- Record streams --------------------------------------------------------------------------


class RecordStream:
    """(row number, {our column: value}, problem) for each data row; row numbers start at 1.

    A row too large to read (a cell or line past its limit) comes as (row number, None, problem).

    `tick` is called for every row read, empty ones included, and while long rows are read: the
    worker renews its lease there, so a file of empty rows never looks like a dead worker.
    """

    def __init__(self, job, tick=None):
        self.job = job
        self.mapping = None
        self.estimated_total = None
        self.tick = tick or (lambda: None)
        self.max_rows = setting("IMPORT_MAX_ROWS")
        self.max_cell = setting("IMPORT_MAX_CELL_CHARS")

    def check_row_limit(self, row):
        if row > self.max_rows:
            raise ImportFileError(_("The file has more than %(limit)s rows.") % {"limit": self.max_rows})

    def long_cell_problem(self, cells, header):
        """The row's problem when a cell is past the cell limit (the cell is emptied), else None."""
        for position, cell in enumerate(cells):
            if isinstance(cell, TooLong):
                length = cell.length
            elif isinstance(cell, list):
                length = max((len(item) for item in cell if isinstance(item, str)), default=0)
            else:
                length = len(cell) if isinstance(cell, str) else 0
            if length > self.max_cell:
                cells[position] = ""
                column = header[position] if position < len(header) else str(position + 1)
                return _("The cell in column '%(column)s' has %(length)s characters; the limit is %(limit)s.") % {
                    "column": column,
                    "length": length,
                    "limit": self.max_cell,
                }
        return None

    def __iter__(self):
        raise NotImplementedError


class CsvRecords(RecordStream):
    def _text(self):
        return io.TextIOWrapper(open_stored(self.job), encoding=self.job.encoding, errors="replace", newline="")

    def _lines(self, text):
        """The file's lines, each at most IMPORT_MAX_ROW_CHARS long: a longer one is read past, not kept."""
        limit = setting("IMPORT_MAX_ROW_CHARS")
        while line := text.readline(limit + 1):
            if len(line) > limit and not line.endswith(("\n", "\r")):
                while line and not line.endswith(("\n", "\r")):
                    line = text.readline(CHUNK_BYTES)
                    self.tick()
                line = TOO_LONG_LINE + "\n"
            yield line

    def open(self):
        csv.field_size_limit(setting("IMPORT_MAX_ROW_CHARS"))  # a quoted cell running over many lines
        text = self._text()
        reader = csv.reader(self._lines(text))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise ImportFileError(_("The CSV header cannot be read: %(reason)s.") % {"reason": exc}) from None
        if not header or not any(h.strip() for h in header):
            raise ImportFileError(_("The file has no header row."))
        header[0] = header[0].lstrip("\ufeff")
        check_width(header)
        self.mapping = ColumnMapping(header, self.job.mapping)
        self._text = text
        self._reader = reader
        self._row = 0  # rows read so far (empty ones included): the next row's number less one
        self.marks = frozenset()  # rows after which to note where the next row starts (`positions`)
        self.positions = {}  # row number -> the text reader's position where that row starts
        return self

    def seek_row(self, row, position):
        """Go to row `row`, which starts at `position` (noted in `positions` by a reading of the same file)."""
        self._text.seek(position)
        self._row = row - 1

    def count_rows(self):
        """Lines after the header: exact unless cells hold line breaks (the final count corrects it)."""
        lines = 0
        last = b"\n"
        with open_stored(self.job) as raw:
            while chunk := raw.read(CHUNK_BYTES):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
                self.tick()
        if last != b"\n":
            lines += 1
        return max(lines - 1, 0)

    def __iter__(self):
        mapping = self.mapping
        width = mapping.width
        single_byte = bool(_SINGLE_BYTE.match(codecs.lookup(self.job.encoding).name))
        max_row_chars = setting("IMPORT_MAX_ROW_CHARS")
        max_cell = self.max_cell
        marks = self.marks
        row = self._row
        while True:
            try:
                cells = next(self._reader, None)
            except csv.Error as exc:
                if "field larger than field limit" not in str(exc):
                    raise ImportFileError(
                        _("The CSV cannot be read after data row %(row)s: %(reason)s.") % {"row": row, "reason": exc}
                    ) from None
                cells = [TOO_LONG_LINE]
            if cells is None:
                return
            row += 1
            if marks and row in marks:  # this row is read whole: the reader is where the next row starts
                self.positions[row + 1] = self._text.tell()
            self.tick()
            self.check_row_limit(row)
            if not cells or not any(cells):
                continue
            problem = None
            # The row's checks on one joined text (csv gives only str cells): a few C-level scans, not a
            # generator per check; the separator never occurs in a sentinel or a replacement character.
            joined = "\x1f".join(cells)
            if TOO_LONG_LINE in joined:
                problem = _("This row is longer than %(limit)s characters; it is not read.") % {"limit": max_row_chars}
                yield row, None, problem
                continue
            if len(joined) > max_cell and (problem := self.long_cell_problem(cells, mapping.header)):
                yield row, None, problem
                continue
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                problem = _("This row has %(cells)s cells but the header has %(width)s.") % {
                    "cells": len(cells),
                    "width": width,
                }
            elif "\ufffd" in joined:
                problem = _("This row has bytes that are not %(encoding)s text; check the file's encoding.") % {
                    "encoding": self.job.encoding
                }
            elif single_byte and looks_like_misread_utf8(cells, self.job.encoding):
                problem = _(
                    "This row is UTF-8 text, not %(encoding)s: it would be stored garbled. Import the file as UTF-8."
                ) % {"encoding": self.job.encoding}
            yield row, mapping.map_cells(cells), problem


class JsonRecords(RecordStream):
    """A JSON list of objects, decoded one object at a time (never the whole file in memory)."""

    READ_CHARS = 1024 * 1024

    def open(self):
        self._objects = self._iter_objects()
        first = next(self._objects, None)
        if first is None:
            raise ImportFileError(_("The JSON list is empty."))
        if not isinstance(first, dict):
            raise ImportFileError(_("A JSON import must be a list of objects ([{...}, ...])."))
        self._first = first
        self.mapping = ColumnMapping([], self.job.mapping)
        return self

    def _iter_objects(self):
        text = io.TextIOWrapper(open_stored(self.job), encoding=self.job.encoding, errors="strict")
        decoder = json.JSONDecoder()
        buffer, position, ended = "", 0, False

        def fill():
            nonlocal buffer, position, ended
            try:
                more = text.read(self.READ_CHARS)
            except UnicodeDecodeError:
                raise ImportFileError(
                    _("The file is not %(encoding)s text; check its encoding.") % {"encoding": self.job.encoding}
                ) from None
            if not more:
                ended = True
            buffer = buffer[position:] + more
            position = 0

        def skip_space():
            nonlocal position
            while True:
                while position < len(buffer) and buffer[position] in " \t\r\n\ufeff":
                    position += 1
                if position < len(buffer) or ended:
                    return
                fill()

        max_chars = setting("IMPORT_MAX_ROW_CHARS")
        fill()
        skip_space()
        if position >= len(buffer) or buffer[position] != "[":
            raise ImportFileError(_("A JSON import must be a list of objects ([{...}, ...])."))
        position += 1
        skip_space()
        if position < len(buffer) and buffer[position] == "]":
            return
        count = 0
        while True:
            while True:
                try:
                    value, end = decoder.raw_decode(buffer, position)
                    break
                except json.JSONDecodeError as exc:
                    if ended:
                        raise ImportFileError(
                            _("The JSON is invalid after object %(count)s: %(reason)s.")
                            % {"count": count, "reason": exc.msg}
                        ) from None
                    if len(buffer) - position > max_chars:
                        raise ImportFileError(
                            _("Object %(number)s of the JSON is longer than %(limit)s characters.")
                            % {"number": count + 1, "limit": max_chars}
                        ) from None
                    self.tick()
                    fill()
                except RecursionError:
                    raise ImportFileError(
                        _("The JSON nests lists or objects too deep to read (in object %(number)s).")
                        % {"number": count + 1}
                    ) from None
            position = end
            count += 1
            yield value
            skip_space()
            if position >= len(buffer):
                raise ImportFileError(_("The JSON list is not closed with ']'."))
            if buffer[position] == "]":
                return
            if buffer[position] != ",":
                raise ImportFileError(_("The JSON is invalid after object %(count)s.") % {"count": count})
            position += 1
            skip_space()

    def count_rows(self):
        return sum(1 for _obj in self._iter_objects())

    def __iter__(self):
        mapping = self.mapping
        row = 1
        objects = self._objects
        obj = self._first
        while obj is not None:
            self.tick()
            self.check_row_limit(row)
            if not isinstance(obj, dict):
                yield row, {}, _("This item is not an object.")
            else:
                values = list(obj.values())
                problem = self.long_cell_problem(values, list(obj)) or _nesting_problem(values)
                if problem:
                    yield row, None, problem
                else:
                    yield row, mapping.map_object(obj), None
            obj = next(objects, None)
            row += 1


def _nesting_problem(values):
    """A value nesting lists or objects deeper than a list of text: not a row of this import."""
    for value in values:
        items = value if isinstance(value, list) else [value]
        if isinstance(value, dict) or any(isinstance(item, (list, dict)) for item in items):
            return _("A value holds nested lists or objects; give text, numbers or a list of them.")
    return None


class XlsxRecords(RecordStream):
    """The first sheet, streamed by `imports.xlsx` (its claimed dimension is never trusted)."""

    def open(self):
        self._sheet = XlsxSheet(open_stored(self.job), xlsx_limits(), tick=lambda: self.tick())
        header = xlsx_header(self._sheet)
        if not header or not any(cell_text(h).strip() for h in header):
            raise ImportFileError(_("The file has no header row."))
        self.mapping = ColumnMapping([cell_text(h) for h in header], self.job.mapping)
        self._rows = self._sheet.rows()
        next(self._rows, None)  # the header again
        return self

    def count_rows(self):
        """<row> elements after the header, counted by a byte scan (the final count corrects it)."""
        return max(self._sheet.count_rows() - 1, 0)

    def __iter__(self):
        mapping = self.mapping
        width = mapping.width
        for number, cells in self._rows:
            row = number - 1
            self.tick()
            self.check_row_limit(row)
            beyond = cells.pop(0, 0)
            if row < 1 or not cells:
                continue
            values = [cells.get(column) for column in range(1, width + 1)]
            problem = self.long_cell_problem(values, mapping.header)
            if problem:
                yield row, None, problem
                continue
            if beyond or max(cells) > width:
                problem = _("This row has cells beyond the header's %(width)s columns.") % {"width": width}
            yield row, mapping.map_cells(values), problem
        self._sheet.close()


READERS = {
    ImportJob.Format.CSV: CsvRecords,
    ImportJob.Format.JSON: JsonRecords,
    ImportJob.Format.XLSX: XlsxRecords,
}


def open_records(job, tick=None) -> RecordStream:
    """The job's rows as a stream; raises ImportFileError when the file cannot be read at all.

    `tick` is called as rows are read (see RecordStream)."""
    stream = READERS[job.file_format](job, tick).open()
    # A JSON object may leave out keys it has no value for: there, a missing full_name is a row error.
    if job.file_format != ImportJob.Format.JSON and "full_name" not in stream.mapping.columns:
        raise ImportFileError(stream.mapping.missing_full_name_message())
    return stream
