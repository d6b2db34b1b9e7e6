"""Add people to an event by pasting names: any spelling or script, matched, confirmed, written in one step."""

import itertools
from datetime import date

import pytest
from django.urls import reverse

from people.duplicates import likely_duplicates
from prisoners.models import Prisoner
from prisoners.names.folding import identity_keys
from releases.models import Release

pytestmark = pytest.mark.django_db

GIVEN = ["Ivan", "Maria", "Pavel", "Olga", "Siarhei", "Hanna", "Andrei", "Nina", "Yury", "Alena"]
GIVEN_CYRILLIC = ["Іван", "Марыя", "Павел", "Вольга", "Сяргей", "Ганна", "Андрэй", "Ніна", "Юрый", "Алена"]
SYLLABLES = ["ba", "ko", "ri", "mu", "sel", "dan", "tor", "vin"]
SYLLABLES_CYRILLIC = ["ла", "мі", "ту", "пе", "ган", "дор"]


def surnames():
    for parts in itertools.product(SYLLABLES, repeat=3):
        yield "".join(parts).capitalize() + "ski"


def cyrillic_surnames():
    for parts in itertools.product(SYLLABLES_CYRILLIC, repeat=3):
        yield "".join(parts).capitalize() + "віч"


@pytest.fixture
def editor(client, build):
    user = build.user("paste-editor", superuser=True)
    client.force_login(user)
    return user


def paste_url(event):
    return reverse("admin:releases_releaseevent_paste", args=[event.pk])


def paste(client, event, text, **fields):
    data = {"names": text, "confidence": "reported", "attach_event_sources": "on", **fields}
    preview = client.post(paste_url(event), {**data, "step": "preview"})
    assert preview.status_code == 200
    lines = preview.context["lines"]
    assert lines is not None, preview.context["form"].errors
    choices = {f"choice-{line.number}": line.choice for line in lines}
    return preview, lines, client.post(paste_url(event), {**data, **choices, "step": "confirm"}, follow=True)


def test_pasting_200_names_records_200_releases_without_a_duplicate_person(client, editor, build):
    source = build.source(title="Synthetic announcement")
    event = build.event("Synthetic release of two hundred", date=date(2026, 4, 1), sources=[source])
    names, cyrillic_names = surnames(), cyrillic_surnames()
    existing, lines = [], []
    # 60 people already recorded, pasted in another script, another word order or a recorded variant.
    for n in range(60):
        surname, given = next(names), GIVEN[n % 10]
        cyrillic_surname = next(cyrillic_names)
        person = build.prisoner(
            f"{given} {surname}", native_name=f"{GIVEN_CYRILLIC[n % 10]} {cyrillic_surname}", name_variants=[]
        )
        existing.append(person)
        spelling = (
            person.native_name if n % 3 == 0 else f"{surname.upper()}  {given}" if n % 3 == 1 else f"{surname} {given}"
        )
        lines.append(spelling + ("\tLithuania" if n % 2 else ""))
    # 140 new people: 100 in Latin script, 40 in Cyrillic; some with a destination after a comma.
    for n in range(100):
        lines.append(f"{GIVEN[n % 10]} {next(names)}" + (", Poland" if n % 4 == 0 else ""))
    for n in range(40):
        lines.append(f"{GIVEN_CYRILLIC[n % 10]} {next(cyrillic_names)}")
    keys = [frozenset(identity_keys(line.split("\t")[0].rsplit(", Poland", 1)[0])[0]) for line in lines]
    assert len(set(keys)) == 200  # 200 different people, as the test means them
    people_before = Prisoner.objects.count()

    preview, matched, done = paste(client, event, "\n".join(lines))
    assert [line.choice for line in matched[:60]] == [str(person.pk) for person in existing]
    assert all(line.choice == "new" for line in matched[60:])
    assert "Recorded 200 people in this event (140 new)." in done.content.decode()

    assert Release.objects.filter(event=event).count() == 200
    assert Prisoner.objects.count() == people_before + 140
    assert set(Release.objects.filter(event=event).values_list("prisoner_id", flat=True)) >= {p.pk for p in existing}
    assert likely_duplicates(limit=500) == []  # no person twice
    assert Release.objects.filter(event=event, destination__country="LT").count() == 30
    assert Release.objects.filter(event=event, destination__country="PL").count() == 25
    assert all(release.sources.get() == source for release in Release.objects.filter(event=event))
    new_cyrillic = Prisoner.objects.get(native_name=lines[-1])
    assert new_cyrillic.full_name.isascii() and new_cyrillic.full_name  # a Latin display name, the original kept
    # The pasted spelling of an existing person is kept as one of their names.
    assert existing[1].name_variants.filter(name=" ".join(lines[1].split("\t")[0].split())).exists()


def test_candidates_show_birth_years_and_a_repeated_line_is_skipped(client, editor, build):
    event = build.event("Synthetic small release", date=date(2026, 4, 2))
    build.prisoner("Maria Kalesnikava", birth_date=date(1982, 4, 24))
    build.prisoner("Maria Kalesnik", birth_date=date(1990, 1, 1))
    preview, lines, done = paste(client, event, "Марыя Калеснікава\nKalesnikava Maria\nSynthetic Newcomer Person")
    page = preview.content.decode()
    assert "born 1982" in page
    assert lines[0].choice != "new"
    assert lines[1].choice == "skip" and "line 1" in lines[1].note
    assert Release.objects.filter(event=event).count() == 2


def test_a_person_already_in_the_event_is_skipped(client, editor, build):
    event = build.event("Synthetic repeat release", date=date(2026, 4, 3))
    person = build.prisoner("Synthetic Already Here")
    build.release(person, event=event)
    _preview, lines, _done = paste(client, event, "Synthetic Already Here")
    assert lines[0].choice == "skip" and "Already recorded" in lines[0].note
    assert Release.objects.filter(event=event).count() == 1


def test_a_refused_line_writes_nothing(client, editor, build):
    event = build.event("Synthetic refused paste", date=date(2026, 4, 4))
    data = {"names": "Synthetic First Newcomer\nSynthetic Second Newcomer\tAtlantis", "confidence": "reported"}
    preview = client.post(paste_url(event), {**data, "step": "preview"})
    assert "not a country" in preview.content.decode()
    response = client.post(paste_url(event), {**data, "step": "confirm"})
    assert "Nothing was written. Line 2" in response.content.decode()
    assert not Release.objects.filter(event=event).exists()
    assert not Prisoner.objects.filter(full_name__startswith="Synthetic First").exists()


def test_pasting_needs_the_add_permission(client, build):
    event = build.event("Synthetic guarded", date=date(2026, 4, 5))
    client.force_login(build.user(is_staff=True, perms=["releases.view_releaseevent"]))
    assert client.get(paste_url(event)).status_code == 403
