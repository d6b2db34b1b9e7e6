from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "releases"

    def ready(self):
        from tracker.read_cache import watch_writes

        watch_writes()  # every write to people and releases invalidates the cached reads
