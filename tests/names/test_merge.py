"""Merging two records of one person: everything moves to the survivor, history keeps both."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from people.duplicates import likely_duplicates, merge_prisoners
from prisoners.models import ExternalId, Prisoner
from prisoners.search import search_prisoners


@pytest.fixture
def twins(build):
    source_a, source_b = build.source(), build.source()
    survivor = build.prisoner("Maria Kalesnikava", sources=[source_a], name_variants=["Maryia Kalesnikava"])
    duplicate = build.prisoner(
        "Мария Колесникова",
        birth_date=date(1982, 4, 24),
        sources=[source_b],
        name_variants=["Maria Kolesnikova", "Maryia Kalesnikava"],
        notes="From the 2021 list.",
    )
    build.detention(duplicate, detained_on=date(2020, 9, 7))
    event = build.event()
    build.release(duplicate, event=event, destination="UA")
    ExternalId.objects.create(prisoner=duplicate, source_list="viasna", external_id="123")
    return survivor, duplicate, event


@pytest.mark.django_db
def test_likely_duplicates_pairs_people_sharing_a_name_key(build, twins):
    survivor, duplicate, _event = twins
    build.prisoner("Ales Bialiatski")
    pairs = likely_duplicates()
    assert [(pair.first.pk, pair.second.pk) for pair in pairs] == [(survivor.pk, duplicate.pk)]
    assert pairs[0].birth_dates_agree is True


@pytest.mark.django_db
def test_different_patronymics_are_not_listed_as_duplicates(build):
    build.prisoner("Ivan Ivanovich Petrov")
    build.prisoner("Ivan Sergeevich Petrov")
    assert likely_duplicates() == []


@pytest.mark.django_db
def test_merge_moves_everything_to_the_survivor(build, twins):
    survivor, duplicate, event = twins
    actor = build.user(superuser=True)
    merged = merge_prisoners(actor=actor, survivor=survivor, duplicate=duplicate)

    assert not Prisoner.objects.filter(pk=duplicate.pk).exists()
    assert merged.pk == survivor.pk
    assert set(merged.name_variants.values_list("name", flat=True)) == {
        "Maryia Kalesnikava",
        "Maria Kolesnikova",
        "Мария Колесникова",
    }
    assert merged.detentions.count() == 1
    assert list(merged.releases.values_list("event_id", flat=True)) == [event.pk]
    assert merged.sources.count() == 2
    assert list(merged.external_ids.values_list("external_id", flat=True)) == ["123"]
    assert merged.birth_date == date(1982, 4, 24)
    assert "From the 2021 list." in merged.notes
    assert merged.status == "released"
    assert [p.pk for p in search_prisoners(Prisoner.objects.all(), "Колесникова", None)] == [survivor.pk]


@pytest.mark.django_db
def test_merge_keeps_history_of_both_records(build, twins):
    survivor, duplicate, _event = twins
    actor = build.user(superuser=True)
    merge_prisoners(actor=actor, survivor=survivor, duplicate=duplicate)
    deleted = Prisoner.history.filter(id=duplicate.pk, history_type="-").get()
    assert deleted.full_name == "Мария Колесникова"
    assert deleted.history_user == actor
    assert f"merged #{duplicate.pk} into #{survivor.pk}" in deleted.history_change_reason
    assert Prisoner.history.filter(id=survivor.pk).latest().history_change_reason == deleted.history_change_reason


@pytest.mark.django_db
def test_a_release_in_the_same_event_is_kept_once(build, twins):
    survivor, duplicate, event = twins
    build.release(survivor, event=event)
    merged = merge_prisoners(survivor=survivor, duplicate=duplicate)
    assert merged.releases.count() == 1


@pytest.mark.django_db
def test_merged_record_keeps_the_most_restrictive_visibility(build):
    public = build.prisoner("Ihar Losik")
    withheld = build.prisoner("Igor Losik", visibility="anonymized")
    assert merge_prisoners(survivor=public, duplicate=withheld).visibility == "anonymized"


@pytest.mark.django_db
def test_a_record_cannot_be_merged_into_itself(build):
    person = build.prisoner("Ihar Losik")
    with pytest.raises(ValidationError):
        merge_prisoners(survivor=person, duplicate=person)
