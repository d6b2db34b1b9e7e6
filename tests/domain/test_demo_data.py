"""`load_demo` builds the demo from the sourced data file, keeps disagreements, and runs twice safely."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction

from prisoners.models import ExternalId, NameVariant, Prisoner, ReportedValue, Source
from releases.management.commands.load_demo import EVENTS_FILE, PEOPLE_FILE, parse_named_person
from releases.models import (
    DealClaim,
    EventDestination,
    Release,
    ReleaseEvent,
    ReliefMeasure,
    ReportedTotal,
    SanctionsDeal,
)
from releases.selectors import reconcile_event

pytestmark = pytest.mark.django_db

MODELS = (
    Source,
    Prisoner,
    NameVariant,
    ExternalId,
    ReleaseEvent,
    EventDestination,
    Release,
    SanctionsDeal,
    ReliefMeasure,
    DealClaim,
    ReportedTotal,
    ReportedValue,
)


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """Load the demo once for the module, in a transaction rolled back at its end.

    Each test's own transaction nests inside it as a savepoint, so tests still cannot see each other's writes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    return None


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_running_twice_creates_no_duplicates(demo):
    first = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == first
    assert first["ReleaseEvent"] == 22 and first["Prisoner"] == 34 and first["ReportedTotal"] == 2


def test_an_editors_change_survives_a_second_run(demo):
    event = ReleaseEvent.objects.get(date=date(2025, 12, 13))
    event.title = "Corrected by an editor"
    event.save()
    call_command("load_demo", verbosity=0)
    event.refresh_from_db()
    assert event.title == "Corrected by an editor"


def test_the_13_december_2025_event(demo):
    event = ReleaseEvent.objects.get(date=date(2025, 12, 13))
    assert event.reported_count == 123 and event.reported_count_qualifier == "exactly"
    assert event.kind == "deportation" and list(event.releasing_countries) == ["BY"]
    assert event.envoy == "John Coale, US special envoy for Belarus"
    result = reconcile_event(event)
    assert result.breakdown == {"LT": 9, "UA": 114} and result.warnings == []
    assert result.named_count == 6

    deal = event.deal
    assert (deal.sanctioning_party, str(deal.target_country), deal.status) == ("US", "BY", "announced")
    measure = deal.relief_measures.get()
    assert "potash" in measure.measure.lower() or "Belaruskali" in measure.measure
    assert [s.link for s in measure.sources.all()] == ["https://www.crbcnews.com/articles/69430108adcbcee90e6dd52e"]
    claim = deal.claims.get()
    assert claim.claimant == "Office of the President of Belarus" and claim.sources.exists()

    bialiatski = Release.objects.get(event=event, prisoner__full_name="Ales Bialiatski")
    assert bialiatski.destination.code == "LT"
    assert any("gazetaprawna.pl" in s.link for s in bialiatski.sources.all())
    kalesnikava = Release.objects.get(event=event, prisoner__full_name="Maria Kalesnikava")
    assert kalesnikava.destination.code == "UA"
    assert any(s.link.startswith("EconoTimes:") for s in kalesnikava.sources.all())
    assert kalesnikava.prisoner.name_variants.filter(name="Maria Kolesnikova").exists()
    # The others are named without a destination: none is reported for them.
    assert Release.objects.filter(event=event, destination__isnull=True).count() == 4


def test_every_event_of_the_file_with_its_count_and_sources(demo):
    rows = json.loads(EVENTS_FILE.read_text())
    for row in rows:
        event = ReleaseEvent.objects.get(date=date.fromisoformat(row["date"]))
        assert event.reported_count == row["count_released"]
        assert {s.link for s in event.sources.all()} == set(row["sources"])
        assert event.uncertain == row["uncertain"]
        for country, count in (row.get("destinations") or {}).items():
            assert event.destination_counts.get(
                destination__country__in=[country[:2].upper(), "VA", "US", "DE", "UA", "LT"], reported_count=count
            )
    kinds = dict(ReleaseEvent.objects.values_list("slug", "kind"))
    assert kinds["2024-08-01-exchange-16"] == "exchange"
    assert kinds["2024-07-03-pardon-18"] == "pardon"
    assert kinds["2025-09-11-frees-52"] == "deportation"
    assert ReleaseEvent.objects.get(date=date(2024, 7, 3)).reported_count_qualifier == "at_least"


def test_nothing_invented_every_person_is_named_in_the_file(demo):
    named = {}
    for row in json.loads(EVENTS_FILE.read_text()):
        for text in row["notable_people"]:
            named[text] = set(text.replace("(", " ").replace(")", " ").replace(";", " ").split())
    for row in json.loads(PEOPLE_FILE.read_text()):  # native-script names come from the people file
        for entry in row["native_name"] or ():
            named[entry["value"]] = set(entry["value"].split())
    for person in Prisoner.objects.prefetch_related("name_variants"):
        words = [set(person.full_name.split())] + [set(v.name.split()) for v in person.name_variants.all()]
        for name_words in words:
            assert any(name_words <= file_words for file_words in named.values()), name_words
    assert not Prisoner.objects.filter(full_name__icontains="unnamed").exists()


