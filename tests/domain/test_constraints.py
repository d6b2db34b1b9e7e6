"""Rules that are absolute live in the database: writes that bypass every form still fail."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from prisoners.models import Detention, ExternalId
from releases.models import EventDestination, Release, ReleaseEvent, ReportedTotal, SanctionsDeal

pytestmark = pytest.mark.django_db


def fails_in_database(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_one_release_per_prisoner_per_event(build):
    person, event = build.prisoner(), build.event()
    Release.objects.create(prisoner=person, event=event)
    fails_in_database(lambda: Release.objects.create(prisoner=person, event=event))
    # Releases outside an event are not limited by it.
    Release.objects.create(prisoner=person, date=date(2020, 1, 1))
    Release.objects.create(prisoner=person, date=date(2022, 1, 1))
    assert person.releases.count() == 3


def test_a_release_outside_an_event_needs_a_date(build):
    fails_in_database(lambda: Release.objects.create(prisoner=build.prisoner()))


def test_an_external_id_is_unique_per_source_list(build):
    ExternalId.objects.create(prisoner=build.prisoner(), source_list="viasna", external_id="42")
    fails_in_database(
        lambda: ExternalId.objects.create(prisoner=build.prisoner(), source_list="viasna", external_id="42")
    )
    ExternalId.objects.create(prisoner=build.prisoner(), source_list="other-list", external_id="42")


def test_slugs_are_unique(build):
    build.event("Synthetic event", slug="synthetic-event")
    fails_in_database(
        lambda: ReleaseEvent.objects.create(
            title="Another", slug="synthetic-event", date=date(2025, 1, 1), releasing_countries=["BY"]
        )
    )
    SanctionsDeal.objects.create(title="Synthetic deal", slug="synthetic-deal")
    fails_in_database(lambda: SanctionsDeal.objects.create(title="Another deal", slug="synthetic-deal"))


@pytest.mark.parametrize(
    "write",
    [
        lambda event: ReleaseEvent.objects.filter(pk=event.pk).update(reported_count=-1),
        lambda event: EventDestination.objects.filter(event=event).update(reported_count=-5),
        lambda event: ReportedTotal.objects.create(
            reported_on=date(2025, 1, 1), count=-1, counts_what="held", reported_by="x"
        ),
        lambda event: Detention.objects.create(prisoner_id=event.releases.get().prisoner_id, sentence_months=-3),
    ],
    ids=["event reported count", "destination count", "reported total", "sentence months"],
)
def test_counts_cannot_be_negative(build, write):
    event = build.event(reported_count=3, destination_counts={"LT": 3})
    build.release(build.prisoner(), event=event)
    fails_in_database(lambda: write(event))


def test_a_detention_cannot_end_before_it_starts(build):
    person = build.prisoner()
    fails_in_database(
        lambda: Detention.objects.create(prisoner=person, detained_on=date(2022, 1, 1), ended_on=date(2021, 1, 1))
    )
