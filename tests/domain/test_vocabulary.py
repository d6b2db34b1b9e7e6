"""The vocabulary trackers use: house arrest, restricted freedom, disappeared, recognition, incommunicado periods,
freed at home, considerations of any kind; the status rule (prisoners/timeline.py) extended consistently."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from prisoners import services as prisoner_services
from prisoners.timeline import DetentionSpan, ReleaseStep, derive_status, status_from_timeline
from releases import services as release_services

pytestmark = pytest.mark.django_db

ARREST = date(2022, 3, 1)


def test_a_detention_regime_is_the_status_while_it_lasts():
    assert status_from_timeline([DetentionSpan(ARREST, regime="house_arrest")], []) == "house_arrest"
    assert status_from_timeline([DetentionSpan(ARREST, regime="restricted_freedom")], []) == "restricted_freedom"
    freed = [ReleaseStep(date(2023, 1, 1), "freed")]
    assert status_from_timeline([DetentionSpan(ARREST, regime="house_arrest")], freed) == "released"
    # Old callers that say nothing of the regime keep their answer.
    assert status_from_timeline([DetentionSpan(ARREST, sentenced=True)], []) == "sentenced"


def test_declared_statuses_where_the_timeline_cannot_tell():
    held = [DetentionSpan(ARREST)]
    assert derive_status(held, [], "disappeared") == "disappeared"
    assert derive_status(held, [], "house_arrest") == "house_arrest"  # the regime was not recorded
    assert derive_status([DetentionSpan(ARREST, regime="house_arrest")], [], "detained") == "house_arrest"
    with pytest.raises(ValidationError):
        derive_status(held, [ReleaseStep(date(2023, 1, 1))], "disappeared")
    assert derive_status([], [], "disappeared") == "disappeared"


def test_the_services_store_the_regimes_status_and_keep_a_disappearance(build):
    person = build.prisoner("Synthetic House Arrest", recognition="prosecuted_not_recognised")
    prisoner_services.add_detention(prisoner=person, detained_on=ARREST, regime="house_arrest")
    person.refresh_from_db()
    assert (person.status, person.recognition) == ("house_arrest", "prosecuted_not_recognised")

    missing = build.prisoner("Synthetic Disappeared")
    build.detention(missing, detained_on=ARREST)
    prisoner_services.declare_status(prisoner=missing, status="disappeared")
    prisoner_services.update_prisoner(prisoner=missing, biography="Synthetic")
    missing.refresh_from_db()
    assert missing.status == "disappeared"


def test_incommunicado_is_a_dated_period_of_a_detention_not_a_status(build):
    person = build.prisoner("Synthetic Incommunicado")
    detention = build.detention(person, detained_on=ARREST)
    period = prisoner_services.add_incommunicado_period(detention=detention, started_on=date(2022, 3, 2))
    person.refresh_from_db()
    assert person.status == "detained" and period.ended_on is None
    with pytest.raises(ValidationError):
        prisoner_services.update_incommunicado_period(period=period, ended_on=date(2022, 1, 1))


def test_freed_at_home_is_not_destination_not_recorded(build):
    event = build.event("Synthetic amnesty", releasing_countries=["SY"])
    home = build.release(build.prisoner(), event=event, freed_at_home=True)
    build.release(build.prisoner(), event=event)
    assert home.conditions == []
    from releases.selectors import reconcile_event

    assert reconcile_event(event).named_by_destination == {"home": 1, "": 1}
    with pytest.raises(ValidationError):
        build.release(build.prisoner(), event=event, freed_at_home=True, destination="LT")


def test_a_consideration_of_any_kind_and_its_reversal(build):
    deal = build.deal("Synthetic deal")
    party = release_services.create_party(name="Synthetic State", kind="state", country="us")
    assert party.country == "US" and party.slug == "synthetic-state"
    nothing = release_services.create_relief_measure(deal=deal, kind="none", given_by=party)
    assert nothing.measure == "" and nothing.status == "reported"
    licence = release_services.create_relief_measure(
        deal=deal, measure="Synthetic licence", instrument="general_license"
    )
    assert licence.kind == "sanctions_general_license"  # an old client's instrument tells the kind
    with pytest.raises(ValidationError):
        release_services.create_relief_measure(deal=deal, kind="payment")  # what was paid is said
    with pytest.raises(ValidationError):
        release_services.update_relief_measure(relief_measure=licence, reversed_on=date(2025, 1, 1))
    licence.refresh_from_db()  # the refused write left nothing
    release_services.update_relief_measure(relief_measure=licence, status="effective", effective_on=date(2025, 1, 1))
    with pytest.raises(ValidationError):
        release_services.reverse_relief_measure(relief_measure=licence, reversed_on=date(2024, 1, 1))
    licence.refresh_from_db()
    release_services.reverse_relief_measure(relief_measure=licence, reversed_on=date(2025, 6, 1), note="Synthetic")
    licence.refresh_from_db()
    assert (licence.status, licence.reversed_on) == ("reversed", date(2025, 6, 1))
    assert [row.status for row in licence.history.order_by("history_date")] == ["reported", "effective", "reversed"]


def test_party_roles_belong_to_one_event_or_deal_once(build):
    party = release_services.create_party(name="Synthetic Church", kind="religious_body")
    event = build.event("Synthetic mediated release")
    release_services.add_party_role(party=party, role="mediator", event=event)
    with pytest.raises(ValidationError):
        release_services.add_party_role(party=party, role="mediator", event=event)
    with pytest.raises(ValidationError):
        release_services.add_party_role(party=party, role="host")
    with pytest.raises(ValidationError):
        release_services.set_party_roles(event=event, roles=[{"party": party, "role": "oracle"}])


def test_reconciliation_adds_named_grouped_and_unnamed(build):
    event = build.event("Synthetic pardon of 30", reported_count=30, releasing_countries=["BY"])
    build.release(build.prisoner(), event=event)
    release_services.record_group_release(event=event, description="Synthetic charity members", count=13)
    release_services.record_group_release(event=event, description="Synthetic refusers", count=2, outcome="refused")
    from releases.selectors import reconcile_event

    result = reconcile_event(event)
    assert (result.named_count, result.grouped_count, result.unnamed_count, result.refused_count) == (1, 13, 16, 2)
    assert result.ok
    release_services.record_group_release(event=event, description="Synthetic too many", count=20)
    assert "add up to more than" in reconcile_event(event).warnings[0]


def test_an_event_cannot_end_before_it_starts_nor_end_while_still_going_on(build):
    with pytest.raises(ValidationError):
        build.event("Synthetic", date=date(2024, 12, 8), end_date=date(2024, 12, 1))
    with pytest.raises(ValidationError):
        build.event("Synthetic", date=date(2024, 12, 8), end_date=date(2024, 12, 9), ongoing=True)
    assert build.event("Synthetic ongoing", date=date(2024, 12, 8), ongoing=True).is_process
