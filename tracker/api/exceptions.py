"""The API's error answers in the reader's language.

Django's get_object_or_404 says "No ReleaseEvent matches the given query." in English whatever the
request asked for; the API answers DRF's own (translated) "Not found." instead.
"""

from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
