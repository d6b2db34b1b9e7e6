"""Admin writes through the services: a refused write is a form error and nothing at all is written."""

from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from prisoners import services as prisoner_services
from prisoners.models import Prisoner, PrisonerStatus
from releases.models import EventDestination, Release, ReleaseEvent
from releases.services import destination_for
from tests.admin.forms import errors_of, submit

pytestmark = pytest.mark.django_db


def snapshot():
    """Rows of every model of the two apps, history tables included."""
    models = [*apps.get_app_config("prisoners").get_models(), *apps.get_app_config("releases").get_models()]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def editor(client, build):
    user = build.user("editor", superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def declared_dead(build):
    """Detained in 2021, released in an event dated (wrongly) 2020, declared died in custody."""
    person = build.prisoner("Synthetic Declared Dead")
    build.detention(person, detained_on=date(2021, 1, 1))
    event = build.event("Synthetic misdated event", date=date(2020, 1, 1))
    build.release(person, event=event)
    prisoner_services.declare_status(prisoner=person, status="died_in_custody")
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DIED_IN_CUSTODY
    return person, event


def test_an_event_change_that_contradicts_a_status_is_refused_with_nothing_written(
    client, editor, build, declared_dead
):
    person, event = declared_dead
    lithuania = destination_for("LT")
    before = snapshot()
    response = submit(
        client,
        reverse("admin:releases_releaseevent_change", args=[event.pk]),
        {"date": date(2025, 6, 1), "title_en": "Synthetic misdated event, renamed"},  # texts per language
        {EventDestination: [{"destination": lithuania.pk, "reported_count": 1}]},
    )
    assert response.status_code == 200
    assert "contradicts the timeline" in str(errors_of(response))
    assert snapshot() == before
    event.refresh_from_db()
    assert (event.date, event.title) == (date(2020, 1, 1), "Synthetic misdated event")
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DIED_IN_CUSTODY
    # The page is rendered again from what was submitted, so the editor can correct it.
    assert response.context["adminform"].form["title_en"].value() == "Synthetic misdated event, renamed"


def test_a_release_row_that_contradicts_a_status_is_an_error_on_that_row(client, editor, build, declared_dead):
    person, _event = declared_dead
    other = build.prisoner("Synthetic Other Person")
    event = build.event("Synthetic later release", date=date(2025, 6, 1))
    before = snapshot()
    response = submit(
        client,
        reverse("admin:releases_releaseevent_change", args=[event.pk]),
        {"reported_count": 2},
        {
            Release: [
                {"prisoner": other.pk, "outcome": "freed", "confidence": "reported"},
                {"prisoner": person.pk, "outcome": "freed", "confidence": "reported"},
            ]
        },
    )
    assert response.status_code == 200
    errors = errors_of(response)
    rows = errors["releases"]["forms"]
    assert not rows[0] and "contradicts the timeline" in str(rows[1])
    assert snapshot() == before  # the first row and the event's count were rolled back too
    assert not Release.objects.filter(event=event).exists()
    assert ReleaseEvent.objects.get(pk=event.pk).reported_count is None


def test_the_standalone_release_form_refuses_too(client, editor, build, declared_dead):
    person, _event = declared_dead
    event = build.event("Synthetic later release", date=date(2025, 6, 1))
    before = snapshot()
    response = submit(
        client, reverse("admin:releases_release_add"), {"prisoner": person.pk, "event": event.pk, "outcome": "freed"}
    )
    assert response.status_code == 200
    assert "contradicts the timeline" in str(errors_of(response))
    assert snapshot() == before


def test_deleting_a_release_the_status_needs_is_refused(client, editor, build):
    person = build.prisoner("Synthetic Deleted Release")
    build.detention(person, detained_on=date(2021, 1, 1))
    event = build.event(date=date(2020, 1, 1))
    release = build.release(person, event=event)
    prisoner_services.declare_status(prisoner=person, status="died_in_custody")
    # Deleting the (misdated) release keeps the person held: allowed.
    response = client.post(reverse("admin:releases_release_delete", args=[release.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Release.objects.filter(pk=release.pk).exists()


def test_staff_without_view_withheld_cannot_reach_a_withheld_person_to_publish_it(client, build):
    perms = ["prisoners.view_prisoner", "prisoners.change_prisoner"]
    client.force_login(build.user(is_staff=True, perms=perms))
    person = build.prisoner("Synthetic Withheld Person", visibility="anonymized")
    url = reverse("admin:prisoners_prisoner_change", args=[person.pk])
    before = snapshot()
    response = client.post(url, {"full_name": "Synthetic Withheld Person", "visibility": "public"})
    assert response.status_code == 302 and "/admin/" in response["Location"]  # "doesn't exist"
    assert snapshot() == before
    assert Prisoner.objects.get(pk=person.pk).visibility == "anonymized"


def test_a_refused_visibility_change_is_a_form_error(rf, build):
    """The service's refusal reaches the form as an error on the visibility field (PermissionDenied -> error)."""
    from django.contrib import admin

    editor = build.user(is_staff=True, perms=["prisoners.change_prisoner"])
    person = build.prisoner("Synthetic Withheld Person", visibility="private")
    model_admin = admin.site._registry[Prisoner]
    request = rf.post("/")
    request.user = editor
    form = model_admin.get_form(request, person, change=True)(
        {
            "full_name": person.full_name,
            "visibility": "public",
            "gender": "unknown",
            "birth_date_precision": "day",
            "recognition": "recognised",
        },
        instance=person,
    )
    assert form.is_valid(), form.errors
    from prisoners.admin_services import Refused

    with pytest.raises(Refused) as refused:
        model_admin.save_model(request, form.save(commit=False), form, change=True)
    assert "visibility" in refused.value.error.message_dict
    assert Prisoner.objects.get(pk=person.pk).visibility == "private"


def test_admin_writes_record_history_as_the_editor_and_keys_follow_names(client, editor, build):
    from prisoners.models import NameVariant
    from prisoners.search import search_prisoners

    person = build.prisoner("Synthetic Renamed Person")
    response = submit(
        client,
        reverse("admin:prisoners_prisoner_change", args=[person.pk]),
        {"full_name": "Synthetic Zyxwv"},
        {NameVariant: [{"name": "Synthetic Qwertz", "kind": "alias"}]},
    )
    assert response.status_code == 302, errors_of(response)
    found = search_prisoners(Prisoner.objects.all(), "Qwertz", None)
    assert [p.pk for p in found] == [person.pk]
    assert [p.pk for p in search_prisoners(Prisoner.objects.all(), "Zyxwv", None)] == [person.pk]
    assert NameVariant.objects.get().history.get().history_user == editor
    assert Prisoner.objects.get(pk=person.pk).history.first().history_user == editor


def test_a_source_link_already_stored_is_a_form_error_with_nothing_written(client, editor, build):
    build.source("https://example.org/stored-once", title="Stored once")
    before = snapshot()
    response = submit(client, reverse("admin:prisoners_source_add"), {"link": "https://example.org/stored-once"})
    assert response.status_code == 200
    assert "A source with this link already exists." in str(errors_of(response))
    assert snapshot() == before
