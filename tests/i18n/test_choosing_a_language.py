"""Choosing a language: prefixes, the switcher that keeps the record, hreflang, Accept-Language, the API."""

import re

import pytest
from django.test import Client

from tests.i18n.conftest import LANGUAGES, in_language


def switcher_links(html):
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return dict(re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', nav)[i][::-1] for i in range(4))


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_switcher_keeps_the_record_and_the_query(dec13, reader, language):
    path = f"/releases/{dec13.event.slug}/"
    html = reader.get(in_language(path, language)).content.decode()
    assert switcher_links(html) == {lang: in_language(path, lang) for lang in LANGUAGES}
    assert re.search(rf'hreflang="{language}" lang="{language}" aria-current="true"', html)

    query = "/prisoners/?status=released&ordering=-name"
    html = reader.get(in_language(query, language)).content.decode()
    links = switcher_links(html.replace("&amp;", "&"))
    assert links == {lang: in_language(query, lang) for lang in LANGUAGES}


@pytest.mark.django_db
def test_switcher_links_open_the_same_person(dec13, reader):
    html = reader.get(f"/ru/prisoners/{dec13.bialiatski.pk}/").content.decode()
    for language, url in switcher_links(html).items():
        response = reader.get(url)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
        assert "Bialiatski" in response.content.decode()


@pytest.mark.django_db
def test_hreflang_alternates_in_the_head(dec13, reader):
    path = f"/deals/{dec13.deal.slug}/"
    html = reader.get(in_language(path, "uk")).content.decode()
    head = html.split("</head>")[0]
    for language in LANGUAGES:
        url = f"http://testserver{in_language(path, language)}"
        assert f'<link rel="alternate" hreflang="{language}" href="{url}">' in head
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver/deals/{dec13.deal.slug}/">' in head


@pytest.mark.django_db
def test_first_visit_follows_accept_language_once(dec13):
    client = Client(HTTP_ACCEPT_LANGUAGE="be-BY,be;q=0.9,ru;q=0.8,en;q=0.5")
    response = client.get(f"/prisoners/{dec13.bialiatski.pk}/?x=1")
    assert response.status_code == 302
    assert response["Location"] == f"/be/prisoners/{dec13.bialiatski.pk}/?x=1"
    assert "Accept-Language" in response["Vary"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.cookies["tracker_language"].value == "be"
    # Back on the English address (the switcher's English link): English, no redirect any more.
    english = client.get(f"/prisoners/{dec13.bialiatski.pk}/")
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()


@pytest.mark.django_db
def test_english_or_unknown_browsers_stay_on_english_addresses(dec13):
    for header in ("en-GB,en;q=0.9", "de-DE,de;q=0.9", ""):
        response = Client(HTTP_ACCEPT_LANGUAGE=header).get("/releases/")
        assert response.status_code == 200, header
        assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_api_answers_errors_in_the_accept_language_language(dec13):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    response = client.get("/api/v1/prisoners/?detained_after=yesterday")
    assert response.status_code == 400
    assert response.json() == {"detained_after": ["Введите дату в виде ГГГГ-ММ-ДД."]}
    assert response["Content-Language"] == "ru"
    # DRF's own messages come in Russian too, and a page size out of range is ours.
    assert client.get("/api/v1/release-events/no-such-event/").json() == {"detail": "Страница не найдена."}
    assert client.get("/api/v1/prisoners/?page_size=x").json() == {"page_size": ["Введите целое число от 1 до 500."]}
    uk = Client(HTTP_ACCEPT_LANGUAGE="uk").get("/api/v1/release-events/?deal=nope").json()
    assert uk == {"deal": ["Немає домовленості з таким слагом."]}


@pytest.mark.django_db
def test_api_keeps_tokens_and_english_by_default(dec13):
    ru = Client(HTTP_ACCEPT_LANGUAGE="ru").get(f"/api/v1/prisoners/{dec13.bialiatski.pk}/").json()
    en = Client().get(f"/api/v1/prisoners/{dec13.bialiatski.pk}/").json()
    assert ru["status"] == en["status"] == "released"
    assert ru["gender"] == en["gender"] == "male"
    assert Client().get("/api/v1/prisoners/?detained_after=x").json() == {
        "detained_after": ["Enter a date as YYYY-MM-DD."]
    }


@pytest.mark.django_db
def test_api_labels_in_the_request_language(build):
    staff = Client(HTTP_ACCEPT_LANGUAGE="be")
    staff.force_login(build.user(perms=["releases.add_releaseevent"]))
    actions = staff.options("/api/v1/release-events/").json()["actions"]["POST"]
    kinds = {choice["value"]: choice["display_name"] for choice in actions["kind"]["choices"]}
    assert kinds["pardon"] == "памілаванне"
    assert kinds["exchange"] == "абмен"
    assert actions["reported_count"]["label"] == "Заяўленая колькасць"


@pytest.mark.django_db
def test_a_not_found_page_never_repeats_the_address_asked_for(reader):
    """A draft's or a withheld record's slug typed by a reader is not echoed back by the switcher or hreflang."""
    response = reader.get("/ru/releases/2026-02-07-some-draft-event/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "some-draft-event" not in html
    assert 'rel="alternate" hreflang' not in html
    assert switcher_links(html) == {"en": "/", "be": "/be/", "ru": "/ru/", "uk": "/uk/"}
