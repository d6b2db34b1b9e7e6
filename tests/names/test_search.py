"""Search by any spelling, ranked best first, never matching a withheld name for the public."""

import pytest

from prisoners.models import Prisoner
from prisoners.search import search_prisoners
from prisoners.visibility import VIEW_WITHHELD_PERMISSION


@pytest.fixture
def kalesnikava(build):
    person = build.prisoner("Maria Kalesnikava", native_name="Марыя Калеснікава")
    build.prisoner("Aliaksandr Kalesnikau")
    build.prisoner("Ales Bialiatski", native_name="Алесь Бяляцкі")
    build.prisoner("Siarhei Tsikhanouski", name_variants=["Sergei Tikhanovsky"])
    return person


def names(queryset):
    return [person.full_name for person in queryset]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "Kolesnikova",
        "Калеснікава",
        "kalesnikawa",
        "Колесникова Мария",
        "Kolesnikowa",
        "Maria Kalesnikava",
        "Marya Kalesn",
    ],
)
def test_any_spelling_finds_maria_kalesnikava_first(kalesnikava, query):
    results = search_prisoners(Prisoner.objects.all(), query, None)
    assert names(results)[0] == "Maria Kalesnikava"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Tikhanovsky", "Ціханоўскі", "Тихановский", "Tichanowski", "Tsikhanouskiy"])
def test_russian_belarusian_polish_and_german_spellings_meet(kalesnikava, query):
    assert names(search_prisoners(Prisoner.objects.all(), query, None))[0] == "Siarhei Tsikhanouski"


@pytest.mark.django_db
@pytest.mark.parametrize("typo", ["Kalisnikava", "Kalesnicava", "Kolesnykova"])
def test_misspelt_name_still_matches(kalesnikava, typo):
    assert names(search_prisoners(Prisoner.objects.all(), typo, None))[0] == "Maria Kalesnikava"


@pytest.mark.django_db
def test_partial_name_matches(kalesnikava):
    assert names(search_prisoners(Prisoner.objects.all(), "Bialiatsk", None))[0] == "Ales Bialiatski"


@pytest.mark.django_db
def test_ranked_best_first_and_annotated(kalesnikava):
    results = list(search_prisoners(Prisoner.objects.all(), "Kalesnikava Maria", None))
    assert results[0].full_name == "Maria Kalesnikava"
    ranks = [person.search_rank for person in results]
    assert ranks == sorted(ranks, reverse=True)


@pytest.mark.django_db
def test_unrelated_names_do_not_match(kalesnikava):
    assert names(search_prisoners(Prisoner.objects.all(), "Lukashenka", None)) == []


@pytest.mark.django_db
def test_empty_query_leaves_the_queryset_alone(kalesnikava):
    queryset = Prisoner.objects.all()
    assert search_prisoners(queryset, "  ", None) is queryset
    assert search_prisoners(queryset, "---", None) is queryset


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["anonymized", "private"])
def test_withheld_names_are_unmatchable_for_the_public(build, visibility):
    build.prisoner("Ihar Losik", visibility=visibility, name_variants=["Игорь Лосик"])
    public_reader = build.user()
    for reader in (None, public_reader):
        assert names(search_prisoners(Prisoner.objects.all(), "Losik", reader)) == []
        assert names(search_prisoners(Prisoner.objects.all(), "Лосик", reader)) == []
    staff = build.user(perms=[VIEW_WITHHELD_PERMISSION])
    assert names(search_prisoners(Prisoner.objects.all(), "Лосик", staff)) == ["Ihar Losik"]


@pytest.mark.django_db
def test_search_runs_one_query_whatever_the_number_of_matches(build, django_assert_num_queries):
    for n in range(3):
        build.prisoner(f"Aliaksandr Kalesnikau {n}")
    for expected in (3, 1):
        with django_assert_num_queries(1):
            results = list(search_prisoners(Prisoner.objects.all(), "Kalesnikau", None)[:expected])
        assert len(results) == expected


@pytest.mark.django_db
def test_keys_follow_renames_and_new_variants(build):
    from prisoners import services

    person = build.prisoner("Ales Bialiatski")
    services.update_prisoner(prisoner=person, full_name="Ihar Losik")
    assert names(search_prisoners(Prisoner.objects.all(), "Bialiatski", None)) == []
    assert names(search_prisoners(Prisoner.objects.all(), "Игорь Лосик", None)) == ["Ihar Losik"]
    services.add_name_variant(prisoner=person, name="Алесь Бяляцкі")
    assert names(search_prisoners(Prisoner.objects.all(), "Bialiatski", None)) == ["Ihar Losik"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_matches_through_the_indexes_and_the_configured_threshold(build):
    from django.db import connection

    from prisoners.search import MATCH_THRESHOLD, WORD_SIMILARITY_FLOOR

    build.prisoner("Maria Kalesnikava")
    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert float(cursor.fetchone()[0]) == MATCH_THRESHOLD
        cursor.execute("SHOW pg_trgm.similarity_threshold")
        assert float(cursor.fetchone()[0]) == WORD_SIMILARITY_FLOOR
        cursor.execute("SET LOCAL enable_seqscan = off")
        staff = build.user(superuser=True)
        plan = search_prisoners(Prisoner.objects.all(), "Kolesnikova", staff).explain()
    assert "prisoner_name_words_gin" in plan  # the people holding words like the query's
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'prisoners_nameword'")
        assert "name_word_trgm" in {row[0] for row in cursor.fetchall()}  # the vocabulary, by trigram
