"""A list request's work outside its queries (issue 16, must-have 2): what each request used to build and throw away.

- DRF's model-permission check built the view's whole queryset (visibility filters, prefetches) only to learn its
  model, though a read needs no model permission.
- The anonymous and the per-user throttle each read and wrote a list of timestamps: four trips to Redis a
  request. They now count in one pipeline (`tracker.cache.count_many_in_window`), still 429 with Retry-After.
- The FilterSet built its form (a new form class, its fields, validation) on every request, also when no filter
  was given; the form class is now made once per FilterSet and language, and a request without any filter
  parameter skips the form (its cleaned values are those of an empty form).
"""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from people.api.views import PERSON_PAGE, PrisonerViewSet
from people.filtersets import PrisonerFilterSet
from releases.api.views import RELEASE_PAGE, ReleaseViewSet

pytestmark = pytest.mark.django_db
COMPILED = {PrisonerViewSet: PERSON_PAGE, ReleaseViewSet: RELEASE_PAGE}


@pytest.fixture
def listed(build):
    event = build.event("Overhead event", slug="overhead-event", date=date(2025, 6, 1))
    for n in range(3):
        person = build.prisoner(f"Overhead Person {n}", visibility="anonymized" if n == 1 else "public")
        build.release(person, event=event, destination="LT")
    return event


@pytest.mark.parametrize(
    ("url", "viewset"), [("/api/v1/prisoners/", PrisonerViewSet), ("/api/v1/releases/", ReleaseViewSet)]
)
def test_a_read_builds_the_views_queryset_once(listed, url, viewset, monkeypatch):
    calls = []
    original = viewset.get_queryset

    def counting(self):
        calls.append(self.action)
        return original(self)

    monkeypatch.setattr(viewset, "get_queryset", counting)
    monkeypatch.setattr(COMPILED[viewset], "_shapes", {})
    assert APIClient().get(url).status_code == 200
    # On PostgreSQL the first request of a shape compiles its page query: the queryset built twice, with stand-ins
    # for the values (tracker.api.compiled_list); every later request of the shape builds none.
    assert calls == (["list", "list"] if connection.vendor == "postgresql" else ["list"])
    calls.clear()
    assert APIClient().get(url, {"page_size": 7}).status_code == 200
    assert calls == ([] if connection.vendor == "postgresql" else ["list"])


def test_writes_still_need_the_model_permission(listed, build):
    api = APIClient()
    editor = build.user(username="overhead-editor")
    api.force_authenticate(editor)
    assert api.get("/api/v1/prisoners/").status_code == 200
    assert api.post("/api/v1/prisoners/", {"full_name": "Overhead New"}, format="json").status_code == 403
    editor.user_permissions.add(Permission.objects.get(codename="add_prisoner"))
    api.force_authenticate(type(editor).objects.get(pk=editor.pk))
    assert api.post("/api/v1/prisoners/", {"full_name": "Overhead New"}, format="json").status_code != 403


@pytest.fixture
def rates(monkeypatch):
    from django.core.cache import cache

    cache.clear()  # counts of earlier tests (accounts' ids are reused) start afresh

    def set_rates(anon, user):
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", anon)
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", user)

    yield set_rates
    cache.clear()


