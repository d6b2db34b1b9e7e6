"""Settings of the import pipeline, read with their defaults."""

from django.conf import settings


def setting(name, default):
    return getattr(settings, name, default)
