"""The people and releases exports: plain values a chunk at a time, a fixed number of queries per chunk whatever
the number of rows, the same rows the instance-based `csv_row` builds, and a last line counting the rows."""

import csv
import io

import pytest
from django.db import connection
from rest_framework.test import APIClient

from people.api.views import PrisonerViewSet
from releases.api.views import ReleaseViewSet
from tests.csv_download import csv_text

pytestmark = pytest.mark.django_db


def _people(build, count):
    event = build.event("Synthetic export event", slug=f"synthetic-export-{count}")
    source = build.source(f"https://example.org/export/{count}", title="Export report")
    for n in range(count):
        person = build.prisoner(
            f"Synthetic Export {count}-{n:03d}",
            visibility="anonymized" if n % 5 == 0 else "public",
            sources=[source],
            name_variants=[f"Synthetic Variant {n}"],
        )
        build.detention(person, charges="342|130", sources=[source])
        build.release(person, event=event, destination="LT", forced_exile=True, sources=[source])
    build.prisoner("Synthetic Export Private", visibility="private")


@pytest.mark.parametrize("count", [3, 30])
def test_exports_run_a_fixed_number_of_queries(build, count, django_assert_num_queries):
    _people(build, count)
    client = APIClient()
    csv_text(client.get("/api/v1/prisoners/", {"format": "csv"}))  # content types cached, as in a running site
    # SQLite: people, variants, detentions, latest releases, sources: one query each per chunk of 2,000 people.
    # PostgreSQL: one COPY of the whole list (tracker/api/csv_copy.py), between setting and resetting its
    # session settings (ISO dates, sort memory, no JIT).
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 5):
        rows = list(csv.DictReader(io.StringIO(csv_text(client.get("/api/v1/prisoners/", {"format": "csv"})))))
    assert len(rows) == count  # the private person is absent
    # releases (with person, event, destination), their sources
    with django_assert_num_queries(2):
        rows = list(csv.DictReader(io.StringIO(csv_text(client.get("/api/v1/releases/", {"format": "csv"})))))
    assert len(rows) == count


@pytest.mark.parametrize(
    ("url", "viewset"), [("/api/v1/prisoners/", PrisonerViewSet), ("/api/v1/releases/", ReleaseViewSet)]
)
def test_plain_value_rows_equal_the_instance_rows(build, rf, url, viewset):
    """The fast rows and `csv_row` over model instances agree cell for cell, withheld people included."""
    _people(build, 6)
    fast = list(csv.DictReader(io.StringIO(csv_text(APIClient().get(url, {"format": "csv"})))))

    class InstanceRows(viewset):
        def csv_rows(self, queryset):
            return (self.csv_row(obj) for obj in queryset.iterator(chunk_size=1000))

    request = rf.get(url, {"format": "csv"})
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = InstanceRows.as_view({"get": "list"})(request)
    slow = list(csv.DictReader(io.StringIO(csv_text(response))))
    assert fast == slow and len(fast) == 6
    assert any(row["full_name"] == "Name withheld" for row in fast)
