"""The 13 December 2025 release as the pages tests (and the browser tests) need it, built through services.

Besides the public people it holds one anonymized and one private person, so every page can be
checked for who sees what.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType

from prisoners.models import ReportedValue, Visibility
from releases.models import DealClaim, ReliefMeasure, ReportedTotal
from tests import builders

ANONYMIZED_NAME = "Hanna Hiddenname"
PRIVATE_NAME = "Pavel Privatename"
STAFF_NOTE = "Staff only: family asked us not to publish the prison address"


@dataclass
class December13:
    event: object
    june_event: object
    deal: object
    bialiatski: object
    kalesnikava: object
    tsikhanouski: object
    anonymized: object
    private: object
    hrw: object
    aljazeera: object
    coale_claim_source: object
    denial_source: object


def build_december_13():
    aljazeera = builders.source(
        "https://www.aljazeera.com/news/2025/12/13/belarus-frees-123-prisoners",
        title="Belarus frees 123 prisoners including Ales Bialiatski as US lifts sanctions",
        publisher="Al Jazeera",
        published_on=date(2025, 12, 13),
    )
    hrw = builders.source(
        "https://www.hrw.org/news/2025/12/15/more-than-1000-belarusians-remain-in-prison",
        title="More than 1,000 Belarusians remain in prison",
        publisher="Human Rights Watch",
        kind="rights_group",
    )
    potash_source = builders.source("https://www.crbcnews.com/articles/potash", publisher="CRBC News")
    coale_claim_source = builders.source("https://newsukraine.rbc.ua/news/lukashenko-office", publisher="RBC-Ukraine")
    denial_source = builders.source("https://www.state.gov/statement-on-belarus", publisher="US State Department")
    withheld_source = builders.source("https://example.org/hanna-hiddenname-profile", publisher="Viasna profile")

    deal = builders.deal(
        "US lifts sanctions on Belarusian potash",
        slug="2025-us-potash-sanctions-relief",
        announced_on=date(2025, 12, 13),
        sanctioning_party="US",
        target_country="BY",
        envoy="John Coale, US special envoy for Belarus",
        counterparty="Belarus",
        status="announced",
        terms="US sanctions on Belarusian potash lifted.",
        sources=[aljazeera],
    )
    measure = ReliefMeasure.objects.create(
        deal=deal,
        measure="Lifting of US sanctions on Belaruskali, Belarusian Potash Company and Agrorozkvit",
        target="Belaruskali (potash)",
        instrument=ReliefMeasure.Instrument.DELISTING,
        authority="US Treasury (OFAC)",
    )
    measure.sources.add(potash_source)
    links = DealClaim.objects.create(
        deal=deal,
        claim="Lukashenko's office cited the lifting of sanctions as a reason for the release.",
        claimant="Office of the President of Belarus",
        position=DealClaim.Position.LINKS_RELEASE_TO_RELIEF,
        said_on=date(2025, 12, 13),
    )
    links.sources.add(coale_claim_source)
    denies = DealClaim.objects.create(
        deal=deal,
        claim="The release was not done in exchange for sanctions relief.",
        claimant="US State Department spokesperson",
        position=DealClaim.Position.DENIES_LINK,
        said_on=date(2025, 12, 14),
    )
    denies.sources.add(denial_source)

    event = builders.event(
        "Belarus frees 123 and sends them to Ukraine and Lithuania",
        slug="2025-12-13-frees-123",
        date=date(2025, 12, 13),
        kind="deportation",
        reported_count=123,
        envoy="John Coale, US special envoy for Belarus",
        deal=deal,
        destination_counts={"LT": 9, "UA": 114},
        sources=[aljazeera, hrw],
    )
    ReportedValue.objects.create(
        content_type=ContentType.objects.get_for_model(event),
        object_id=event.pk,
        field="freed",
        value="123",
        reported_by="Belarusian state media",
        source=aljazeera,
    )
    ReportedValue.objects.create(
        content_type=ContentType.objects.get_for_model(event),
        object_id=event.pk,
        field="freed",
        value="more than 120",
        reported_by="Human Rights Watch",
        source=hrw,
    )
    june_event = builders.event(
        "Belarus frees 14 including Siarhei Tsikhanouski",
        slug="2025-06-21-frees-14",
        date=date(2025, 6, 21),
        kind="deportation",
        reported_count=14,
        destination_counts={"LT": 14},
        sources=[aljazeera],
    )

    bialiatski = builders.prisoner(
        "Ales Bialiatski",
        native_name="Алесь Бяляцкі",
        name_variants=["Ales Bialiatsky", "Ales Byalyatski"],
        country="BY",
        gender="male",
        biography="Nobel Peace Prize laureate 2022, founder of Viasna.",
        notes=STAFF_NOTE,
        sources=[aljazeera],
    )
    builders.detention(bialiatski, detained_on=date(2021, 7, 14), charges="243|228", sentence="10 years")
    builders.release(bialiatski, event, destination="LT", sources=[aljazeera], forced_exile=True)

    kalesnikava = builders.prisoner("Maria Kalesnikava", name_variants=["Maria Kolesnikova"], country="BY")
    builders.detention(kalesnikava, detained_on=date(2020, 9, 7), charges="357")
    builders.release(kalesnikava, event, destination="UA", sources=[aljazeera])

    tsikhanouski = builders.prisoner("Siarhei Tsikhanouski", country="BY")
    builders.detention(tsikhanouski, detained_on=date(2020, 5, 29))
    june_release = builders.release(tsikhanouski, june_event, destination="LT", sources=[aljazeera])
    for value, reported_by, source in (("2025-06-21", "Viasna", aljazeera), ("2025-06-20", "Belta", hrw)):
        ReportedValue.objects.create(
            content_type=ContentType.objects.get_for_model(june_release),
            object_id=june_release.pk,
            field="release date",
            value=value,
            reported_by=reported_by,
            source=source,
        )

    anonymized = builders.prisoner(
        ANONYMIZED_NAME,
        native_name="Ганна Схаваная",
        country="BY",
        birth_date=date(1980, 1, 2),
        biography="Teacher from Hrodna.",
        visibility=Visibility.ANONYMIZED,
        sources=[withheld_source],
    )
    builders.detention(
        anonymized,
        detained_on=date(2022, 3, 1),
        court="Hrodna regional court",
        charges="361-1",
        sentence="3 years in the Hrodna penal colony",
        sentence_months=36,
    )
    builders.release(anonymized, event, destination="UA", sources=[withheld_source])

    private = builders.prisoner(PRIVATE_NAME, country="BY", visibility=Visibility.PRIVATE)
    builders.detention(private, detained_on=date(2023, 4, 4))
    builders.release(private, event, destination="UA")

    held = builders.prisoner("Still Heldperson", country="BY")
    builders.detention(held, detained_on=date(2024, 2, 2), sentence="5 years")

    total = ReportedTotal.objects.create(
        reported_on=date(2025, 12, 15),
        count=1000,
        qualifier="more_than",
        counts_what="political prisoners held in Belarus",
        reported_by="Human Rights Watch",
        country="BY",
    )
    total.sources.add(hrw)
    return December13(
        event=event,
        june_event=june_event,
        deal=deal,
        bialiatski=bialiatski,
        kalesnikava=kalesnikava,
        tsikhanouski=tsikhanouski,
        anonymized=anonymized,
        private=private,
        hrw=hrw,
        aljazeera=aljazeera,
        coale_claim_source=coale_claim_source,
        denial_source=denial_source,
    )


def build_many_people(count=110):
    """`count` people with name variants, detentions, releases (spread over events and destinations) and sources."""
    events = [
        builders.event(
            f"Bulk release {n}", date=date(2025, n + 1, 10), reported_count=50, destination_counts={"LT": 50}
        )
        for n in range(3)
    ]
    shared = [builders.source(f"https://example.org/bulk/{n}", publisher=f"Bulk Publisher {n}") for n in range(3)]
    people = []
    for n in range(count):
        visibility = Visibility.ANONYMIZED if n % 10 == 3 else Visibility.PRIVATE if n % 10 == 7 else Visibility.PUBLIC
        person = builders.prisoner(
            f"Bulk Person {n:03d}",
            name_variants=[f"Bulk Persona {n:03d}"],
            country="BY",
            visibility=visibility,
            sources=[shared[n % 3]],
        )
        builders.detention(person, detained_on=date(2021, 1 + n % 12, 1), charges="342", sources=[shared[n % 3]])
        if n % 2 == 0:
            builders.release(person, events[n % 3], destination=("LT", "UA", "PL")[n % 3], sources=[shared[n % 3]])
        people.append(person)
    return events, people
