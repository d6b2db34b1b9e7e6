"""Fixtures for the API tests: clients, no accidental throttling, and the 13 December 2025 release."""

from datetime import date

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from prisoners.models import ReportedValue, Source
from releases.models import DealClaim, ReliefMeasure, ReportedTotal

WITHHELD_FULL_NAME = "Zmitser Withheldovich"
WITHHELD_VARIANT = "Dzmitry Hiddenau"
WITHHELD_NATIVE = "Зміцер Схаваны"
PRIVATE_FULL_NAME = "Yauhen Privatny"
PRIVATE_VARIANT = "Evgeny Privatnyi"
WITHHELD_WORDS = (WITHHELD_FULL_NAME, WITHHELD_VARIANT, WITHHELD_NATIVE, PRIVATE_FULL_NAME, PRIVATE_VARIANT)


@pytest.fixture(autouse=True)
def no_throttling(monkeypatch, settings):
    """Throttle counts live in the shared cache across runs: switch the anonymous rate off unless a test sets it;
    the invalid-token lockout (tested in tests/security) is out of the way too."""
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", None)
    settings.AXES_FAILURE_LIMIT = 10_000
    yield
    cache.clear()  # no invalid-token counts left for the tests after these


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def staff_client(build):
    api = APIClient()
    api.force_authenticate(build.user(superuser=True))
    return api


@pytest.fixture
def december(build):
    """The 13 Dec 2025 release: 123 reported (LT 9, UA 114), the potash deal, named people incl. withheld ones."""
    news = build.source("https://example.org/news/belarus-frees-123", title="Belarus frees 123", kind="news")
    deal = build.deal(
        "US lifts sanctions on Belarusian potash",
        slug="potash-2025",
        status="implemented",
        sanctioning_party="US",
        target_country="BY",
        envoy="John Coale",
        announced_on=date(2025, 12, 13),
    )
    measure = ReliefMeasure.objects.create(deal=deal, measure="Potash sanctions lifted", target="Belaruskali")
    measure.sources.add(news)
    claim = DealClaim.objects.create(deal=deal, claim="Sanctions on potash lifted", claimant="US envoy")
    claim.sources.add(news)
    event = build.event(
        "Belarus frees 123 political prisoners",
        slug="2025-12-13-belarus-frees-123",
        date=date(2025, 12, 13),
        reported_count=123,
        envoy="John Coale",
        deal=deal,
        destination_counts={"LT": 9, "UA": 114},
        sources=[news],
    )
    bialiatski = build.prisoner(
        "Ales Bialiatski",
        native_name="Алесь Бяляцкі",
        name_variants=["Ales Byalyatski"],
        country="BY",
        citizenship=["BY"],
        gender="male",
        sources=[news],
    )
    build.detention(bialiatski, detained_on=date(2021, 7, 14), charges="228|243", sentence_months=120)
    build.release(bialiatski, event=event, destination="LT", sources=[news])
    kalesnikava = build.prisoner("Maria Kalesnikava", country="BY", gender="female")
    build.detention(kalesnikava, detained_on=date(2020, 9, 7), charges="361")
    build.release(kalesnikava, event=event, destination="UA")
    ukraine_two = build.prisoner("Andrei Ukrainau", country="BY", gender="male")
    build.detention(ukraine_two, detained_on=date(2022, 1, 10), charges="342")
    build.release(ukraine_two, event=event, destination="UA")

    secret_source = build.source(
        f"https://example.org/news/{WITHHELD_VARIANT.replace(' ', '-')}", title=WITHHELD_FULL_NAME
    )
    anonymized = build.prisoner(
        WITHHELD_FULL_NAME,
        native_name=WITHHELD_NATIVE,
        name_variants=[WITHHELD_VARIANT],
        visibility="anonymized",
        country="BY",
        gender="male",
        biography=f"{WITHHELD_FULL_NAME} is a teacher.",
        notes="staff only: family asked for anonymity",
        birth_date=date(1980, 5, 1),
        sources=[secret_source],
    )
    build.detention(anonymized, detained_on=date(2021, 3, 1), charges="342", place_of_detention="Penal colony 3")
    build.release(anonymized, event=event, destination="UA", notes=f"{WITHHELD_FULL_NAME} crossed at Kyiv")
    ReportedValue.objects.create(record=anonymized, field="birth_date", value="1980", source=secret_source)

    private = build.prisoner(
        PRIVATE_FULL_NAME, name_variants=[PRIVATE_VARIANT], visibility="private", country="BY", gender="male"
    )
    build.detention(private, detained_on=date(2021, 3, 1), charges="342")
    build.release(private, event=event, destination="UA")

    ReportedTotal.objects.create(
        reported_on=date(2025, 12, 15),
        count=1000,
        qualifier="more_than",
        counts_what="political prisoners",
        reported_by="Human Rights Watch",
        country="BY",
    )
    return {
        "event": event,
        "deal": deal,
        "news": news,
        "secret_source": secret_source,
        "bialiatski": bialiatski,
        "kalesnikava": kalesnikava,
        "ukraine_two": ukraine_two,
        "anonymized": anonymized,
        "private": private,
        "sources": Source.objects.all(),
    }
