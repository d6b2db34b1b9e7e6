import pytest
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
