from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Imports"

    def ready(self):
        from imports import bulk_history
        from tracker.history import register_bulk_creations

        register_bulk_creations(jobs=bulk_history.jobs, latest=bulk_history.latest)
