"""An event's title reads the reader's language in the lists as in the details (django-modeltranslation: the
reader's language, else English): the people and releases lists build their rows from plain values, and read the
title column, English whatever the reader asked for, while the detail of the same release said it in Belarusian."""

import csv
import io
from datetime import date

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ENGLISH = "Synthetic release of many"
BELARUSIAN = "Сінтэтычнае вызваленне многіх"


@pytest.fixture
def release(build):
    event = build.event(ENGLISH, slug="synthetic-translated", date=date(2025, 12, 13), title_be=BELARUSIAN)
    return build.release(build.prisoner("Synthetic Translated Person"), event=event, destination="LT")


def _csv_titles(response):
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    return [row["release_event_title"] for row in csv.DictReader(io.StringIO(body)) if not row["id"].startswith("#")]


@pytest.mark.parametrize("language, title", [("be", BELARUSIAN), ("ru", ENGLISH), ("en", ENGLISH)])
def test_the_lists_give_the_event_title_in_the_readers_language_as_the_details_do(release, language, title):
    api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    detail = api.get(f"/api/v1/releases/{release.pk}/").json()
    assert detail["event"]["title"] == title
    listed = api.get("/api/v1/releases/").json()["results"]
    assert [row["event"]["title"] for row in listed] == [title]
    person = api.get("/api/v1/prisoners/").json()["results"][0]
    assert [row["event"]["title"] for row in person["releases"]] == [title]
    assert api.get(f"/api/v1/prisoners/{release.prisoner_id}/").json()["releases"][0]["event"]["title"] == title
    assert _csv_titles(api.get("/api/v1/releases/?format=csv")) == [title]
    assert _csv_titles(api.get("/api/v1/prisoners/?format=csv")) == [title]  # COPY on PostgreSQL, rows on SQLite
