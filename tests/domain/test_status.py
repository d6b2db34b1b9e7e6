"""A person's status follows their timeline: detained, released, re-arrested, returned to custody."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from prisoners.models import PrisonerStatus
from prisoners.services import update_detention
from prisoners.timeline import DetentionSpan, ReleaseStep, derive_status

pytestmark = pytest.mark.django_db


def test_status_follows_a_whole_timeline(build):
    person = build.prisoner("Synthetic Timeline Person")
    assert person.status == PrisonerStatus.UNKNOWN

    first = build.detention(person, detained_on=date(2020, 8, 10))
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DETAINED

    update_detention(detention=first, sentence_months=60, sentenced_on=date(2021, 5, 1))
    person.refresh_from_db()
    assert person.status == PrisonerStatus.SENTENCED

    event = build.event(date=date(2025, 6, 21))
    build.release(person, event=event)
    person.refresh_from_db()
    assert person.status == PrisonerStatus.RELEASED

    build.detention(person, detained_on=date(2025, 8, 1))
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DETAINED

    later = build.event(date=date(2025, 9, 11))
    build.release(person, event=later, outcome="returned_to_custody")
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DETAINED


def test_died_in_custody_is_kept_while_the_timeline_shows_detention():
    spans = [DetentionSpan(detained_on=date(2021, 1, 1))]
    assert derive_status(spans, [], "died_in_custody") == PrisonerStatus.DIED_IN_CUSTODY


def test_a_status_that_contradicts_the_timeline_is_refused():
    spans = [DetentionSpan(detained_on=date(2021, 1, 1))]
    steps = [ReleaseStep(on=date(2025, 12, 13))]
    with pytest.raises(ValidationError) as error:
        derive_status(spans, steps, "detained")
    assert "status" in error.value.message_dict


def test_no_timeline_keeps_the_declared_status():
    assert derive_status([], [], "died_in_custody") == PrisonerStatus.DIED_IN_CUSTODY
    assert derive_status([], [], None) == PrisonerStatus.UNKNOWN


def test_a_return_to_custody_keeps_a_sentenced_person_sentenced(build):
    person = build.prisoner("Synthetic Returned Person")
    build.detention(person, detained_on=date(2020, 5, 31), sentence_months=168)
    build.release(person, event=build.event(date=date(2025, 9, 11)), outcome="returned_to_custody")
    person.refresh_from_db()
    assert person.status == PrisonerStatus.SENTENCED


def test_a_detention_that_ends_without_a_recorded_release_frees_the_person(build):
    person = build.prisoner("Synthetic Served Person")
    detention = build.detention(person, detained_on=date(2020, 1, 1), sentence_months=24)
    update_detention(detention=detention, ended_on=date(2022, 1, 1))
    person.refresh_from_db()
    assert person.status == PrisonerStatus.RELEASED


def test_a_conditional_release_then_deleting_it_goes_back_to_held(build):
    from releases.services import delete_release

    person = build.prisoner("Synthetic Conditional Person")
    build.detention(person, detained_on=date(2021, 1, 1))
    release = build.release(person, date=date(2023, 1, 1), outcome="freed_conditionally")
    person.refresh_from_db()
    assert person.status == PrisonerStatus.RELEASED_CONDITIONALLY
    delete_release(release=release)
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DETAINED


def test_the_release_date_decides_the_order_not_the_order_of_entry(build):
    person = build.prisoner("Synthetic Out Of Order Person")
    build.release(person, date=date(2025, 6, 21))
    build.detention(person, detained_on=date(2020, 1, 1))  # entered later, happened earlier
    person.refresh_from_db()
    assert person.status == PrisonerStatus.RELEASED


def test_died_in_custody_is_kept_until_a_release_contradicts_it(build):
    from prisoners.services import refresh_status

    person = build.prisoner("Synthetic Died Person")
    build.detention(person, detained_on=date(2021, 1, 1))
    assert refresh_status(person, declared="died_in_custody") == PrisonerStatus.DIED_IN_CUSTODY
    build.detention(person, detained_on=date(2019, 1, 1), ended_on=date(2019, 6, 1))
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DIED_IN_CUSTODY
    with pytest.raises(ValidationError):
        build.release(person, date=date(2025, 1, 1))
    person.refresh_from_db()
    assert person.status == PrisonerStatus.DIED_IN_CUSTODY and not person.releases.exists()
