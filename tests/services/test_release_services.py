"""The write services of events, deals and totals: validated, atomic, with history and the status rule."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from releases import services
from releases.models import DealClaim, EventDestination, ReliefMeasure, ReportedTotal

pytestmark = pytest.mark.django_db


def test_relief_measures(build):
    editor = build.user("synthetic-editor")
    deal, source = build.deal(), build.source()
    measure = services.create_relief_measure(
        actor=editor, deal=deal, measure="Synthetic delisting", instrument="delisting", sources=[source]
    )
    assert list(measure.sources.all()) == [source]
    assert measure.history.get().history_user == editor
    services.update_relief_measure(actor=editor, relief_measure=measure, target="Synthetic airline", sources=[])
    measure.refresh_from_db()
    assert measure.target == "Synthetic airline" and not measure.sources.exists()
    with pytest.raises(ValidationError):
        services.update_relief_measure(relief_measure=measure, instrument="bribe")
    services.delete_relief_measure(actor=editor, relief_measure=measure)
    assert not ReliefMeasure.objects.exists()


def test_set_relief_measures_updates_creates_and_deletes(build):
    deal, source = build.deal(), build.source()
    kept = services.create_relief_measure(deal=deal, measure="Kept")
    services.create_relief_measure(deal=deal, measure="Dropped")
    result = services.set_relief_measures(
        deal=deal,
        measures=[{"id": kept.pk, "measure": "Kept, edited"}, {"measure": "New", "sources": [source]}],
    )
    assert [m.measure for m in result] == ["Kept, edited", "New"]
    assert result[0].pk == kept.pk
    assert set(deal.relief_measures.values_list("measure", flat=True)) == {"Kept, edited", "New"}
    assert list(result[1].sources.all()) == [source]

    other = services.create_relief_measure(deal=build.deal(), measure="Another deal's")
    with pytest.raises(ValidationError):
        services.set_relief_measures(deal=deal, measures=[{"id": other.pk, "measure": "stolen"}])
    with pytest.raises(ValidationError) as error:
        services.set_relief_measures(deal=deal, measures=[{"effective_on": date(2025, 1, 1)}])
    assert "measure" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.set_relief_measures(deal=deal, measures=[{"measure": "x", "colour": "red"}])
    assert "colour" in error.value.message_dict
    assert deal.relief_measures.count() == 2  # refused sets wrote nothing


def test_deal_claims(build):
    deal = build.deal()
    claim = services.create_deal_claim(
        deal=deal, claim="No exchange.", claimant="Synthetic ministry", position="denies"
    )
    services.update_deal_claim(deal_claim=claim, said_on=date(2025, 9, 11))
    assert DealClaim.objects.get().said_on == date(2025, 9, 11)
    result = services.set_deal_claims(
        deal=deal, claims=[{"claim": "It was bought.", "claimant": "Synthetic envoy", "position": "links"}]
    )
    assert [c.claimant for c in deal.claims.all()] == ["Synthetic envoy"] == [c.claimant for c in result]
    with pytest.raises(ValidationError):
        services.create_deal_claim(deal=deal, claim="x", claimant="")
    services.delete_deal_claim(deal_claim=result[0])
    assert not DealClaim.objects.exists()


def test_reported_totals(build):
    editor = build.user("synthetic-editor")
    source = build.source()
    total = services.create_reported_total(
        actor=editor,
        reported_on=date(2025, 1, 1),
        count=1100,
        counts_what="political prisoners",
        reported_by="Synthetic group",
        sources=[source],
    )
    assert total.history.get().history_user == editor and list(total.sources.all()) == [source]
    services.update_reported_total(reported_total=total, count=1000)
    assert ReportedTotal.objects.get().count == 1000
    with pytest.raises(ValidationError):
        services.create_reported_total(reported_on=date(2025, 1, 1), count=-1, counts_what="x", reported_by="y")
    with pytest.raises(ValidationError):
        services.update_reported_total(reported_total=total, count=None)
    total.refresh_from_db()
    services.delete_reported_total(actor=editor, reported_total=total)
    assert not ReportedTotal.objects.exists()


def test_event_destinations(build):
    editor = build.user("synthetic-editor")
    event = build.event()
    row = services.set_event_destination_count(actor=editor, event=event, country="LT", reported_count=3)
    assert row.history.get().history_user == editor
    services.set_event_destination_count(event=event, country="Lithuania", reported_count=3)
    assert row.history.count() == 1  # unchanged: nothing written
    with pytest.raises(ValidationError):
        services.set_event_destination_count(event=event, country="UA", reported_count=-1)
    with pytest.raises(ValidationError):
        services.set_event_destination_count(event=event, country="Atlantis", reported_count=1)
    services.update_event_destination(event_destination=row, destination="UA", reported_count=4)
    assert str(EventDestination.objects.get().destination.country) == "UA"
    services.delete_event_destination(actor=editor, event_destination=row)
    assert not EventDestination.objects.exists()


def test_slugs_are_made_by_the_services(build):
    first = services.create_release_event(title="Synthetic release", date=date(2025, 1, 1), releasing_countries=["BY"])
    second = services.create_release_event(title="Synthetic release", date=date(2025, 1, 1), releasing_countries=["BY"])
    assert (first.slug, second.slug) == ("2025-01-01-synthetic-release", "2025-01-01-synthetic-release-2")
    services.update_release_event(event=second, slug="")
    assert second.slug == "2025-01-01-synthetic-release-2"
    deal = services.create_deal(title="Synthetic deal", slug="")
    assert deal.slug == "synthetic-deal"


def test_moving_an_event_date_refreshes_the_people_freed_in_it(build):
    person = build.prisoner()
    build.detention(person, detained_on=date(2021, 1, 1))
    event = build.event(date=date(2025, 1, 1))
    build.release(person, event=event)
    person.refresh_from_db()
    assert person.status == "released"
    services.update_release_event(event=event, date=date(2020, 1, 1))  # now before the detention
    person.refresh_from_db()
    assert person.status == "detained"


def test_a_release_that_contradicts_a_declared_status_writes_nothing(build):
    from prisoners.services import declare_status

    person = build.prisoner()
    build.detention(person, detained_on=date(2021, 1, 1))
    declare_status(prisoner=person, status="died_in_custody")
    event = build.event(date=date(2025, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.record_release(prisoner=person, event=event)
    assert "status" in error.value.message_dict
    assert not person.releases.exists()
