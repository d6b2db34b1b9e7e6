"""The first sheet of an XLSX file as a stream of rows, in bounded memory and time.

openpyxl (even read-only) trusts the sheet's claimed `<dimension>`, pads every row to it, reads a
sheet without one to its end to find its size, and holds each cell and every shared string whole:
a 1.6 KB file claiming A1:XFD1048576 or a 1.5 MB file expanding to 1 GiB ties up a worker. Here the
archive's parts are decompressed 64 KiB at a time into expat, the claimed dimension is ignored,
only cells that exist are kept, a cell longer than the limit is kept as a `TooLong` marker (its
text is counted, not stored), and each part's expanded size is limited before and while reading.
"""

import posixpath
import re
import zipfile
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from imports.errors import ImportFileError

READ_BYTES = 64 * 1024
SMALL_PART_BYTES = 16 * 1024 * 1024  # workbook.xml, its relationships, styles.xml
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


class TooLong:
    """A cell whose text passed the limit: only its length is kept."""

    __slots__ = ("length",)

    def __init__(self, length):
        self.length = length


class SharedStrings:
    """The workbook's shared strings in one UTF-8 buffer with their offsets (no object per string)."""

    def __init__(self):
        self._data = bytearray()
        self._ends = []
        self._too_long = {}

    def add(self, text, too_long_length=None):
        if too_long_length is not None:
            self._too_long[len(self._ends)] = too_long_length
            text = ""
        self._data += text.encode("utf-8")
        self._ends.append(len(self._data))

    def __getitem__(self, index):
        if index in self._too_long:
            return TooLong(self._too_long[index])
        start = self._ends[index - 1] if index else 0
        return self._data[start : self._ends[index]].decode("utf-8")

    def __len__(self):
        return len(self._ends)


def _local(name):
    return name.rpartition(":")[2]


def _refuse_doctype(*_args):
    raise ImportFileError(_("This XLSX file declares a DTD; spreadsheets never do, so it is not read."))


def _parser():
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.buffer_text = True
    return parser


class Limits:
    def __init__(self, *, max_cell_chars, max_columns, max_sheet_bytes, max_shared_strings_bytes):
        self.max_cell_chars = max_cell_chars
        self.max_columns = max_columns
        self.max_sheet_bytes = max_sheet_bytes
        self.max_shared_strings_bytes = max_shared_strings_bytes


class XlsxSheet:
    """Open the archive and find the first sheet; `rows()` streams it as (sheet row, {column: value})."""

    def __init__(self, fileobj, limits, tick=lambda: None):
        self.limits = limits
        self.tick = tick
        try:
            self.archive = zipfile.ZipFile(fileobj)
            self.sheet_path = self._first_sheet_path()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError, ValueError, expat.ExpatError) as exc:
            raise ImportFileError(
                _("This XLSX file cannot be opened (%(reason)s).") % {"reason": exc.__class__.__name__}
            ) from None
        self._check_size(self.sheet_path, limits.max_sheet_bytes)
        self.shared = None
        self.date_styles, self.epoch = set(), CALENDAR_WINDOWS_1900

    # The small parts ----------------------------------------------------------------------------
    def _member(self, path):
        try:
            return self.archive.getinfo(path)
        except KeyError:
            return None

    def _check_size(self, path, limit):
        info = self._member(path)
        if info is None:
            raise ImportFileError(_("This XLSX file has no %(part)s; it cannot be read.") % {"part": path})
        if info.file_size > limit:
            raise ImportFileError(
                _("Part %(part)s of this XLSX file expands to %(size)s bytes; the limit is %(limit)s bytes.")
                % {"part": path, "size": info.file_size, "limit": limit}
            )
        return info

    def _parse_small(self, path, start):
        """Run `start(tag, attrs)` over every element of a small part; missing parts are skipped."""
        if self._member(path) is None:
            return
        self._check_size(path, SMALL_PART_BYTES)
        parser = _parser()
        parser.StartElementHandler = lambda name, attrs: start(_local(name), attrs)
        parser.Parse(self.archive.read(path), True)

    def _first_sheet_path(self):
        sheets, targets, workbook = [], {}, {}

        def on_workbook(tag, attrs):
            if tag == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
                sheets.append(rid)
            elif tag == "workbookPr":
                workbook["date1904"] = attrs.get("date1904", "") in ("1", "true")

        def on_rels(tag, attrs):
            if tag == "Relationship":
                targets[attrs.get("Id")] = attrs.get("Target", "")

        self._parse_small("xl/workbook.xml", on_workbook)
        self._parse_small("xl/_rels/workbook.xml.rels", on_rels)
        self.date1904 = workbook.get("date1904", False)
        target = targets.get(sheets[0]) if sheets else None
        if not target:
            return "xl/worksheets/sheet1.xml"
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        return path

    def load_shared_parts(self):
        """Styles (which cells hold dates) and shared strings, each within its limit."""
        self.epoch = CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900
        formats, xf_formats, where = dict(BUILTIN_FORMATS), [], []

        def on_style(tag, attrs):
            if tag == "numFmt":
                formats[int(attrs.get("numFmtId", 0))] = attrs.get("formatCode", "")
            elif tag in ("cellXfs", "cellStyleXfs"):
                where.append(tag)
            elif tag == "xf" and where and where[-1] == "cellXfs":
                xf_formats.append(int(attrs.get("numFmtId", 0) or 0))

        self._parse_small("xl/styles.xml", on_style)
        self.date_styles = {
            index for index, fmt_id in enumerate(xf_formats) if fmt_id in formats and is_date_format(formats[fmt_id])
        }
        self.shared = SharedStrings()
        if self._member("xl/sharedStrings.xml") is not None:
            self._check_size("xl/sharedStrings.xml", self.limits.max_shared_strings_bytes)
            handler = _SharedStringsHandler(self)
            for _nothing in self._stream("xl/sharedStrings.xml", self.limits.max_shared_strings_bytes, handler):
                pass

    # Streaming -----------------------------------------------------------------------------------
    def _stream(self, path, limit, handler):
        """Feed a part to expat in pieces; yields whatever the handler completed after each piece."""
        parser = _parser()
        parser.StartElementHandler = handler.start
        parser.EndElementHandler = handler.end
        parser.CharacterDataHandler = handler.text
        read = 0
        try:
            with self.archive.open(path) as part:
                while piece := part.read(READ_BYTES):
                    read += len(piece)
                    if read > limit:
                        raise ImportFileError(
                            _("Part %(part)s of this XLSX file expands beyond the limit of %(limit)s bytes.")
                            % {"part": path, "limit": limit}
                        )
                    parser.Parse(piece, False)
                    self.tick()
                    yield from handler.take()
                parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise ImportFileError(
                _("This XLSX file's %(part)s is not well-formed XML (%(reason)s).") % {"part": path, "reason": exc}
            ) from None
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise ImportFileError(
                _("This XLSX file is damaged (%(reason)s).") % {"reason": exc.__class__.__name__}
            ) from None
        yield from handler.take()

    def rows(self):
        """(sheet row number, {column index from 1: value}) for each <row> of the first sheet."""
        if self.shared is None:
            self.load_shared_parts()
        yield from self._stream(self.sheet_path, self.limits.max_sheet_bytes, _SheetHandler(self))

    def count_rows(self):
        """The number of <row> elements, by a plain byte scan (no XML parsing)."""
        count, tail = 0, b""
        with self.archive.open(self.sheet_path) as part:
            while piece := part.read(READ_BYTES * 16):
                data = tail + piece
                count += len(_ROW_TAG.findall(data))
                tail = data[-32:]
                count -= len(_ROW_TAG.findall(tail))  # counted again with the next piece
                self.tick()
        return count + len(_ROW_TAG.findall(tail))

    def close(self):
        self.archive.close()


