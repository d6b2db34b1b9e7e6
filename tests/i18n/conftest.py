"""The four catalogues compiled before any test runs (as `make test` does), and shared helpers."""

import pytest
from django.test import Client
from django.utils import translation

from tests.pages.scenario import build_december_13
from tracker.catalogues import compile_catalogues

# At collection, before Django reads any catalogue: a bare `pytest tests/i18n` needs no make step.
compile_catalogues()

LANGUAGES = ("en", "be", "ru", "uk")
OTHER_LANGUAGES = ("be", "ru", "uk")


def in_language(path: str, language: str) -> str:
    """The page's address in a language: no prefix for English."""
    return path if language == "en" else f"/{language}{path}"


@pytest.fixture
def dec13(db):
    return build_december_13()


@pytest.fixture
def reader():
    """An anonymous reader who has been here before (a language cookie, so no first-visit redirect)."""
    client = Client()
    client.cookies["tracker_language"] = "en"
    return client


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request activates its language for the thread; later tests must start in English again."""
    yield
    translation.deactivate()
