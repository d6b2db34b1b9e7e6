"""Review before publishing: drafts are absent at every public door until a second editor publishes them."""

import csv
import io
from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from prisoners import services as prisoner_services
from prisoners.models import Prisoner
from releases import services as release_services
from releases.models import Release, ReleaseEvent
from tests.admin.forms import errors_of, submit
from tests.imports.conftest import csv_bytes, import_file

pytestmark = pytest.mark.django_db

DRAFT_PERSON = "Synthetic Draftina Secretova"
DRAFT_EVENT = "Synthetic unpublished release"
EDITOR_PERMS = [
    *(f"prisoners.{verb}_prisoner" for verb in ("view", "add", "change")),
    *(f"releases.{verb}_release" for verb in ("view", "add", "change")),
    *(f"releases.{verb}_releaseevent" for verb in ("view", "add", "change")),
    "prisoners.view_source",
]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(build):
    """A published event with a published person; an editor without the publish permission drafts more."""
    source = build.source(title="Synthetic public report")
    deal = build.deal("Synthetic public deal", slug="synthetic-public-deal")
    event = build.event("Synthetic published release", date=date(2026, 1, 5), deal=deal, sources=[source])
    public = build.prisoner("Synthetic Public Freed")
    build.release(public, event=event, destination="UA")
    editor = build.user("drafting-editor", is_staff=True, perms=EDITOR_PERMS)
    return {"event": event, "public": public, "editor": editor, "deal": deal}


def draft_everything(world, client):
    """The editor records, through admin, a new event and a new person freed in it and in the published event."""
    client.force_login(world["editor"])
    response = submit(
        client,
        reverse("admin:releases_releaseevent_add"),
        {"title_en": DRAFT_EVENT, "date": date(2026, 2, 7), "releasing_countries": ["BY"], "kind": "pardon"},
    )
    assert response.status_code == 302, errors_of(response)
    draft_event = ReleaseEvent.objects.get(title=DRAFT_EVENT)
    editor = world["editor"]
    person = prisoner_services.create_prisoner(actor=editor, full_name=DRAFT_PERSON)
    release_services.record_release(actor=editor, prisoner=person, event=draft_event, destination="LT")
    release_services.record_release(actor=editor, prisoner=person, event=world["event"], outcome="returned_to_custody")
    release_services.record_release(actor=editor, prisoner=world["public"], event=draft_event, destination="LT")
    return draft_event, person


def public_doors(world, draft_event, person):
    """Every door a reader goes through, and what it answers (status, body)."""
    reader = Client()
    urls = [
        "/",
        "/prisoners/",
        "/prisoners/?search=Draftina",
        f"/prisoners/{person.pk}/",
        world["public"].get_absolute_url(),
        "/releases/",
        f"/releases/{draft_event.slug}/",
        world["event"].get_absolute_url(),
        world["deal"].get_absolute_url(),
        "/deals/",
        "/destinations/",
        "/destinations/LT/",
        "/feeds/releases/",
        "/api/v1/prisoners/",
        "/api/v1/prisoners/?search=Draftina",
        "/api/v1/prisoners/?format=csv",
        f"/api/v1/prisoners/{person.pk}/",
        "/api/v1/releases/",
        "/api/v1/releases/?format=csv",
        "/api/v1/release-events/",
        "/api/v1/release-events/?format=csv",
        f"/api/v1/release-events/{draft_event.slug}/",
        f"/api/v1/release-events/{world['event'].slug}/",
        "/api/v1/deals/synthetic-public-deal/",
        "/api/v1/destinations/LT/",
        "/api/v1/stats/",
    ]
    answers = {}
    for url in urls:
        response = reader.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        answers[url] = (response.status_code, body.decode())
    return answers


def stats():
    """The public stats; a destination is a country created on first use, counted 0 while its people are drafts."""
    data = Client().get("/api/v1/stats/").json()
    data["per_destination"] = [row for row in data["per_destination"] if row["named_count"] or row["reported_count"]]
    return data