def test_an_anonymous_reader_is_throttled_with_retry_after(listed, rates):
    rates("3/minute", "1000/minute")
    api = APIClient(REMOTE_ADDR="203.0.113.61")
    codes = [api.get("/api/v1/prisoners/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = api.get("/api/v1/releases/")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert APIClient(REMOTE_ADDR="203.0.113.62").get("/api/v1/prisoners/").status_code == 200


def test_the_per_user_rate_holds_for_anonymous_readers_too(listed, rates):
    """As with DRF's UserRateThrottle: an anonymous reader counts under the user rate by address as well."""
    rates("1000/minute", "2/minute")
    api = APIClient(REMOTE_ADDR="203.0.113.63")
    assert [api.get("/api/v1/releases/").status_code for _ in range(3)] == [200, 200, 429]


def test_a_signed_in_reader_counts_per_account_under_the_user_rate(listed, rates, build):
    rates("1/minute", "2/minute")
    api = APIClient(REMOTE_ADDR="203.0.113.64")
    api.force_authenticate(build.user(username="overhead-reader"))
    assert [api.get("/api/v1/prisoners/").status_code for _ in range(3)] == [200, 200, 429]
    other = APIClient(REMOTE_ADDR="203.0.113.64")
    other.force_authenticate(build.user(username="overhead-other"))
    assert other.get("/api/v1/prisoners/").status_code == 200  # same address, another account


@pytest.mark.redis
def test_both_throttles_count_in_one_trip_to_redis(listed, rates, trips, settings):
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "ResilientRedisCache"
    settings.READ_CACHE_SUMMARY_SECONDS = 0
    rates("1000/minute", "1000/minute")
    api = APIClient(REMOTE_ADDR="203.0.113.65")
    assert api.get("/api/v1/prisoners/").status_code == 200
    assert len(trips) == 1, trips


def test_the_form_class_is_made_once_per_filterset_and_language(rf):
    from django.utils import translation

    def form_class():
        return type(PrisonerFilterSet({"status": "held"}, request=rf.get("/")).form)

    with translation.override("en"):
        first, second = form_class(), form_class()
        english = str(first.base_fields["status"].label)
    with translation.override("be"):
        belarusian = form_class()
        label = str(belarusian.base_fields["status"].label)
    assert first is second
    assert belarusian is not first
    assert label != english


def test_a_list_without_filters_skips_the_form(listed, monkeypatch):
    built = []
    original = PrisonerFilterSet.get_form_class

    def spying(self):
        built.append(dict(self.data))
        return original(self)

    monkeypatch.setattr(PrisonerFilterSet, "get_form_class", spying)
    api = APIClient()
    plain = api.get("/api/v1/prisoners/", {"page_size": 2})
    assert plain.status_code == 200 and len(plain.json()["results"]) == 2
    assert built == []
    filtered = api.get("/api/v1/prisoners/", {"page_size": 2, "status": "released"})
    assert filtered.status_code == 200 and len(built) == 1
    bad = api.get("/api/v1/prisoners/", {"status": "nonsense"})
    assert bad.status_code == 400 and "status" in bad.json()


def test_the_people_list_by_status_has_an_index_in_its_order():
    """`?ordering=status` sorted the 930,000 visible people on each request (220-350 ms at 1M): the index on
    (status, id) serves the order and its cursor's range, and still serves `?status=` (its first column)."""
    from django.db import connection

    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "prisoners_prisoner")
    assert any(index["index"] and index["columns"] == ["status", "id"] for index in indexes.values())


@pytest.mark.postgres
def test_the_pages_variants_and_detentions_are_compiled_once(listed, build, monkeypatch):
    """Their querysets were built and compiled on every request; now once per process (and reader class), the page's
    ids one array."""
    from django.db import connection
    from django.db.models.sql.compiler import SQLCompiler
    from django.test.utils import CaptureQueriesContext

    build.detention(build.prisoner("Overhead Detained", name_variants=["Overhead Variant"]), charges="342")
    api = APIClient()
    first = api.get("/api/v1/prisoners/").json()
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model.__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    with CaptureQueriesContext(connection) as queries:
        again = api.get("/api/v1/prisoners/").json()
    assert again == first
    assert "NameVariant" not in compiled and "Detention" not in compiled and "Release" not in compiled
    # Their releases too (once per reader class), the three sent together as one statement prepared on the
    # connection, then executed (`rows_together`); and the page's own query (a first page without filter values,
    # `tracker.api.compiled_list`).
    assert sum(query["sql"].startswith("EXECUTE page_query_") for query in queries.captured_queries) == 2
    detained = next(row for row in again["results"] if row["full_name"] == "Overhead Detained")
    assert detained["name_variants"][0]["name"] == "Overhead Variant" and detained["detentions"][0]["charges"] == [
        "342"
    ]


def test_the_browsable_api_still_shows_the_filter_form_of_an_unfiltered_list(listed):
    html = APIClient().get("/api/v1/prisoners/", {"format": "api"}).content.decode()
    assert 'name="status"' in html and 'name="release_event"' in html
