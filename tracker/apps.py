from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"

    def ready(self):
        from tracker.celery_app import ensure_queue_folders

        ensure_queue_folders()

        from tracker import security_log

        security_log.connect_axes()
