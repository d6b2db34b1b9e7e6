"""Every page answers in each language, with the right lang attribute and no English interface word.

The crawl reads every page of the 13 December scenario (lists, records, filters with an error, the
404 page, the methodology page with the glossary, the map on the overview and destinations, the
feed's stylesheet) as a reader of Belarusian, Russian and Ukrainian would, takes out what is content
(names, sources, record texts: any text stored in the database), and checks that no catalogue msgid
and no other Latin word is left, except the few that are the same in every language (API, CSV...).
"""

import re

import polib
import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from tests.i18n.conftest import OTHER_LANGUAGES, in_language
from tests.i18n.page_text import reader_text
from tracker.catalogues import BASE_DIR

# Written the same way in Belarusian, Russian and Ukrainian interfaces.
LATIN_ALLOWED = {"API", "JSON", "CSV", "REST", "Atom", "OFAC", "SDN"}


def crawl_paths(dec13):
    return [
        "/",
        "/releases/",
        dec13.event.get_absolute_url(),
        dec13.june_event.get_absolute_url(),
        "/prisoners/",
        "/prisoners/?search=Bialiatski",
        "/prisoners/?detained_after=yesterday",
        dec13.bialiatski.get_absolute_url(),
        dec13.kalesnikava.get_absolute_url(),
        dec13.anonymized.get_absolute_url(),
        "/deals/",
        dec13.deal.get_absolute_url(),
        "/destinations/",
        "/destinations/LT/",
        "/destinations/UA/",
        "/releases/no-such-event/",
        "/methodology/",
        "/countries/",
        "/countries/BY/",
        "/feeds/releases.xsl",  # the page a browser makes of the feed
    ]


def stored_texts():
    """Every text value stored for the scenario's records, in every language: content, not interface."""
    texts = set()
    for app_label in ("prisoners", "releases"):
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            text_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
            names = [f.attname for f in text_fields]
            for row in model.objects.values_list(*names):
                texts.update(" ".join(str(value).split()) for value in row if value)
    return sorted(texts, key=len, reverse=True)


def interface_only(text, texts):
    for value in texts:
        text = text.replace(value, " ")
    return text


def catalogue(language):
    return polib.pofile(str(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))


def latin_in_translations(language):
    """Latin words a translation keeps on purpose (a search example such as "Bialiatski", "Belavia")."""
    words = set()
    for entry in catalogue(language):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            words.update(re.findall(r"[A-Za-z]{3,}", re.sub(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>", " ", text)))
    return words


def catalogue_msgids(language):
    """Words of msgids whose translation differs from the English (so finding them means untranslated)."""
    msgids = set()
    for entry in catalogue(language):
        if entry.msgstr == entry.msgid:
            continue
        pieces = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        for piece in pieces:
            # The words of a message around its placeholders; short or shared words say nothing.
            for chunk in re.split(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>", piece):
                chunk = chunk.strip(" .,:;()")
                if len(chunk) >= 4 and chunk not in LATIN_ALLOWED and not chunk.startswith(("e.g.", "YYYY")):
                    msgids.add(chunk)
    return msgids


@pytest.mark.django_db
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_english_interface_string_on_any_page(dec13, reader, language):
    # and what the reader typed: a search, and a date the filter refuses (shown back on its chip)
    texts = sorted([*stored_texts(), "Bialiatski", "yesterday"], key=len, reverse=True)
    msgids = catalogue_msgids(language)
    kept_latin = latin_in_translations(language)
    problems = []
    for path in crawl_paths(dec13):
        reader.get(path)  # English first: nothing may keep the first reader's language for the next one
        response = reader.get(in_language(path, language))
        assert response.status_code in (200, 400, 404), path
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, path
        assert response["Content-Language"] == language, path
        text = interface_only(reader_text(html), texts)
        left = sorted(m for m in msgids if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text))
        latin = sorted(set(re.findall(r"[A-Za-z]{3,}", text)) - LATIN_ALLOWED - kept_latin)
        if left or latin:
            problems.append(f"{path}: msgids {left}, Latin words {latin}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_feed_in_each_language(dec13, reader, language):
    response = reader.get(in_language("/feeds/releases/", language))
    assert response.status_code == 200
    body = response.content.decode()
    with translation.override(language):
        assert str(translation.gettext("Release Tracker: release events")) in body
    assert "Release Tracker: release events" not in body
    assert "reported freed" not in body


def test_english_pages_keep_their_addresses(db, dec13, reader):
    response = reader.get(dec13.event.get_absolute_url())
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert dec13.event.get_absolute_url() == f"/releases/{dec13.event.slug}/"
