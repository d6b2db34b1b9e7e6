"""Measured quality on real spellings of real people (tests/names/data/spellings.json).

Every spelling in the data set was printed somewhere (the file lists the pages); none comes from
this project's transliteration code. Each person is stored under one display name among
distractor people with common Belarusian names, then every spelling is searched:
recall@5 = share of spellings whose person is among the first five results.
"""

import json
from pathlib import Path

import pytest

from prisoners.models import Prisoner
from prisoners.names.keys import refresh_name_keys
from prisoners.names.matching import match_existing_prisoner
from prisoners.search import search_prisoners
from prisoners.visibility import VIEW_WITHHELD_PERMISSION

DATA = Path(__file__).parent / "data"
SPELLINGS = json.loads((DATA / "spellings.json").read_text(encoding="utf-8"))
COMMON_NAMES = json.loads((DATA / "common_names.json").read_text(encoding="utf-8"))
REQUIRED_RECALL_AT_5 = 0.95


def female_surname(surname):
    """Belarusian/Russian female form: Ivanou -> Ivanava, Ivanov -> Ivanova, Savitski -> Savitskaya."""
    for male, female in (("ski", "skaya"), ("sky", "skaya"), ("au", "ava"), ("ou", "ova"), ("ov", "ova")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    if surname.endswith("ev"):
        return surname + "a"
    return surname


def distractor_names(limit):
    """Common first name x surname pairs in Belarusian romanisation, as a real list would hold."""
    names = []
    male, female, surnames = COMMON_NAMES["given_male"], COMMON_NAMES["given_female"], COMMON_NAMES["surnames"]
    for index in range(limit):
        surname = surnames[index % len(surnames)][0]
        if index % 2:
            names.append(f"{female[(index // 2) % len(female)][0]} {female_surname(surname)}")
        else:
            names.append(f"{male[(index // 2) % len(male)][0]} {surname}")
    return names


@pytest.fixture
def population(db):
    """The 50+ real people under their display names, among 1,500 distractors (bulk-written, like an import)."""
    distractors = Prisoner.objects.bulk_create(Prisoner(full_name=name) for name in distractor_names(1500))
    people = {}
    for person in SPELLINGS["people"]:
        people[person["id"]] = Prisoner.objects.create(full_name=person["name"])
    refresh_name_keys([p.pk for p in distractors] + [p.pk for p in people.values()])
    return people


def test_the_data_set_is_large_enough_and_sourced():
    people = SPELLINGS["people"]
    assert len(people) >= 50
    for person in people:
        assert len(person["spellings"]) >= 2, person["id"]
        for spelling in person["spellings"]:
            assert spelling["urls"], spelling
            assert all(url.startswith(("http://", "https://")) for url in spelling["urls"]), spelling
    scripts = {spelling["script"] for person in people for spelling in person["spellings"]}
    assert scripts == {"latin", "cyrillic"}


@pytest.mark.django_db
def test_recall_at_5_over_all_real_spellings(population, build, capsys):
    staff = build.user(perms=[VIEW_WITHHELD_PERMISSION])
    queryset = Prisoner.objects.all()
    hits, misses = 0, []
    for person in SPELLINGS["people"]:
        expected = population[person["id"]].pk
        for spelling in person["spellings"]:
            top = list(search_prisoners(queryset, spelling["text"], staff).values_list("pk", flat=True)[:5])
            if expected in top:
                hits += 1
            else:
                misses.append(f"{spelling['text']} -> {person['name']}")
    total = hits + len(misses)
    recall = hits / total
    with capsys.disabled():
        print(f"\nname search recall@5: {recall:.3f} ({hits}/{total} real spellings, 1,500 distractors)")
        for miss in misses:
            print(f"  missed: {miss}")
    assert recall >= REQUIRED_RECALL_AT_5


@pytest.mark.django_db
def test_no_must_not_merge_pair_is_merged(population):
    by_id = {person["id"]: person for person in SPELLINGS["people"]}
    merged = []
    for pair in SPELLINGS["must_not_merge"]:
        for incoming, recorded in ((pair["first"], pair["second"]), (pair["second"], pair["first"])):
            for spelling in by_id[incoming]["spellings"]:
                matched, unsure = match_existing_prisoner(spelling["text"])
                if matched == population[recorded].pk and not unsure:
                    merged.append(f"{spelling['text']} merged into {by_id[recorded]['name']}")
    assert merged == []


@pytest.mark.django_db
def test_import_matching_never_attaches_a_row_to_the_wrong_real_person(population, capsys):
    """Over every real spelling: a sure match is always the right person; report how many attach."""
    wrong, attached, total = [], 0, 0
    for person in SPELLINGS["people"]:
        expected = population[person["id"]].pk
        for spelling in person["spellings"]:
            total += 1
            matched, unsure = match_existing_prisoner(spelling["text"])
            if matched is not None and not unsure:
                if matched == expected:
                    attached += 1
                else:
                    wrong.append(f"{spelling['text']} -> {Prisoner.objects.get(pk=matched).full_name}")
    with capsys.disabled():
        print(f"\nimport matching: {attached}/{total} real spellings attach to their person, {len(wrong)} wrongly")
    assert wrong == []
