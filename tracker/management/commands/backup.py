"""`manage.py backup FILE.tar.gz`: the database and the media folder in one archive (tracker.backups)."""

from django.core.management.base import BaseCommand

from tracker.backups import backup


class Command(BaseCommand):
    help = "Write a backup archive (.tar.gz) of the whole database and the media folder."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the archive, e.g. backup-2025-12-13.tar.gz")

    def handle(self, *args, path, **options):
        manifest = backup(path)
        self.stdout.write(f"Wrote {path}: {manifest['records']} rows, {len(manifest['migrations'])} migrations.")
