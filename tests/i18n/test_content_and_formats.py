"""Texts kept per language with an English fallback and a note; the demo's titles; dates and numbers per locale."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from releases.demo_titles import TITLES_FILE
from releases.models import ReleaseEvent
from releases.services import update_release_event
from tests.i18n.conftest import in_language

NOTE = {
    "be": "Яшчэ не перакладзена; паказана па-англійску.",
    "ru": "Ещё не переведено; показано на английском.",
    "uk": "Ще не перекладено; показано англійською.",
}


@pytest.mark.django_db
def test_translated_title_shown_and_english_fallback_marked(dec13, reader):
    update_release_event(event=dec13.event, title_be="Вызваленне 13 снежня", description_en="Synthetic description.")
    html = reader.get(f"/be/releases/{dec13.event.slug}/").content.decode()
    assert "<h1>Вызваленне 13 снежня</h1>" in html
    # The description has no Belarusian text yet: English, marked as English, with a visible note.
    assert '<div class="lede" lang="en"><p>Synthetic description.</p>' in html
    assert NOTE["be"] in html
    ru = reader.get(f"/ru/releases/{dec13.event.slug}/").content.decode()
    assert f'<h1 lang="en">{dec13.event.title_en}</h1>' in ru
    assert NOTE["ru"] in ru
    english = reader.get(f"/releases/{dec13.event.slug}/").content.decode()
    assert f"<h1>{dec13.event.title_en}</h1>" in english
    assert "translated" not in english


@pytest.mark.django_db
def test_deal_texts_and_claims_per_language(dec13, reader):
    claim = dec13.deal.claims.first()
    claim.claim_uk = "Звільнення не було обміном на пом'якшення санкцій."
    claim.save()  # test data: no service writes claims yet
    html = reader.get(f"/uk/deals/{dec13.deal.slug}/").content.decode()
    assert "<blockquote>Звільнення не було обміном на пом&#x27;якшення санкцій.</blockquote>" in html
    assert NOTE["uk"] in html  # the deal's title and the other claim are still English


@pytest.mark.django_db
def test_demo_events_carry_titles_in_four_languages():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    titles = json.loads(TITLES_FILE.read_text(encoding="utf-8"))
    events = ReleaseEvent.objects.all()
    assert events.count() == 22 == len(titles)
    for event in events:
        for language in ("en", "be", "ru", "uk"):
            assert getattr(event, f"title_{language}"), (event.slug, language)
        assert event.title_be == titles[event.slug]["be"]
    # An editor's translation stays when the demo is loaded again, and nothing else is rewritten.
    event = ReleaseEvent.objects.get(slug="2025-12-13-frees-123")
    update_release_event(event=event, title_ru="Отредактировано")
    history = event.history.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    event.refresh_from_db()
    assert event.title_ru == "Отредактировано"
    assert event.history.count() == history
    page = Client().get("/be/releases/2025-12-13-frees-123/").content.decode()
    assert "<h1>Вызваленне з высылкай ва Украіну і Літву: 123 чалавекі</h1>" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "date", "thousand"),
    [
        ("en", "13 December 2025", "more than 1,000"),
        ("be", "13 снежня 2025", "больш за 1\xa0000"),
        ("ru", "13 декабря 2025", "более 1\xa0000"),
        ("uk", "13 грудня 2025", "понад 1\xa0000"),
    ],
)
def test_dates_and_numbers_per_locale(dec13, reader, language, date, thousand):
    event_page = reader.get(in_language(f"/releases/{dec13.event.slug}/", language)).content.decode()
    assert f"<strong>{date}</strong>" in event_page
    dashboard = reader.get(in_language("/", language)).content.decode()
    assert thousand in dashboard

    update_release_event(event=dec13.event, reported_count=1234)
    feed = reader.get(in_language("/feeds/releases/", language)).content.decode()
    assert date in feed
    assert ("1,234" if language == "en" else "1\xa0234") in feed


@pytest.mark.django_db
def test_month_names_in_the_standard_belarusian_orthography(dec13, reader):
    html = reader.get("/be/").content.decode()
    assert "Снежань 2025" in html  # the chart's table, month by month
    assert "сьнеж" not in html.lower()  # Django's own catalogue spells it in the classical orthography
    detained = reader.get(f"/be/prisoners/{dec13.anonymized.pk}/").content.decode()
    assert "1 сакавіка 2022" in detained
