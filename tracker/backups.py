"""Backups: the whole database (records, their history, users, import jobs with their stored uploads,
security records) and the media folder in one .tar.gz; restored into an empty, migrated database.

The data is Django's `dumpdata` in JSON Lines with times to the microsecond (tracker.exact_jsonl;
streamed both ways, so a large database is never held in memory), with foreign keys to content
types and permissions by natural key (those rows are recreated by `migrate`). A backup holds
everything, withheld names and password hashes included: store it encrypted (docs/operations.md).
"""

import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

DATA = "data.exactjsonl"
MANIFEST = "manifest.json"
MEDIA = "media"
# Recreated by `migrate`, or short-lived: not backed up.
EXCLUDED = ["contenttypes", "auth.Permission", "sessions", "admin.LogEntry"]
# Tables that must be empty before a restore (an "empty database" is one that was only migrated).
MUST_BE_EMPTY = ["auth.User", "prisoners.Prisoner", "releases.ReleaseEvent", "imports.ImportJob"]


class BackupError(Exception):
    pass


def applied_migrations():
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def backup(path) -> dict:
    """Write the backup archive to `path`; returns its manifest."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / DATA
        call_command(
            "dumpdata", format="exactjsonl", output=str(data), natural_foreign=True, exclude=EXCLUDED, verbosity=0
        )
        manifest = {
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": applied_migrations(),
            "records": sum(1 for _line in data.open(encoding="utf-8")),
        }
        (Path(folder) / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        with tarfile.open(path, "w:gz") as archive:
            archive.add(Path(folder) / MANIFEST, MANIFEST)
            archive.add(data, DATA)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, MEDIA)
    return manifest


def _check_empty():
    for label in MUST_BE_EMPTY:
        model = apps.get_model(label)
        if model.objects.exists():
            raise BackupError(f"The database is not empty ({label} has rows); restore into a freshly migrated one.")


def restore(path) -> dict:
    """Load the archive at `path` into this (empty, migrated) database and media folder."""
    _check_empty()
    with tarfile.open(path, "r:gz") as archive, tempfile.TemporaryDirectory() as folder:
        archive.extractall(folder, filter="data")
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
        missing = sorted(set(manifest["migrations"]) - set(applied_migrations()))
        if missing:
            raise BackupError(
                f"The backup needs migrations this database lacks: {', '.join(missing[:5])}; migrate first."
            )
        call_command("loaddata", str(Path(folder) / DATA), verbosity=0)
        media = Path(folder) / MEDIA
        if media.is_dir():
            target = Path(settings.MEDIA_ROOT)
            for source in media.rglob("*"):
                if source.is_file():
                    destination = target / source.relative_to(media)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    destination.write_bytes(source.read_bytes())
    return manifest
