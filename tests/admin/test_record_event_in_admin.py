"""An editor records a whole new release event in admin alone, and its numbers reconcile."""

from datetime import date

import pytest
from django.urls import reverse

from prisoners.models import Prisoner, PrisonerStatus, ReportedValue, Source
from releases.models import Destination, EventDestination, Release, ReleaseEvent, SanctionsDeal
from releases.selectors import reconcile_event
from tests.admin.forms import errors_of, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, build):
    user = build.user("editor", superuser=True)
    client.force_login(user)
    return user


def add(client, model, fields, rows=None):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    response = submit(client, url, fields, rows)
    assert response.status_code == 302, errors_of(response)
    return model.objects.order_by("-pk").first()


def test_an_editor_records_a_whole_release_event_through_admin_forms(client, editor):
    from prisoners.models import Detention, NameVariant
    from releases.models import DealClaim, ReliefMeasure

    source = add(
        client,
        Source,
        {"link": "https://example.org/synthetic/release-report", "title": "Synthetic report", "kind": "news"},
    )
    statement = add(client, Source, {"link": "Synthetic Gazette, print edition", "kind": "official"})
    deal = add(
        client,
        SanctionsDeal,
        {
            "title_en": "Synthetic sanctions relief",  # texts are edited per language (title_be, ...)
            "status": "announced",
            "sanctioning_party": "US",
            "target_country": "BY",
            "announced_on": date(2026, 1, 10),
            "sources": [source.pk],
        },
        {
            ReliefMeasure: [{"measure_en": "Synthetic delisting", "instrument": "delisting", "sources": [source.pk]}],
            DealClaim: [
                {"claim_en": "No exchange took place.", "claimant": "Synthetic ministry", "position": "denies"},
                {"claim_en": "The release bought the relief.", "claimant": "Synthetic envoy", "position": "links"},
            ],
        },
    )
    assert deal.slug == "synthetic-sanctions-relief"  # left blank, made from the title
    assert deal.relief_measures.count() == 1 and deal.claims.count() == 2

    people = []
    for name, variant in (
        ("Synthetic Person One", "Synthetic Persona Odin"),
        ("Synthetic Person Two", ""),
        ("Synthetic Person Three", ""),
    ):
        person = add(
            client,
            Prisoner,
            {"full_name": name, "visibility": "public", "gender": "unknown", "sources": [source.pk]},
            {
                NameVariant: [{"name": variant, "kind": "transliteration"}] if variant else [],
                Detention: [{"detained_on": date(2021, 3, 1), "detained_on_precision": "day", "sentence_months": 48}],
            },
        )
        assert person.status == PrisonerStatus.SENTENCED
        people.append(person)
    lithuania = add(client, Destination, {"country": "LT"})
    ukraine = add(client, Destination, {"country": "UA"})

    event = add(
        client,
        ReleaseEvent,
        {
            "title_en": "Synthetic release of three",
            "date": date(2026, 1, 10),
            "date_precision": "day",
            "releasing_countries": ["BY"],
            "kind": "deportation",
            "reported_count": 3,
            "reported_count_qualifier": "exactly",
            "deal": deal.pk,
            "envoy": "Synthetic envoy",
            "sources": [source.pk, statement.pk],
        },
        {
            EventDestination: [
                {"destination": lithuania.pk, "reported_count": 1, "sources": [source.pk]},
                {"destination": ukraine.pk, "reported_count": 2},
            ],
            Release: [
                {
                    "prisoner": people[0].pk,
                    "destination": lithuania.pk,
                    "outcome": "freed",
                    "confidence": "confirmed",
                    "forced_exile": True,
                    "sources": [source.pk],
                },
                {"prisoner": people[1].pk, "destination": ukraine.pk, "outcome": "freed", "confidence": "reported"},
                {
                    "prisoner": people[2].pk,
                    "destination": ukraine.pk,
                    "outcome": "freed",
                    "confidence": "single_source",
                },
            ],
            ReportedValue: [
                {"field": "date", "value": "2026-01-09", "reported_by": "Synthetic Gazette", "source": statement.pk},
            ],
        },
    )
    assert event.slug == "2026-01-10-synthetic-release-of-three"
    assert event.deal == deal and list(event.releasing_countries) == ["BY"]
    assert set(event.sources.all()) == {source, statement}
    assert event.reported_values.get().source == statement

    result = reconcile_event(event)
    assert result.named_count == 3 and result.reported_count == 3
    assert result.breakdown == {"LT": 1, "UA": 2} and result.breakdown_total == 3
    assert result.named_by_destination == {"LT": 1, "UA": 2}
    assert result.warnings == []
    for person in people:
        person.refresh_from_db()
        assert person.status == PrisonerStatus.RELEASED  # the admin write refreshed each timeline
    assert event.history.get().history_user == editor
    assert Release.objects.get(prisoner=people[0]).history.get().history_user == editor

    # The event page shows the derived numbers, reconciled.
    page = client.get(reverse("admin:releases_releaseevent_change", args=[event.pk])).content.decode()
    assert "The numbers reconcile." in page


