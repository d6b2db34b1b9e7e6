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
