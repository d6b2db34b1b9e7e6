from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """No models: installed so that its admin.py is discovered (the person's admin page)."""

    name = "people"