def test_the_same_person_twice_in_one_event_is_a_form_error(client, editor, build):
    person = build.prisoner("Synthetic Twice Person")
    url = reverse("admin:releases_releaseevent_add")
    response = submit(
        client,
        url,
        {"title_en": "Synthetic event", "date": date(2026, 1, 1), "releasing_countries": ["BY"], "kind": "pardon"},
        {Release: [{"prisoner": person.pk, "outcome": "freed"}, {"prisoner": person.pk, "outcome": "freed"}]},
    )
    assert response.status_code == 200
    assert "already listed in this event" in str(errors_of(response))
    assert not ReleaseEvent.objects.exists()


def prisoner_url(person):
    return reverse("admin:prisoners_prisoner_change", args=[person.pk])


def test_status_is_read_only_and_follows_the_timeline(client, editor, build):
    person = build.prisoner("Synthetic Status Person")
    build.detention(person, detained_on=date(2021, 1, 1))
    response = submit(client, prisoner_url(person), {"status": "released"})
    assert response.status_code == 302, errors_of(response)
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DETAINED


def test_an_editor_may_declare_died_in_custody_while_the_timeline_shows_detention(client, editor, build):
    person = build.prisoner("Synthetic Declared Person")
    build.detention(person, detained_on=date(2021, 1, 1))
    response = submit(client, prisoner_url(person), {"declared_status": "died_in_custody"})
    assert response.status_code == 302, errors_of(response)
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DIED_IN_CUSTODY
    assert person.history.first().history_user == editor

    # Withdrawing the declaration returns the status to what the timeline shows.
    response = submit(client, prisoner_url(person), {"declared_status": ""})
    assert response.status_code == 302, errors_of(response)
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DETAINED


def test_a_declaration_that_contradicts_the_submitted_timeline_is_a_form_error(client, editor, build):
    person = build.prisoner("Synthetic Contradicted Person")
    build.detention(person, detained_on=date(2021, 1, 1))
    event = build.event("Synthetic release", date=date(2025, 6, 1))
    response = submit(
        client,
        prisoner_url(person),
        {"declared_status": "died_in_custody"},
        {Release: [{"event": event.pk, "outcome": "freed", "confidence": "reported"}]},
    )
    assert response.status_code == 200
    assert "contradicts the timeline" in str(errors_of(response))
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DETAINED and not person.releases.exists()


def test_releasing_a_person_declared_dead_is_a_form_error_on_the_event(client, editor, build):
    person = build.prisoner("Synthetic Dead Person")
    build.detention(person, detained_on=date(2021, 1, 1))
    submit(client, prisoner_url(person), {"declared_status": "died_in_custody"})
    event = build.event("Synthetic later release", date=date(2025, 6, 1))
    response = submit(
        client,
        reverse("admin:releases_releaseevent_change", args=[event.pk]),
        rows={Release: [{"prisoner": person.pk, "outcome": "freed", "confidence": "reported"}]},
    )
    assert response.status_code == 200
    assert "contradicts the timeline" in str(errors_of(response))
    assert not Release.objects.filter(prisoner=person).exists()

    # The standalone release form says the same, never a 500.
    response = submit(
        client, reverse("admin:releases_release_add"), {"prisoner": person.pk, "event": event.pk, "outcome": "freed"}
    )
    assert response.status_code == 200
    assert "contradicts the timeline" in str(errors_of(response))
