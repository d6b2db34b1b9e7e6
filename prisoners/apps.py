from django.apps import AppConfig


class PrisonersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "prisoners"
