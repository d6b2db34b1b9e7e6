"""One module decides who sees what (prisoners/visibility.py).

1. No other module filters or masks withheld data by itself: a scan of the source for the tell-tale
   patterns fails on any new place that decides on its own.
2. Every field of every serializer and CSV row that shows a withheld person is checked against the
   module's allow-list: a field added later is blank for the public unless someone decides otherwise.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from people.api.serializers import PrisonerDetailSerializer, PrisonerSerializer
from prisoners.visibility import KEPT_WHEN_WITHHELD
from releases.api.serializers import ReleaseSerializer
from tests.api.conftest import WITHHELD_WORDS
from tests.csv_download import csv_text

ROOT = Path(settings.BASE_DIR)
APPS = ("prisoners", "releases", "people", "imports", "corrections", "tracker")
# Deciding who sees what: comparing or filtering on a visibility value, or masking a name.
DECIDING = re.compile(
    r"Visibility\.(PUBLIC|PRIVATE|ANONYMIZED)"
    r"|visibility__(in|exact|gt|lt)"
    r"|\.(filter|exclude)\([^)]*\bvisibility="
    r"|WITHHELD_NAME"
)
# Where a visibility value is written or declared, not decided on: the model (its index mirrors the
# module's sort), the demo loader (a value it stores).
ALLOWED = {
    "prisoners/visibility.py",
    "prisoners/models.py",
    "releases/management/commands/load_demo.py",
}


def _modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, path.read_text()


def test_no_module_outside_the_visibility_module_decides_who_sees_what():
    offenders = [
        f"{relative}:{number}: {line.strip()}"
        for relative, text in _modules()
        if relative not in ALLOWED
        for number, line in enumerate(text.splitlines(), 1)
        if DECIDING.search(line)
    ]
    assert offenders == []


def test_the_scan_would_catch_a_module_that_decides_by_itself():
    assert DECIDING.search("queryset.filter(visibility=Visibility.PUBLIC)")
    assert DECIDING.search('people.exclude(prisoner__visibility__in=["private"])')
    assert DECIDING.search('data["full_name"] = str(WITHHELD_NAME)')


# --- Every field of a withheld person, checked against the allow-list ---------------------------------

pytestmark_db = pytest.mark.django_db

SHAPES = {
    "/api/v1/prisoners/{anonymized}/": ("person", PrisonerDetailSerializer),
    "/api/v1/releases/{release}/": ("release", ReleaseSerializer),
}


def _blank(value):
    return value in ("", None, [], {}, False)


def _leaks(value):
    text = str(value)
    return [word for word in WITHHELD_WORDS if word in text]


@pytest.mark.django_db
def test_every_field_of_a_withheld_person_is_kept_on_purpose_or_blank(december, client):
    anonymized = december["anonymized"]
    ids = {"anonymized": anonymized.pk, "release": anonymized.releases.get().pk}
    for template, (shape, serializer) in SHAPES.items():
        data = client.get(template.format(**ids)).json()
        declared = set(serializer().fields)
        assert set(data) <= declared  # the response holds nothing the serializer does not declare
        for name in declared:
            if serializer().fields[name].write_only or name not in data:
                continue
            if name in KEPT_WHEN_WITHHELD[shape]:
                assert not _leaks(data[name]), (template, name)
            else:
                assert _blank(data[name]), (template, name, data[name])
    # The list shape: the same allow-list for the fields a list row shows.
    rows = client.get("/api/v1/prisoners/", {"page_size": 500}).json()["results"]
    row = next(row for row in rows if row["id"] == anonymized.pk)
    for name in PrisonerSerializer().fields:
        if name in row and name not in KEPT_WHEN_WITHHELD["person"]:
            assert _blank(row[name]), name
    assert not _leaks(row)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, shape", [("/api/v1/prisoners/?format=csv", "person_row"), ("/api/v1/releases/?format=csv", "release_row")]
)
def test_every_csv_column_of_a_withheld_person_is_kept_on_purpose_or_blank(december, client, url, shape):
    import csv
    import io

    response = client.get(url)
    text = csv_text(response)
    rows = list(csv.DictReader(io.StringIO(text)))
    withheld = [row for row in rows if row["withheld"] in ("True", "true", "1")]
    assert withheld  # the anonymized person is listed, as "Name withheld"
    for row in withheld:
        for column, value in row.items():
            if column in KEPT_WHEN_WITHHELD[shape]:
                assert not _leaks(value), column
            else:
                assert value in ("", "[]", "False", "false"), (column, value)
    assert not _leaks(text)


@pytest.mark.django_db
def test_the_withheld_persons_page_shows_no_field_outside_the_allow_list(december, client):
    anonymized = december["anonymized"]
    body = client.get(f"/prisoners/{anonymized.pk}/").content.decode()
    assert not _leaks(body)
    for secret in ("Penal colony 3", "is a teacher", "family asked", "1980", "crossed at Kyiv"):
        assert secret not in body
