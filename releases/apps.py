from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "releases"

    def ready(self):
        from prisoners import visibility
        from tracker.read_cache import watch_writes

        # Every write to people and releases invalidates the cached reads; the visibility module judges which of
        # them change who sees what.
        watch_writes(
            before=visibility.visibility_before,
            saved=visibility.save_changes_visibility,
            deleted=visibility.deletion_changes_visibility,
            linked=visibility.links_change_visibility,
        )