def test_statkevich_was_returned_to_prison_and_52_vs_51_is_kept_with_sources(demo):
    event = ReleaseEvent.objects.get(date=date(2025, 9, 11))
    statkevich = Release.objects.get(event=event, prisoner__full_name="Mikalai Statkevich")
    assert statkevich.outcome == "returned_to_custody" and statkevich.destination is None
    assert statkevich.prisoner.status == "sentenced"  # held still: the people file records his sentence
    assert statkevich.prisoner.name_variants.filter(name="Mikola Statkevich").exists()

    arrived = {(v.value, v.reported_by, v.source.link) for v in event.reported_values.all()}
    assert ("52", "Gitanas Nauseda, President of Lithuania") in {(v, by) for v, by, _ in arrived}
    border = [link for value, _by, link in arrived if value == "at most 51"]
    assert len(border) == 2 and all(link in event.sources.values_list("link", flat=True) for link in border)
    assert event.deal.slug == "2025-us-belavia-sanctions-relief" and event.deal.status == "implemented"
    measure = event.deal.relief_measures.get()
    assert measure.effective_on == date(2025, 11, 4) and measure.instrument == "delisting"
    assert event.deal.claims.get().position == "denies"


def test_the_losik_release_date_is_kept_as_each_source_reports_it(demo):
    release = Release.objects.get(prisoner__full_name="Ihar Losik")
    assert release.event.date == date(2025, 9, 11)
    values = release.reported_values.filter(field="release date")
    june_links = set(values.filter(value="2025-06-21").values_list("source__link", flat=True))
    june_event = ReleaseEvent.objects.get(date=date(2025, 6, 21))
    assert june_links == set(june_event.sources.values_list("link", flat=True))
    assert values.filter(value="2025-09-11").count() == release.event.sources.count()
    assert all("does not say which two" in v.note for v in values.filter(value="2025-06-21"))


def test_conflicting_dates_are_kept_with_their_sources(demo):
    november = ReleaseEvent.objects.get(slug="2025-11-22-frees-31")
    dates = {(v.value, v.source.link) for v in november.reported_values.filter(field="date")}
    assert any(value == "2025-11-20" and "news.by" in link for value, link in dates)
    assert any(value == "2025-11-22" and "babel.ua" in link for value, link in dates)
    december = ReleaseEvent.objects.get(slug="2025-12-30-pardon-22")
    assert set(december.reported_values.values_list("value", flat=True)) == {"2025-12-28", "2025-12-30"}


def test_deals_exist_only_where_something_was_given_in_return(demo):
    assert set(SanctionsDeal.objects.values_list("slug", flat=True)) == {
        "2024-ankara-prisoner-exchange",
        "2025-us-belavia-sanctions-relief",
        "2025-us-potash-sanctions-relief",
    }
    unilateral = ReleaseEvent.objects.get(date=date(2025, 1, 26))
    assert unilateral.deal is None and "unilateral" in unilateral.description
    assert unilateral.envoy.startswith("Christopher W. Smith")


def test_reported_totals(demo):
    hrw = ReportedTotal.objects.get(reported_by="Human Rights Watch")
    assert (hrw.count, hrw.qualifier, hrw.still_held) == (1000, "more_than", True)
    forecast = ReportedTotal.objects.exclude(pk=hrw.pk).get()
    assert (forecast.qualifier, forecast.still_held) == ("up_to", False)


@pytest.mark.parametrize(
    "text, name, variants, outcome, confidence",
    [
        (
            "Mikalai (Mikola) Statkevich (refused to cross; returned to prison)",
            "Mikalai Statkevich",
            ["Mikola Statkevich"],
            "returned_to_custody",
            "reported",
        ),
        ("Natallia Dulina (named by RBC; single source)", "Natallia Dulina", [], "freed", "single_source"),
        ("Alena Maushuk (also spelled Movshuk)", "Alena Maushuk", ["Alena Movshuk"], "freed", "reported"),
        (
            "Youras Ziankovich (US citizen; also spelled Yuras Zyankovich)",
            "Youras Ziankovich",
            ["Yuras Zyankovich"],
            "freed",
            "reported",
        ),
    ],
)
def test_names_as_reported_are_read_with_their_brackets(text, name, variants, outcome, confidence):
    person = parse_named_person(text)
    assert person["name"] == name
    assert [variant for variant, _kind, _language in person["variants"]] == variants
    assert (person["outcome"], person["confidence"]) == (outcome, confidence)
