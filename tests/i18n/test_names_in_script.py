"""Names in the reader's script, the Latin form beside it, and never a withheld name in any script."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from prisoners.models import NameVariant
from prisoners.services import add_name_variant
from tests.i18n.conftest import OTHER_LANGUAGES, in_language
from tests.pages.scenario import ANONYMIZED_NAME

HIDDEN_CYRILLIC = "Ганна Схаваная"  # the anonymized person's native name in the scenario
HIDDEN_RUSSIAN = "Анна Скрытная"


@pytest.fixture
def people(dec13):
    add_name_variant(prisoner=dec13.bialiatski, name="Алесь Беляцкий", kind=NameVariant.Kind.NATIVE, language="ru")
    add_name_variant(prisoner=dec13.anonymized, name=HIDDEN_RUSSIAN, kind=NameVariant.Kind.NATIVE, language="ru")
    return dec13


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "shown_language"),
    [("be", "Алесь Бяляцкі", "be"), ("ru", "Алесь Беляцкий", "ru"), ("uk", "Алесь Бяляцкі", "uk")],
)
def test_person_page_in_the_readers_script_with_latin_beside(people, reader, language, shown, shown_language):
    html = reader.get(in_language(f"/prisoners/{people.bialiatski.pk}/", language)).content.decode()
    expected = (
        f'<span lang="{shown_language}">{shown}</span> <span class="latin-name" lang="en">(Ales Bialiatski)</span>'
    )
    assert f"<h1>{expected}</h1>" in html
    assert f"<title>{shown} (Ales Bialiatski) ·" in html


@pytest.mark.django_db
def test_english_page_shows_the_latin_form(people, reader):
    html = reader.get(f"/prisoners/{people.bialiatski.pk}/").content.decode()
    assert "<h1>Ales Bialiatski</h1>" in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_lists_event_destination_and_feed_use_the_script_form(people, reader, language):
    expected = {"be": "Алесь Бяляцкі", "ru": "Алесь Беляцкий", "uk": "Алесь Бяляцкі"}[language]
    for path in (
        "/prisoners/",
        f"/releases/{people.event.slug}/",
        "/destinations/LT/",
    ):
        html = reader.get(in_language(path, language)).content.decode()
        assert expected in html, path
        assert "(Ales Bialiatski)" in html, path
    feed = reader.get(in_language("/feeds/releases/", language)).content.decode()
    assert f"{expected} (Ales Bialiatski)" in feed


@pytest.mark.django_db
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_withheld_name_never_shows_in_any_script(people, reader, language):
    paths = [
        "/",
        "/prisoners/",
        f"/prisoners/{people.anonymized.pk}/",
        f"/releases/{people.event.slug}/",
        "/destinations/UA/",
        "/feeds/releases/",
        f"/prisoners/?search={HIDDEN_CYRILLIC}",
        f"/prisoners/?search={HIDDEN_RUSSIAN}",
    ]
    withheld = {"be": "Імя не раскрываецца", "ru": "Имя не раскрывается", "uk": "Ім&#x27;я не розголошується"}
    for path in paths:
        html = reader.get(in_language(path, language)).content.decode()
        if "search=" in path:
            typed = path.split("search=")[1]
            html = html.replace(typed, "")  # the search box and title echo what the reader typed
            assert f"/prisoners/{people.anonymized.pk}/" not in html, path  # and nobody is found by it
        for secret in (HIDDEN_CYRILLIC, HIDDEN_RUSSIAN, ANONYMIZED_NAME, "Ганна", "Hanna", "Анна"):
            assert secret not in html, (path, secret)
    assert (
        withheld[language] in reader.get(in_language(f"/prisoners/{people.anonymized.pk}/", language)).content.decode()
    )


@pytest.mark.django_db
def test_staff_who_may_see_withheld_names_see_them_in_script(people, build):
    staff = Client()
    staff.force_login(build.user(perms=["prisoners.view_withheld"]))
    html = staff.get(f"/ru/prisoners/{people.anonymized.pk}/").content.decode()
    assert f'<span lang="ru">{HIDDEN_RUSSIAN}</span>' in html
    assert f"({ANONYMIZED_NAME})" in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize(
    "spelling", ["Бяляцкі", "Беляцкий", "Бяляцький", "Алесь Бяляцкі", "Bialiatski", "Беляцкі Алесь"]
)
def test_search_from_a_cyrillic_page_finds_every_spelling(people, reader, language, spelling):
    html = reader.get(in_language("/prisoners/", language), {"search": spelling}).content.decode()
    assert f'href="{in_language(f"/prisoners/{people.bialiatski.pk}/", language)}"' in html


@pytest.mark.django_db
def test_script_forms_cost_one_query_per_list_and_none_in_english(people, reader):
    def count(path):
        reader.get(path)  # a running server has the country menus cached after its first request
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(path).status_code == 200
        return len(queries)

    english = count("/prisoners/")
    assert count("/be/prisoners/") == english + 1
    assert count("/ru/prisoners/?page_size=1") == count("/prisoners/?page_size=1") + 1
    assert count(f"/ru/releases/{people.event.slug}/") == count(f"/releases/{people.event.slug}/") + 1
