"""Compile locale/*/LC_MESSAGES/*.po into .mo with polib: no system gettext (msgfmt) needed.

`make run`, `make test` and the Docker image run it; it rewrites only catalogues whose .po is newer.
"""

from django.core.management.base import BaseCommand

from tracker.catalogues import compile_catalogues


class Command(BaseCommand):
    help = "Compile the translation catalogues (locale/**/*.po -> .mo) without GNU gettext."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Recompile even when the .mo is up to date.")

    def handle(self, *args, force=False, **options):
        compiled = compile_catalogues(force=force)
        for path in compiled:
            self.stdout.write(f"compiled {path}")
        self.stdout.write(self.style.SUCCESS(f"{len(compiled)} catalogue(s) compiled."))
