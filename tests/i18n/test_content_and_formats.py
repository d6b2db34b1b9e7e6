"""Texts kept per language with an English fallback and a note; the demo's titles; dates and numbers per locale
(and never in an address, a form value or a drawing)."""

import json
import re
from html.parser import HTMLParser

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


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.seen = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        self.seen.extend((tag, name, value or "") for name, value in attrs)


NUMBER = r"-?\d+(\.\d+)?%?"
SVG_NUMBERS = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "dx", "dy", "width", "height"}


def misread_numbers(html):
    """Attributes a browser reads as numbers or addresses, written the way the page's locale writes numbers."""
    parser = _Attributes()
    parser.feed(html)
    wrong = []
    for tag, name, value in parser.seen:
        if name in SVG_NUMBERS and not re.fullmatch(NUMBER, value):
            wrong.append((tag, name, value))
        elif name == "viewbox" and not re.fullmatch(rf"{NUMBER}( {NUMBER}){{3}}", value):
            wrong.append((tag, name, value))
        elif name == "transform" and not re.fullmatch(rf"translate\({NUMBER} {NUMBER}\)", value):
            wrong.append((tag, name, value))
        elif (name in ("href", "value") or name.startswith("data-")) and (
            "\xa0" in value or "%C2%A0" in value or re.search(r"\d,\d{3}", value)
        ):
            wrong.append((tag, name, value))
    return wrong


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "be", "ru", "uk"])
def test_numbers_in_addresses_and_drawings_are_never_grouped(dec13, reader, language):
    """USE_THOUSAND_SEPARATOR writes 2025 as "2 025" (or "2,025"): not inside a link, a form value or an SVG."""
    update_release_event(event=dec13.event, reported_count=1234)
    paths = ["/", "/releases/", dec13.event.get_absolute_url(), "/deals/", dec13.deal.get_absolute_url()]
    paths += ["/destinations/", "/destinations/LT/", "/prisoners/", "/methodology/"]
    for path in paths:
        response = reader.get(in_language(path, language))
        assert response.status_code == 200, path
        html = response.content.decode()
        assert misread_numbers(html) == [], path
    overview = reader.get(in_language("/", language)).content.decode()
    assert "?date_after=2025-01-01&amp;date_before=2025-12-31" in overview  # the year's figure links its events
    assert "<svg" in overview and "<circle" in overview  # the chart and the map were checked
