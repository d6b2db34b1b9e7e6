"""Settings of the import pipeline, read with their defaults; the limits that keep a hostile file small.

Every limit is a Django setting (read from the environment in tracker/settings.py). A file past a
file-wide limit is refused at upload (400) or fails its job with a file-level error; a row past a
row limit is one row error, and the rest of the file goes in.
"""

from django.conf import settings

DEFAULTS = {
    # Data rows in one file.
    "IMPORT_MAX_ROWS": 5_000_000,
    # Columns of the header (and cells read per row).
    "IMPORT_MAX_COLUMNS": 1_000,
    # Characters in one cell: Excel's own limit, so no real spreadsheet is refused.
    "IMPORT_MAX_CELL_CHARS": 32_767,
    # Characters in one CSV line or one JSON object (a longer CSV line is one row error; JSON fails).
    "IMPORT_MAX_ROW_CHARS": 16 * 1024 * 1024,
    # Expanded size of an XLSX sheet (streamed) and of its shared strings (held in memory).
    "IMPORT_XLSX_MAX_SHEET_BYTES": 512 * 1024 * 1024,
    "IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES": 128 * 1024 * 1024,
    # Nesting of a JSON file: a list of objects whose list columns are arrays is 3 deep.
    "IMPORT_JSON_MAX_DEPTH": 32,
}


def setting(name, default=None):
    return getattr(settings, name, DEFAULTS.get(name) if default is None else default)


def heartbeat_seconds():
    """How often a worker renews its lease while it reads: a third of the lease, so one missed beat is no loss."""
    configured = getattr(settings, "IMPORT_HEARTBEAT_SECONDS", None)
    if configured is not None:
        return configured
    return setting("IMPORT_LEASE_SECONDS", 30) / 3
