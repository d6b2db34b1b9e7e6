"""`manage.py restore FILE.tar.gz`: load a backup into an empty, migrated database (tracker.backups)."""

from django.core.management.base import BaseCommand, CommandError

from tracker.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database (run `migrate` first)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by `manage.py backup`.")

    def handle(self, *args, path, **options):
        try:
            manifest = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored {manifest['records']} rows from the backup of {manifest['created_at']}.")
