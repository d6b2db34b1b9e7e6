"""Every admin page answers for a superuser; search, filters and derived columns work on the demo."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from prisoners.models import Detention, Prisoner
from releases.models import ReleaseEvent
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, build):
    user = build.user("editor", superuser=True)
    client.force_login(user)
    return user


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo plus a detention and a group, loaded once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        person = Prisoner.objects.get(full_name="Mikalai Statkevich")
        builders.detention(person, detained_on=date(2020, 5, 31), sentence="14 years", sentence_months=168)
        Group.objects.create(name="Editors")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    return None


def _admin_urls(model, obj):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
    if obj is not None:
        urls += [reverse(f"{name}_change", args=[obj.pk]), reverse(f"{name}_history", args=[obj.pk])]
    return urls


def test_every_admin_page_answers_200_for_a_superuser(client, editor, demo):
    without_rows = []
    checked = 0
    for model, model_admin in admin.site._registry.items():
        obj = model_admin.get_queryset(admin_request(editor)).first()
        if obj is None:
            without_rows.append(model.__name__)
        for url in _admin_urls(model, obj):
            if not model_admin.has_add_permission(admin_request(editor)) and url.endswith("/add/"):
                continue
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            checked += 1
    domain = {"Prisoner", "Detention", "Source", "ReportedValue", "ReleaseEvent", "Release", "Destination"}
    domain |= {"SanctionsDeal", "ReportedTotal"}
    assert not domain & set(without_rows), f"no demo row to open the change page of {without_rows}"
    assert checked >= 4 * len(domain)


def admin_request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_prisoner_search_finds_a_name_variant(client, editor, demo):
    response = client.get(reverse("admin:prisoners_prisoner_changelist"), {"q": "Kolesnikova"})
    assert response.status_code == 200
    names = [p.full_name for p in response.context["cl"].result_list]
    assert names[0] == "Maria Kalesnikava"  # best match first (the ranking belongs to prisoners.search)


def test_prisoner_list_filters_by_release_event(client, editor, demo):
    event = ReleaseEvent.objects.get(date=date(2025, 12, 13))
    response = client.get(reverse("admin:prisoners_prisoner_changelist"), {"releases__event__id__exact": event.pk})
    assert response.status_code == 200
    assert {p.full_name for p in response.context["cl"].result_list} >= {"Ales Bialiatski", "Maria Kalesnikava"}
    assert response.context["cl"].result_count == 6


def test_destination_autocomplete_searches_country_names(client, editor, demo):
    url = reverse("admin:autocomplete")
    response = client.get(
        url, {"app_label": "releases", "model_name": "release", "field_name": "destination", "term": "lithu"}
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["Lithuania"]


def test_prisoner_autocomplete_uses_name_search(client, editor, demo):
    url = reverse("admin:autocomplete")
    response = client.get(
        url, {"app_label": "releases", "model_name": "release", "field_name": "prisoner", "term": "Mikola"}
    )
    assert response.status_code == 200
    assert {"Mikalai Statkevich", "Mikola Dziadok"} <= {row["text"] for row in response.json()["results"]}


def test_event_page_shows_derived_numbers_and_warnings(client, editor, demo, build):
    event = ReleaseEvent.objects.get(date=date(2025, 12, 13))
    response = client.get(reverse("admin:releases_releaseevent_change", args=[event.pk]))
    content = response.content.decode()
    assert "Named as freed" in content and "The numbers reconcile." in content

    mismatch = build.event("Synthetic mismatched event", reported_count=2, destination_counts={"LT": 3})
    response = client.get(reverse("admin:releases_releaseevent_change", args=[mismatch.pk]))
    assert "The destination breakdown adds up to 3, the reported count is 2." in response.content.decode()
    listing = client.get(reverse("admin:releases_releaseevent_changelist"))
    assert "The destination breakdown adds up to 3, the reported count is 2." in listing.content.decode()


def test_event_changelist_queries_do_not_grow_with_events(client, editor, build):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:releases_releaseevent_changelist")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for n in range(2):
        event = build.event(f"Synthetic event {n}", reported_count=3, destination_counts={"LT": 3})
        build.release(build.prisoner(), event=event, destination="LT")
    few = queries()
    for n in range(2, 12):
        event = build.event(f"Synthetic event {n}", reported_count=3, destination_counts={"LT": 3})
        build.release(build.prisoner(), event=event, destination="LT")
    assert queries() == few


def test_detention_admin_refreshes_status(client, editor, build):
    person = build.prisoner("Synthetic Detained Person")
    detention = build.detention(person, detained_on=date(2021, 1, 1))
    url = reverse("admin:prisoners_detention_change", args=[detention.pk])
    from tests.admin.forms import submit

    response = submit(client, url, {"ended_on": date(2024, 1, 1)})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == "released"
    assert Detention.objects.get(pk=detention.pk).history.first().history_user == editor


def test_prisoner_changelist_queries_do_not_grow_with_people(client, editor, build):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:prisoners_prisoner_changelist")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add_people(n):
        for _ in range(n):
            person = build.prisoner(citizenship=["BY"])
            build.detention(person)
            build.release(person, event=build.event(), destination="LT")

    add_people(2)
    few = queries()
    add_people(8)
    assert queries() == few