class _TextCollector:
    """Collects a cell's text up to the limit; past it, only counts characters."""

    def __init__(self, limit):
        self.limit = limit
        self.reset()

    def reset(self):
        self.pieces, self.length, self.on = [], 0, False

    def add(self, data):
        if not self.on:
            return
        self.length += len(data)
        if self.length <= self.limit:
            self.pieces.append(data)
        elif self.pieces:
            self.pieces = []

    def value(self):
        if self.length > self.limit:
            return TooLong(self.length)
        return "".join(self.pieces)


class _SharedStringsHandler:
    def __init__(self, sheet):
        self.shared = sheet.shared
        self.collector = _TextCollector(sheet.limits.max_cell_chars)
        self.phonetic = 0

    def start(self, name, attrs):
        tag = _local(name)
        if tag == "si":
            self.collector.reset()
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and not self.phonetic:
            self.collector.on = True

    def end(self, name):
        tag = _local(name)
        if tag == "t":
            self.collector.on = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "si":
            value = self.collector.value()
            if isinstance(value, TooLong):
                self.shared.add("", too_long_length=value.length)
            else:
                self.shared.add(value)

    def text(self, data):
        self.collector.add(data)

    def take(self):
        return ()


class _SheetHandler:
    def __init__(self, sheet):
        self.sheet = sheet
        self.max_columns = sheet.limits.max_columns
        self.collector = _TextCollector(sheet.limits.max_cell_chars)
        self.done = []
        self.row_number = 0
        self.cells = None
        self.column = 0
        self.cell_type = self.cell_style = None
        self.in_inline = self.phonetic = 0
        self.beyond = 0  # cells past the column limit in this row

    def start(self, name, attrs):
        tag = _local(name)
        if tag == "row":
            number = attrs.get("r")
            self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
            self.cells, self.column, self.beyond = {}, 0, 0
        elif tag == "c" and self.cells is not None:
            match = _CELL_REF.match(attrs.get("r", ""))
            self.column = column_index_from_string(match.group(1).upper()) if match else self.column + 1
            self.cell_type = attrs.get("t", "n")
            style = attrs.get("s")
            self.cell_style = int(style) if style and style.isdigit() else None
            self.collector.reset()
        elif tag == "v":
            self.collector.on = True
        elif tag == "is":
            self.in_inline += 1
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and self.in_inline and not self.phonetic:
            self.collector.on = True

    def end(self, name):
        tag = _local(name)
        if tag in ("v", "t"):
            self.collector.on = False
        elif tag == "is":
            self.in_inline -= 1
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "c" and self.cells is not None:
            if self.column > self.max_columns:
                if self.collector.length:
                    self.beyond += 1
                return
            value = self._value()
            if value not in (None, ""):
                self.cells[self.column] = value
        elif tag == "row" and self.cells is not None:
            if self.beyond:
                self.cells[0] = self.beyond  # column 0: how many non-empty cells lie past the column limit
            self.done.append((self.row_number, self.cells))
            self.cells = None

    def text(self, data):
        self.collector.add(data)

    def take(self):
        done, self.done = self.done, []
        return done

    def _value(self):
        raw = self.collector.value()
        if isinstance(raw, TooLong):
            return raw
        kind = self.cell_type
        if kind == "s":
            try:
                return self.sheet.shared[int(raw)]
            except (ValueError, IndexError):
                return None
        if kind in ("inlineStr", "str", "e", "d"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if not raw:
            return None
        try:
            number = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
        except ValueError:
            return raw
        if self.cell_style in self.sheet.date_styles:
            try:
                return from_excel(number, self.sheet.epoch)
            except (ValueError, OverflowError):
                return number
        return number
