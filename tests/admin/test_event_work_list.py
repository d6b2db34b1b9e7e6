"""An event's freed people as a work list: paginated, searchable, sortable, bulk changes through the services."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from prisoners import services as prisoner_services
from releases.models import Destination, Release

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, build):
    user = build.user("worklist-editor", superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def big_event(build):
    event = build.event("Synthetic release of many", date=date(2026, 2, 1), reported_count=130)
    source = build.source(title="Synthetic list")
    for n in range(130):
        person = build.prisoner(f"Synthetic Worker{chr(97 + n % 26)}{chr(97 + n // 26)} Person")
        build.release(person, event=event, sources=[source] if n % 2 else [])
    return event


def people_url(event, **query):
    url = reverse("admin:releases_releaseevent_people", args=[event.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_event_page_links_to_its_people_instead_of_listing_them(client, editor, big_event):
    page = client.get(reverse("admin:releases_releaseevent_change", args=[big_event.pk]))
    body = page.content.decode()
    assert "130 people: open the work list" in body
    assert people_url(big_event) in body
    assert "Synthetic Workeraa Person" not in body  # no row per person on the event's page
    inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.model is Release)
    assert inline.formset.initial_form_count() == 0


def test_the_work_list_pages_sorts_and_searches(client, editor, big_event):
    page = client.get(people_url(big_event, per_page=50))
    assert page.status_code == 200
    assert len(page.context["rows"]) == 50 and page.context["total"] == 130
    names = [row.prisoner.full_name for row in page.context["rows"]]
    assert names == sorted(names)
    last = client.get(people_url(big_event, per_page=50, p=3)).context["rows"]
    assert len(last) == 30
    descending = [r.prisoner.full_name for r in client.get(people_url(big_event, o="-name")).context["rows"]]
    assert descending[0] > descending[-1]
    by_sources = client.get(people_url(big_event, o="-sources")).context["rows"]
    assert by_sources[0].source_count == 1 and by_sources[-1].source_count == 0
    # Any script: the search is prisoners.search's.
    found = client.get(people_url(big_event, q="Synthetic Workerba Person")).context["rows"]
    assert [row.prisoner.full_name for row in found][0] == "Synthetic Workerba Person"


def test_query_count_is_the_same_at_two_page_sizes(client, editor, big_event):
    counts = []
    for size in (50, 100):
        client.get(people_url(big_event, per_page=size))  # warm the session and content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(people_url(big_event, per_page=size))
        assert len(response.context["rows"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12, counts


def bulk(client, event, action, selected, **fields):
    data = {"action": action, "_selected": [str(r.pk) for r in selected], **fields}
    return client.post(people_url(event), data, follow=True)


def test_bulk_set_destination_conditions_confidence_and_sources(client, editor, big_event, build):
    rows = list(Release.objects.filter(event=big_event).order_by("pk")[:3])
    response = bulk(client, big_event, "destination", rows, destination="Lithuania")
    assert "Changed 3 people." in response.content.decode()
    assert {r.destination.country.code for r in Release.objects.filter(pk__in=[r.pk for r in rows])} == {"LT"}
    assert Release.objects.filter(event=big_event, destination__isnull=False).count() == 3
    assert Release.objects.get(pk=rows[0].pk).history.first().history_user == editor  # through the services

    bulk(client, big_event, "conditions", rows[:2], forced_exile="yes", travel_ban="no")
    assert Release.objects.filter(event=big_event, forced_exile=True).count() == 2

    bulk(client, big_event, "confidence", rows, confidence="confirmed")
    assert Release.objects.filter(event=big_event, confidence="confirmed").count() == 3

    extra = build.source(title="Synthetic extra")
    bulk(client, big_event, "add_sources", rows, sources=[str(extra.pk)])
    for release in Release.objects.filter(pk__in=[r.pk for r in rows]):
        assert extra in release.sources.all()
    assert Release.objects.get(pk=rows[1].pk).sources.count() == 2  # added to the one it had

    # Every row matching a search, not only the selected ones.
    response = client.post(
        people_url(big_event, q="Synthetic Workerbe Person"),
        {"action": "outcome", "outcome": "freed_conditionally", "select_across": "1"},
        follow=True,
    )
    assert Release.objects.filter(event=big_event, outcome="freed_conditionally").count() >= 1


def test_a_refused_row_writes_nothing_and_is_named(client, editor, build):
    event = build.event("Synthetic refused bulk", date=date(2026, 3, 1))
    fine = build.prisoner("Synthetic Fine Person")
    build.release(fine, event=event)
    dead = build.prisoner("Synthetic Returned Person")
    build.detention(dead, detained_on=date(2021, 1, 1))
    build.release(dead, event=event, outcome="returned_to_custody")
    prisoner_services.declare_status(prisoner=dead, status="died_in_custody")
    rows = list(Release.objects.filter(event=event))
    response = bulk(client, event, "outcome", rows, outcome="freed_conditionally")
    body = response.content.decode()
    assert "Nothing was changed" in body and "Synthetic Returned Person" in body
    assert not Release.objects.filter(event=event, outcome="freed_conditionally").exists()


def test_a_bulk_action_without_its_value_is_a_form_error(client, editor, big_event):
    rows = list(Release.objects.filter(event=big_event)[:1])
    response = bulk(client, big_event, "destination", rows, destination="")
    assert response.status_code == 200
    assert "Choose a value for this action." in response.content.decode()
    bad = bulk(client, big_event, "destination", rows, destination="Atlantis")
    assert "not a country" in bad.content.decode()
    assert not Destination.objects.exists()


def test_viewers_without_the_change_permission_get_no_bulk_form(client, build, big_event):
    viewer = build.user(is_staff=True, perms=["releases.view_releaseevent", "releases.view_release"])
    client.force_login(viewer)
    page = client.get(people_url(big_event))
    assert page.status_code == 200 and 'name="_selected"' not in page.content.decode()
    refused = client.post(people_url(big_event), {"action": "confidence", "confidence": "confirmed"})
    assert refused.status_code == 403
