"""An import row without external_id attaches to the person already recorded, or is flagged."""

from datetime import date

import pytest

from prisoners.models import NameKey
from prisoners.names.matching import birth_dates_agree, match_existing_prisoner
from tracker.values import DatePrecision


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spelling",
    [
        "Maria Kolesnikova",
        "Калеснікава Марыя",
        "Колесникова Мария Александровна",
        "Maryja Kalesnikawa",
        "KALESNIKAVA Maryia",
    ],
)
def test_a_fourth_spelling_of_maria_kalesnikava_attaches_to_her(build, spelling):
    maria = build.prisoner("Maria Kalesnikava", birth_date=date(1982, 4, 24))
    assert match_existing_prisoner(spelling) == (maria.pk, False)
    assert match_existing_prisoner(spelling, birth_date="1982-04-24") == (maria.pk, False)
    assert match_existing_prisoner(spelling, birth_date="1982") == (maria.pk, False)


@pytest.mark.django_db
def test_aliases_of_the_row_are_matched_too(build):
    ales = build.prisoner("Ales Bialiatski")
    assert match_existing_prisoner("A. Byalyatski", aliases=["Алесь Бяляцкі"]) == (ales.pk, False)


@pytest.mark.django_db
def test_nobody_recorded_under_the_name_gives_none(build):
    build.prisoner("Maria Kalesnikava")
    assert match_existing_prisoner("Maryia Kalesnik") == (None, False)
    assert match_existing_prisoner("Kalesnikava") == (None, False)  # one word says too little
    assert match_existing_prisoner("") == (None, False)


@pytest.mark.django_db
def test_conflicting_birth_dates_are_flagged_not_attached(build):
    person = build.prisoner("Ihar Losik", birth_date=date(1992, 6, 16))
    assert match_existing_prisoner("Igor Losik", birth_date="1975-01-02") == (person.pk, True)
    assert match_existing_prisoner("Igor Losik", birth_date="1992-07") == (person.pk, True)
    assert match_existing_prisoner("Igor Losik", birth_date="1992-06") == (person.pk, False)


@pytest.mark.django_db
def test_two_people_under_one_name_make_the_row_unsure(build):
    first = build.prisoner("Aliaksandr Kalesnikau")
    build.prisoner("Aleksandr Kolesnikov")
    assert match_existing_prisoner("Alexander Kolesnikov") == (first.pk, True)


@pytest.mark.django_db
def test_different_patronymics_are_different_people(build):
    build.prisoner("Ivan Ivanovich Petrov")
    assert match_existing_prisoner("Ivan Sergeevich Petrov") == (None, False)
    # Without a patronymic the row could be either: it meets the one recorded.
    assert match_existing_prisoner("Ivan Petrov")[0] is not None


@pytest.mark.django_db
def test_identity_keys_are_stored_for_every_name(build):
    person = build.prisoner("Maria Kalesnikava", native_name="Калеснікава Марыя Аляксандраўна")
    keys = set(NameKey.objects.filter(prisoner=person).values_list("key", "whole"))
    assert ("kalesnikava mare", True) in keys
    assert ("aleksandravna kalesnikava mare", True) in keys
    assert ("kalesnikava mare", False) in keys


@pytest.mark.parametrize(
    "first, second, agree",
    [
        (None, (date(1990, 1, 1), DatePrecision.DAY), True),
        ((date(1990, 5, 3), "day"), (date(1990, 5, 3), "day"), True),
        ((date(1990, 5, 3), "day"), (date(1990, 1, 1), "year"), True),
        ((date(1990, 5, 3), "day"), (date(1990, 5, 1), "month"), True),
        ((date(1990, 5, 3), "day"), (date(1990, 5, 4), "day"), False),
        ((date(1990, 5, 3), "day"), (date(1991, 1, 1), "year"), False),
        ("1990-05", "1990", True),
        ("not a date", "1990", True),
    ],
)
def test_birth_dates_agree(first, second, agree):
    assert birth_dates_agree(first, second) is agree


@pytest.mark.django_db
def test_a_batch_is_matched_in_two_queries(build, django_assert_num_queries):
    from prisoners.names.matching import match_existing_prisoners

    maria = build.prisoner("Maria Kalesnikava", birth_date=date(1982, 4, 24))
    ales = build.prisoner("Ales Bialiatski")
    rows = [
        ("Maryja Kalesnikawa", "1982", ()),
        ("Nobody Known", None, ()),
        ("Алесь Бяляцкі", None, ["Ales Bialiatsky"]),
        ("Колесникова Мария", (date(1990, 1, 1), "year"), ()),
    ]
    with django_assert_num_queries(2):
        results = match_existing_prisoners(rows)
    assert results == [(maria.pk, False), (None, False), (ales.pk, False), (maria.pk, True)]
