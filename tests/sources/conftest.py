import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from tests.pages.scenario import build_december_13


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo loaded once per module, in a transaction rolled back at its end (tests nest as savepoints)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    return None


@pytest.fixture(autouse=True)
def fresh_cache():
    """Menus and the reports' throttle live in the cache: each test starts from its own."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dec13(db):
    return build_december_13()
