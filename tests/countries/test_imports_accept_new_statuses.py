"""Imports read the new status tokens with the same rule as the services."""

import pytest

from prisoners.models import Prisoner
from tests.imports.conftest import csv_bytes, errors_of, import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(build):
    return build.user(username="importer", perms=["imports.import_records"])


def test_house_arrest_and_disappeared_are_imported_and_checked_against_the_timeline(importer):
    content = csv_bytes(
        "S1,Synthetic Home Held,,SY,SY,,,2022-03-01,,,house_arrest,,,,,",
        "S2,Synthetic Missing,,SY,SY,,,2022-03-01,,,disappeared,,,,,",
        "S3,Synthetic Contradiction,,SY,SY,,,2022-03-01,,,disappeared,2023-01-01,,,,",
    )
    job = import_file(content, user=importer)
    statuses = dict(Prisoner.objects.values_list("full_name", "status"))
    assert statuses == {"Synthetic Home Held": "house_arrest", "Synthetic Missing": "disappeared"}
    assert [(row, field) for row, field, _message in errors_of(job)] == [(3, "status")]
