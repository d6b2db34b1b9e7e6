"""The translation catalogues in locale/: compiled to .mo with polib (pure Python, pinned).

Imports nothing of Django's settings, so tests and the Makefile can compile before Django starts.
"""

from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
# The same folders as settings.LOCALE_PATHS: the interface, and the Belarusian month and country names.
LOCALE_DIRS = (BASE_DIR / "locale", BASE_DIR / "locale-names")


def catalogue_paths(locale_dirs=LOCALE_DIRS) -> list[Path]:
    return sorted(path for locale_dir in locale_dirs for path in locale_dir.glob("*/LC_MESSAGES/*.po"))


def compile_catalogues(*, force: bool = False, locale_dirs=LOCALE_DIRS) -> list[Path]:
    """Write each .po's .mo when missing or older than the .po; returns the .po files compiled."""
    compiled = []
    for po_path in catalogue_paths(locale_dirs):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        # Fuzzy entries are left out, as msgfmt does: a guessed translation is not shown to readers.
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled.append(po_path)
    return compiled