def test_a_draft_is_absent_at_every_public_door_until_a_second_editor_publishes_it(client, world, build):
    before = stats()
    draft_event, person = draft_everything(world, client)
    assert draft_event.is_draft and Prisoner.objects.get(pk=person.pk).is_draft
    assert all(release.is_draft for release in Release.objects.filter(prisoner=person))

    answers = public_doors(world, draft_event, person)
    for url, (status, body) in answers.items():
        assert status in (200, 404), (url, status)
        assert DRAFT_PERSON not in body, url
        assert DRAFT_EVENT not in body, url
        assert draft_event.slug not in body, url
    assert answers[f"/prisoners/{person.pk}/"][0] == 404
    assert answers[f"/releases/{draft_event.slug}/"][0] == 404
    assert answers[f"/api/v1/release-events/{draft_event.slug}/"][0] == 404
    assert "Synthetic Public Freed" in answers["/prisoners/"][1]  # the published person as before
    assert stats() == before  # totals count published records only
    releases_csv = list(csv.DictReader(io.StringIO(answers["/api/v1/releases/?format=csv"][1])))
    assert len(releases_csv) == 1

    # Editors see the drafts in admin, marked as such.
    queue = client.get(reverse("admin:prisoners_prisoner_review"))
    assert DRAFT_EVENT in queue.content.decode() and queue.context["may_publish"] is False
    refused = client.post(reverse("admin:prisoners_prisoner_review"), {"event": [draft_event.pk]})
    assert refused.status_code == 403

    # A second editor with the permission publishes the event: its releases and their people with it.
    publisher = build.user("publisher", is_staff=True, perms=[*EDITOR_PERMS, "prisoners.publish_record"])
    client.force_login(publisher)
    response = client.post(
        reverse("admin:prisoners_prisoner_review"),
        {"event": [draft_event.pk], "release": [r.pk for r in Release.objects.filter(is_draft=True)]},
        follow=True,
    )
    assert "Published 1 events, 3 releases and 1 people." in response.content.decode()
    draft_event.refresh_from_db()
    assert not draft_event.is_draft and draft_event.published_by == publisher and draft_event.published_at
    assert draft_event.history.first().history_user == publisher  # history shows who published
    assert Prisoner.objects.get(pk=person.pk).history.first().history_user == publisher

    answers = public_doors(world, draft_event, person)
    assert DRAFT_PERSON in answers["/prisoners/"][1]
    assert DRAFT_PERSON in answers["/api/v1/prisoners/?search=Draftina"][1]
    assert DRAFT_EVENT in answers["/feeds/releases/"][1]
    assert answers[f"/releases/{draft_event.slug}/"][0] == 200
    assert stats()["named_totals"]["named_people"] == before["named_totals"]["named_people"] + 1


def test_nobody_publishes_their_own_draft(client, world, build):
    draft_event, _person = draft_everything(world, client)
    drafter = world["editor"]
    drafter.user_permissions.add(*build.user(perms=["prisoners.publish_record"]).user_permissions.all())
    client.force_login(type(drafter).objects.get(pk=drafter.pk))
    response = client.post(reverse("admin:prisoners_prisoner_review"), {"event": [draft_event.pk]}, follow=True)
    assert "A second editor must publish what you drafted" in response.content.decode()
    assert ReleaseEvent.objects.get(pk=draft_event.pk).is_draft
    assert Release.objects.filter(is_draft=True).count() == 3  # nothing half-published


def test_editors_with_the_permission_publish_directly_and_the_publish_action_works(client, world, build):
    publisher = build.user("trusted", is_staff=True, perms=[*EDITOR_PERMS, "prisoners.publish_record"])
    person = prisoner_services.create_prisoner(actor=publisher, full_name="Synthetic Trusted Entry")
    assert not person.is_draft
    draft = prisoner_services.create_prisoner(actor=world["editor"], full_name="Synthetic Single Draft")
    client.force_login(publisher)
    changelist = reverse("admin:prisoners_prisoner_changelist")
    drafts = client.get(changelist, {"is_draft__exact": "1"})
    assert [p.pk for p in drafts.context["cl"].result_list] == [draft.pk]
    client.post(changelist, {"action": "publish_selected", "_selected_action": [draft.pk]}, follow=True)
    assert not Prisoner.objects.get(pk=draft.pk).is_draft


@override_settings(REVIEW_BEFORE_PUBLISHING=False)
def test_without_review_an_editor_publishes_directly(world):
    person = prisoner_services.create_prisoner(actor=world["editor"], full_name="Synthetic Unreviewed")
    assert not person.is_draft


def test_an_import_creates_drafts(build, world):
    importer = build.user(username="importer", perms=["imports.import_records"])
    row = "X1,Synthetic Imported Person,,BY,BY,female,1980,2021-01,12,,,,{event},lt,https://example.org/x1,"
    job = import_file(csv_bytes(row.format(event=world["event"].slug)), user=importer)
    assert job.counts["created"] == 1
    imported = Prisoner.objects.get(full_name="Synthetic Imported Person")
    assert imported.is_draft and imported.releases.get().is_draft
    assert Client().get(f"/prisoners/{imported.pk}/").status_code == 404
    with override_settings(REVIEW_BEFORE_PUBLISHING=False):
        direct = row.replace("X1", "X2").replace("Imported", "Direct").format(event=world["event"].slug)
        job = import_file(csv_bytes(direct), user=importer)
    assert not Prisoner.objects.get(full_name="Synthetic Direct Person").is_draft
