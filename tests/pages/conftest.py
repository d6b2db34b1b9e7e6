import pytest
from django.core.cache import cache
from django.test import Client

from tests.pages.scenario import build_december_13


@pytest.fixture
def dec13(db):
    return build_december_13()


@pytest.fixture
def staff_client(db, build):
    """A second client, logged in as staff who may see withheld records."""
    staff = Client()
    staff.force_login(build.user(perms=["prisoners.view_withheld"]))
    return staff


@pytest.fixture(autouse=True)
def fresh_cache():
    """Menus of countries in use are cached for a few minutes: each test starts from its own data."""
    cache.clear()
    yield
    cache.clear()
