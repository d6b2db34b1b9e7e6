"""Load the demo: Belarus release events July 2024 - December 2025, and the detentions of the people they
name, from public reporting.

Idempotent: every record is found by its natural key (source link, event and deal slug, the
person's demo id, ...) and created only when missing; what is there already is left as it is,
so an editor's corrections survive a second run. Every write runs as the system user, so the
history shows who wrote it. Nothing is invented: people are only those the reporting names.

Interpretation of the data file (see docs/demo-data.md):
- event_type -> kind: "domestic pardon" (and "pardon/amnesty") -> pardon; "multilateral prisoner
  exchange" -> exchange; "release and transfer abroad" -> deportation (pardoned and taken across
  a border); "release of foreign/dual national" -> other.
- A SanctionsDeal is created only where something was given in return: sanctions lifted or
  eased, or prisoners released the other way (an exchange). Other `deal` objects describe
  unilateral releases or requests: their description and envoy stay on the event.
- "at least" in the notes becomes the count's qualifier.
- A named person gets the event's destination when the event took everyone to one country, or
  the destination a source gives for that person (`person_destinations`); otherwise none.
- A person's sources: the event's sources whose address names them, else all the event's
  sources (the release's note says so).
"""

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify
from django_countries import countries
from unidecode import unidecode

from prisoners import services as prisoner_services
from prisoners.models import ExternalId, NameVariant, Source, Visibility
from releases import services as release_services
from releases.demo_titles import apply_demo_title_translations
from releases.models import (
    DealClaim,
    Qualifier,
    Release,
    ReleaseEvent,
    ReliefMeasure,
    ReportedTotal,
    SanctionsDeal,
)
from tracker.history import acting_as, system_user
from tracker.values import parse_country

DATA_DIR = Path(__file__).resolve().parents[2] / "demo_data"
EVENTS_FILE = DATA_DIR / "belarus-releases-2024-2025.json"
TOTALS_FILE = DATA_DIR / "belarus-reported-totals.json"
PEOPLE_FILE = DATA_DIR / "belarus-people-detentions.json"
DEMO_LIST = "release-tracker-demo"  # ExternalId.source_list of the demo's people

KIND_BY_EVENT_TYPE = {
    "domestic pardon": ReleaseEvent.Kind.PARDON,
    "domestic pardon/amnesty": ReleaseEvent.Kind.PARDON,
    "multilateral prisoner exchange": ReleaseEvent.Kind.EXCHANGE,
    "release and transfer abroad": ReleaseEvent.Kind.DEPORTATION,
    "release of foreign/dual national": ReleaseEvent.Kind.OTHER,
}
QUALIFIER_BY_TEXT = {"more than": Qualifier.MORE_THAN, "up to": Qualifier.UP_TO, "at least": Qualifier.AT_LEAST}
NATIONALITY_WORDS = {
    "US citizen": "US",
    "American": "US",
    "Lithuanian": "LT",
    "Latvian": "LV",
    "German": "DE",
    "Polish": "PL",
}
SKIPPED_PEOPLE = {"unnamed us citizen"}
RELEASE_EVENT_SOURCES_NOTE = (
    "Named in the reporting of this event; the data does not say which of the event's sources names this person."
)

# Where the data file names a disagreement, each value is kept with the source(s) that give it.
# `sources`: exact URLs from the file; None means "the event's sources" (the note says the file
# does not tell which of them carries the value).
DISPUTED_EVENT_VALUES = {
    "2025-09-11": [
        {
            "field": "number who arrived in Lithuania",
            "value": "52",
            "reported_by": "Gitanas Nauseda, President of Lithuania",
            "sources": [
                "http://www.73165-info.com/news/world/europe/belarus-frees-52-prisoners-lithuanian-president-says/"
                "article_3a0709c4-1cbe-586f-9359-ddb6959dc144.html"
            ],
            "note": "Nauseda said 52 crossed into Lithuania. Source chosen by the headline in its address; "
            "the data file does not say which source quotes him.",
        },
        {
            "field": "number who arrived in Lithuania",
            "value": "at most 51",
            "reported_by": "Lithuanian border guards",
            "sources": [
                "https://www.thenews.com.pk/latest/1343099-belarus-politician-refuses-exile-stays-in-neutral-zone-on-lithuanian-border",
                "https://www.bangladeshpost.net/posts/belarusian-politician-mikola-statkevich-returned-to-prison-after-resisting-forced-exile-164158",
            ],
            "note": "Border guards said Statkevich never entered Lithuania. Sources chosen by their headlines "
            "(Statkevich did not cross); the data file does not say which source quotes the border guards.",
        },
    ],
    "2025-11-22": [
        {
            "field": "date",
            "value": "2025-11-20",
            "reported_by": "Belarusian state media (news.by, Natalia Eismont)",
            "sources": [
                "https://news.by/eng/news/obshchestvo/natalia-eismont-comments-on-belarusian-presidents-pardon-decisions"
            ],
            "note": "Article dated 2025-11-20 says the handover took place 'today at noon'.",
        },
        {
            "field": "date",
            "value": "2025-11-22",
            "reported_by": "Ukraine's Coordination Headquarters; Babel",
            "sources": ["https://babel.ua/en/news/123245-31-ukrainian-citizens-returned-from-belarus-upd"],
            "note": "Gives Saturday 22 November.",
        },
    ],
    "2025-12-30": [
        {
            "field": "date",
            "value": "2025-12-28",
            "reported_by": "news.by",
            "sources": [
                "https://news.by/eng/news/prezident/lukashenko-sign-decree-pardoning-22-people-ahead-of-new-year"
            ],
            "note": "The news.by item is dated 2025-12-28.",
        },
        {
            "field": "date",
            "value": "2025-12-30",
            "reported_by": "UNN; 72news",
            "sources": [
                "https://unn.ua/en/news/lukashenka-released-22-political-prisoners-including-those-with-minor-children",
                "https://72news.ru/news/2025/12/30/1384271.html",
            ],
            "note": "Both items are dated 2025-12-30 (AFP says 'Tuesday').",
        },
    ],
    "2025-06-21": [
        {
            "field": "nationalities of those freed",
            "value": "5 Belarusians, 3 Poles, 2 Latvians, 2 Japanese, 1 Swede (13 in all)",
            "reported_by": "Government of Lithuania",
            "sources": [
                "https://stratnewsglobal.com/europe/belarus/belarus-opposition-leader-tsikhanouski-freed-in-us-brokered-agreement"
            ],
            "note": "Lithuania's breakdown names 13 people of the 14 reported.",
        },
        {
            "field": "nationalities of those freed",
            "value": "also Estonian and US citizens",
            "reported_by": "Natalya Eismont, spokeswoman of the President of Belarus",
            "sources": None,
            "note": "The data file does not say which of the event's sources quotes Eismont.",
        },
    ],
    "2024-08-01": [
        {
            "field": "people exchanged in all",
            "value": "24 (without the two minors)",
            "reported_by": "",
            "sources": None,
            "note": "Sources give 24 or 26; the data file does not say which source gives which.",
        },
        {
            "field": "people exchanged in all",
            "value": "26 (with the two minors)",
            "reported_by": "",
            "sources": None,
            "note": "Sources give 24 or 26; the data file does not say which source gives which.",
        },
    ],
}
# Ihar Losik: two sources put him in the 21 June 2025 release, others on 11 September 2025.
DISPUTED_RELEASE_DATES = {
    "Ihar Losik": [
        {
            "value": "2025-06-21",
            "event_date": "2025-06-21",
            "note": "Two of the 21 June 2025 event's sources list him among those freed that day; "
            "the data file does not say which two, so each of that event's sources is attached.",
        },
        {
            "value": "2025-09-11",
            "event_date": "2025-09-11",
            "note": "Other sources put his release on 11 September 2025; each of that event's sources is attached.",
        },
    ]
}
# What was given in return, per event (only where the data reports it).
DEALS = {
    "2024-08-01": {
        "slug": "2024-ankara-prisoner-exchange",
        "title": "Ankara prisoner exchange",
        "status": SanctionsDeal.Status.IMPLEMENTED,
        "sanctioning_party": "",
        "target_country": "RU",
    },
    "2025-09-11": {
        "slug": "2025-us-belavia-sanctions-relief",
        "title": "US eases sanctions on Belavia",
        "status": SanctionsDeal.Status.IMPLEMENTED,
        "sanctioning_party": "US",
        "target_country": "BY",
    },
    "2025-12-13": {
        "slug": "2025-us-potash-sanctions-relief",
        "title": "US lifts sanctions on Belarusian potash",
        "status": SanctionsDeal.Status.ANNOUNCED,
        "sanctioning_party": "US",
        "target_country": "BY",
    },
}
RELIEF_TARGETS = {
    "2025-09-11": ("Belavia (Belarusian state airline)", ReliefMeasure.Instrument.DELISTING),
    "2025-12-13": ("Belaruskali, Belarusian Potash Company, Agrorozkvit", ReliefMeasure.Instrument.OTHER),
}
CLAIM_POSITIONS = {
    "not done in exchange": DealClaim.Position.DENIES_LINK,
    "cited the lifting": DealClaim.Position.LINKS_RELEASE_TO_RELIEF,
}

_BRACKETS = re.compile(r"\(([^)]*)\)")

# What a source's address tells of its kind (the people file asks that mirrors read as copies).
MIRROR_HOSTS = ("cloudfront.net", "c97.org", "pangea-cms.com", "belsat.cloud", "charter97.link")
RIGHTS_GROUP_HOSTS = (
    "hrw.org",
    "amnesty.",
    "spring96.org",
    "nhc.no",
    "fidh.org",
    "rightlivelihood.org",
    "observatoryfordefenders.org",
    "defendersbelarus.org",
    "100xsolidaritaet.de",
    "rsf.org",
    "cpj.org",
)
# Governments and state bodies, state media included (news.by speaks for the Belarusian state).
OFFICIAL_HOSTS = (".gov", "gov.", "news.by", "president.gov.by", "belta.by")
AGGREGATOR_HOSTS = ("wikipedia.org", "boomlive.in", "tnnews.ai", "shmews.com", "indoarabnews.com")

# The facts of a detention in the people file, in the order the timeline tells them.
DETENTION_FACTS = ("detained_on", "charges", "sentenced_on", "sentence", "sentence_months", "place_of_detention")
_ARTICLE = re.compile(r"(?:Part\s+(\d+),?\s+)?Art(?:icle|\.)?\s*(\d+(?:\.\d+)?)(?:\s*,?\s*Part\s+(\d+))?", re.I)


def source_kind(host):
    for hosts, kind in (
        (MIRROR_HOSTS, Source.Kind.MIRROR),
        (RIGHTS_GROUP_HOSTS, Source.Kind.RIGHTS_GROUP),
        (OFFICIAL_HOSTS, Source.Kind.OFFICIAL),
        (AGGREGATOR_HOSTS, Source.Kind.AGGREGATOR),
    ):
        if any(part in host for part in hosts):
            return kind
    return Source.Kind.NEWS


def articles_of(text):
    """'... (Part 4, Art. 228 Criminal Code) and ... (Part 2, Art. 342)' -> 'Art. 228 part 4|Art. 342 part 2'."""
    found = []
    for part_before, article, part_after in _ARTICLE.findall(text or ""):
        part = part_before or part_after
        label = f"Art. {article}" + (f" part {part}" if part else "")
        if label not in found:
            found.append(label)
    return "|".join(found)


def _partial_date(value, precision):
    """'2021-07-14' / '2020-09' / '2020' with its precision -> (date, precision)."""
    parts = [int(p) for p in str(value).split("-")]
    while len(parts) < 3:
        parts.append(1)
    return date(*parts), precision or "day"


def _fact_text(fact, entry):
    if fact == "incommunicado":
        return "held incommunicado in part" if entry["value"] == "partial" else "held incommunicado"
    return str(entry["value"])[:500]


def _fact_note(entry):
    notes = [entry.get("detail") or "", entry.get("note") or ""]
    if entry.get("year_inferred"):
        notes.append("The page gave day and month; the year is read from the article's date.")
    return " ".join(note for note in notes if note)


def parse_named_person(text):
    """'Mikalai (Mikola) Statkevich (refused to cross; returned to prison)' -> the parts the record needs."""
    person = {
        "raw": text,
        "variants": [],
        "citizenship": [],
        "outcome": Release.Outcome.FREED,
        "confidence": Release.Confidence.REPORTED,
        "remarks": [],
    }
    remarks = []
    # A bracket inside the name is another spelling of the word before it: "Mikalai (Mikola) Statkevich".
    for match in _BRACKETS.finditer(text):
        after = text[match.end() :].strip()
        if after and not after.startswith("("):
            before = text[: match.start()].strip().split()
            other = [*before[:-1], match.group(1).strip(), *after.split("(")[0].split()]
            person["variants"].append((" ".join(other), NameVariant.Kind.TRANSLITERATION, ""))
        else:
            remarks.append(match.group(1).strip())
    name = " ".join(_BRACKETS.sub(" ", text).split())
    person["name"] = name
    for remark in remarks:
        for part in (p.strip() for p in remark.split(";")):
            _read_remark(person, name, part)
    return person


def _read_remark(person, name, part):
    lowered = part.casefold()
    if "refused to cross" in lowered or "returned to prison" in lowered:
        person["outcome"] = Release.Outcome.RETURNED_TO_CUSTODY
        person["remarks"].append(part)
        return
    if "single source" in lowered:
        person["confidence"] = Release.Confidence.SINGLE_SOURCE
        person["remarks"].append(part)
        return
    spelled = re.match(r"^(also spelled|also|polish spelling|spelled)\s+(.+?)(?:\s+in source)?$", part, re.I)
    if spelled:
        how = spelled.group(1).casefold()
        for variant in (_complete_variant(name, v.strip()) for v in spelled.group(2).split("/")):
            # "also Anastasia Putnam": another surname altogether is an alias, not a spelling.
            other_surname = how == "also" and variant.split()[-1][0] != name.split()[-1][0]
            kind = NameVariant.Kind.ALIAS if other_surname else NameVariant.Kind.TRANSLITERATION
            person["variants"].append((variant, kind, "pl" if how == "polish spelling" else ""))
        return
    if " " not in part and part[:1].isupper() and part not in NATIONALITY_WORDS:
        # "(Kolesnikova)": another spelling of the surname.
        person["variants"].append((_complete_variant(name, part), NameVariant.Kind.TRANSLITERATION, ""))
        return
    for word, code in NATIONALITY_WORDS.items():
        if lowered.startswith(word.casefold()):
            person["citizenship"].append(code)
            rest = part[len(word) :].strip(" ;,")
            if rest:
                person["remarks"].append(part)
            return
    person["remarks"].append(part)


def _complete_variant(name, variant):
    """A one-word variant is another spelling of the surname: 'Movshuk' -> 'Alena Movshuk'."""
    if " " in variant:
        return variant
    return " ".join([*name.split()[:-1], variant])


def _ascii_key(text):
    return slugify(unidecode(text))


class DemoLoader:
    def __init__(self, actor):
        self.actor = actor
        self.created = Counter()
        self.sources = {}

    # Sources -----------------------------------------------------------------------------
    def source(self, link):
        if link in self.sources:
            return self.sources[link]
        defaults = {"kind": Source.Kind.NEWS}
        if link.startswith(("http://", "https://")):
            host = re.sub(r"^(www\.|amp\.|cdn\.|staging\.|m\.)", "", link.split("/")[2])
            defaults["publisher"] = host
            defaults["kind"] = source_kind(host)
        else:
            # "EconoTimes: 'Belarus Frees ...' (December 2025)": a publication named, no address.
            match = re.match(r"^([^:]+):\s*'(.+)'", link)
            if match:
                defaults["publisher"], defaults["title"] = match.group(1).strip(), match.group(2).strip()
        source, created = prisoner_services.get_or_create_source(link=link, **defaults)
        self.created["sources"] += created
        self.sources[link] = source
        return source

    def sources_for(self, links):
        return [self.source(link) for link in links or ()]

    def reported_value(self, record, *, field, value, source, reported_by="", note=""):
        if record.reported_values.filter(field=field, value=value, source=source).exists():
            return
        prisoner_services.add_reported_value(
            record=record, field=field, value=value, source=source, reported_by=reported_by, note=note
        )
        self.created["reported values"] += 1

    # Events ------------------------------------------------------------------------------
    def load(self, events, totals, people=()):
        for row in events:
            self.load_event(row)
        for row in totals:
            self.load_total(row)
        self.load_disputed_release_dates(events)
        for row in people:
            self.load_person_record(row)

    # People's detentions (the people file) ------------------------------------------------------
    def load_person_record(self, row):
        """A person's detention from the people file: the first version of each fact on the detention, and every
        version with each of its sources as a reported value, so that nothing reads more certain than the file."""
        known = ExternalId.objects.filter(source_list=DEMO_LIST, external_id=_ascii_key(row["full_name"])).first()
        if known is None:
            return
        prisoner = known.prisoner
        self.load_person_facts(prisoner, row)
        detention = prisoner.detentions.order_by("detained_on", "id").first()
        if detention is None:
            detention = self.create_detention(prisoner, row)
        if detention is None:
            return
        for fact in (*DETENTION_FACTS, "incommunicado"):
            for entry in row.get(fact) or ():
                for link in entry["sources"]:
                    self.reported_value(
                        detention,
                        field=fact,
                        value=_fact_text(fact, entry),
                        source=self.source(link),
                        note=_fact_note(entry),
                    )

    def create_detention(self, prisoner, row):
        first = {fact: (row.get(fact) or [None])[0] for fact in DETENTION_FACTS}
        if not any(first.values()):
            return None
        fields = {}
        if first["detained_on"]:
            fields["detained_on"], fields["detained_on_precision"] = _partial_date(
                first["detained_on"]["value"], first["detained_on"].get("precision")
            )
        if first["sentenced_on"]:
            fields["sentenced_on"], fields["sentenced_on_precision"] = _partial_date(
                first["sentenced_on"]["value"], first["sentenced_on"].get("precision")
            )
        if first["charges"]:
            fields["charges"] = articles_of(" ".join(str(entry["value"]) for entry in row["charges"]))[:1000]
        if first["sentence"]:
            fields["sentence"] = str(first["sentence"]["value"])[:500]
        if first["sentence_months"]:
            fields["sentence_months"] = int(first["sentence_months"]["value"])
        if first["place_of_detention"]:
            fields["place_of_detention"] = str(first["place_of_detention"]["value"])[:300]
        sources = {link for entry in first.values() if entry for link in entry["sources"]}
        detention = prisoner_services.add_detention(
            actor=self.actor, prisoner=prisoner, sources=self.sources_for(sorted(sources)), **fields
        )
        self.created["detentions"] += 1
        return detention

    def load_person_facts(self, prisoner, row):
        """Native-script names (as variants with their language) and the public role (as the biography)."""
        natives = row.get("native_name") or ()
        for entry in natives:
            name = str(entry["value"])
            if not prisoner.name_variants.filter(name=name).exists():
                prisoner_services.add_name_variant(
                    prisoner=prisoner, name=name, kind=NameVariant.Kind.NATIVE, language=entry.get("language", "")
                )
                self.created["name variants"] += 1
        roles = row.get("public_role") or ()
        changes = {}
        if natives and not prisoner.native_name:
            belarusian = [entry for entry in natives if entry.get("language") == "be"] or list(natives)
            changes["native_name"] = str(belarusian[0]["value"])
        if roles and not prisoner.biography:
            changes["biography"] = str(roles[0]["value"])
        if changes:
            prisoner_services.update_prisoner(prisoner=prisoner, **changes)
        for entry in roles:
            for link in entry["sources"]:
                self.reported_value(
                    prisoner, field="public role", value=str(entry["value"])[:500], source=self.source(link)
                )

    def load_event(self, row):
        on = date.fromisoformat(row["date"])
        kind = KIND_BY_EVENT_TYPE[row["event_type"]]
        count = row["count_released"]
        notes = row.get("notes", "")
        qualifier = Qualifier.EXACTLY
        if count is not None and (re.search(rf"at least {count}\b", notes) or "is a minimum" in notes):
            qualifier = Qualifier.AT_LEAST
        named = [parse_named_person(text) for text in row["notable_people"]]
        named = [person for person in named if person["name"].casefold() not in SKIPPED_PEOPLE]
        destinations = {parse_country(name): n for name, n in (row.get("destinations") or {}).items()}
        slug, title = self.event_slug_and_title(row["date"], kind, count, qualifier, named, destinations)
        event_sources = self.sources_for(row["sources"])

        deal_row = row.get("deal")
        deal = self.load_deal(row, deal_row, event_sources) if row["date"] in DEALS else None
        description = notes
        if deal_row and deal is None:
            # No concession reported: the deal object describes a unilateral release or a request.
            description = "\n\n".join(
                part
                for part in (deal_row["description"], f"Counterparty: {deal_row.get('counterparty')}.", notes)
                if part and part != "Counterparty: None."
            )
        event = ReleaseEvent.objects.filter(slug=slug).first()
        if event is None:
            event = release_services.create_release_event(
                actor=self.actor,
                title=title,
                slug=slug,
                date=on,
                releasing_countries=[parse_country(c) for c in row["country"].split(";")],
                kind=kind,
                reported_count=count,
                reported_count_qualifier=qualifier,
                envoy=(deal_row or {}).get("broker_or_envoy", ""),
                deal=deal,
                description=description,
                uncertain=bool(row.get("uncertain")),
                uncertainty_note=notes if row.get("uncertain") else "",
                destination_counts=destinations,
                sources=event_sources,
            )
            self.created["release events"] += 1
        for code, n in destinations.items():
            # Sets only what is missing; an existing breakdown row is left as an editor left it.
            # The file gives the breakdown with the event's sources (not which of them gives which number): each
            # row cites them as its own, so a reader sees the number's sources next to it.
            breakdown = event.destination_counts.filter(destination__country=code).first()
            if breakdown is None or not breakdown.sources.exists():
                release_services.set_event_destination_count(
                    event=event,
                    country=code,
                    reported_count=n if breakdown is None else breakdown.reported_count,
                    sources=event_sources,
                )

        person_destinations = {
            item["person"]: item for item in row.get("person_destinations") or () if item.get("destination")
        }
        single_destination = next(iter(destinations)) if len(destinations) == 1 else None
        for person in named:
            self.load_person(event, person, row, event_sources, person_destinations, single_destination)

        for item in DISPUTED_EVENT_VALUES.get(row["date"], ()):
            links = item["sources"] if item["sources"] is not None else row["sources"]
            for link in links:
                self.reported_value(
                    event,
                    field=item["field"],
                    value=item["value"],
                    source=self.source(link),
                    reported_by=item["reported_by"],
                    note=item["note"],
                )
        return event

    @staticmethod
    def event_slug_and_title(day, kind, count, qualifier, named, destinations):
        amount = "" if count is None else ("at least " if qualifier == Qualifier.AT_LEAST else "") + str(count)
        if kind == ReleaseEvent.Kind.PARDON:
            return f"{day}-pardon-{count}", f"Belarus pardons {amount} prisoners"
        if kind == ReleaseEvent.Kind.EXCHANGE:
            return f"{day}-exchange-{count}", f"Prisoner exchange: Russia and Belarus free {amount}"
        if kind == ReleaseEvent.Kind.DEPORTATION:
            places = " and ".join(str(countries.name(code)) for code in destinations) or "abroad"
            return f"{day}-frees-{count}", f"Belarus frees {amount} and sends them to {places}"
        who = named[0]["name"] if named else f"{amount} people"
        return f"{day}-frees-{_ascii_key(who.split()[-1])}", f"Belarus frees {who}"

    def load_deal(self, row, deal_row, event_sources):
        spec = DEALS[row["date"]]
        deal = SanctionsDeal.objects.filter(slug=spec["slug"]).first()
        if deal is None:
            counterparty = deal_row.get("counterparty", "")
            if spec["sanctioning_party"] == "US":
                counterparty = "Belarus"  # the file's counterparty is Belarus's: the United States
            deal = release_services.create_deal(
                actor=self.actor,
                title=spec["title"],
                slug=spec["slug"],
                announced_on=date.fromisoformat(row["date"]),
                sanctioning_party=spec["sanctioning_party"],
                target_country=spec["target_country"],
                envoy=deal_row.get("broker_or_envoy", ""),
                counterparty=counterparty,
                status=spec["status"],
                terms="; ".join(deal_row.get("sanctions_lifted") or ()),
                description=deal_row["description"],
                sources=event_sources,
            )
            self.created["deals"] += 1
        target, instrument = RELIEF_TARGETS.get(row["date"], ("", ReliefMeasure.Instrument.OTHER))
        for item in deal_row.get("relief_measures") or ():
            if deal.relief_measures.filter(measure=item["measure"]).exists():
                continue
            release_services.create_relief_measure(
                deal=deal,
                measure=item["measure"],
                target=target,
                instrument=instrument,
                authority=item.get("authority") or "",
                effective_on=date.fromisoformat(item["effective"]) if item.get("effective") else None,
                sources=self.sources_for(item.get("sources")),
            )
            self.created["relief measures"] += 1
        for item in deal_row.get("claims") or ():
            position = next(
                (p for words, p in CLAIM_POSITIONS.items() if words in item["claim"]), DealClaim.Position.OTHER
            )
            if deal.claims.filter(claimant=item["by"], claim=item["claim"]).exists():
                continue
            release_services.create_deal_claim(
                deal=deal,
                claimant=item["by"],
                claim=item["claim"],
                position=position,
                sources=self.sources_for(item.get("sources")),
            )
            self.created["deal claims"] += 1
        return deal

    # People ------------------------------------------------------------------------------
    def prisoner_for(self, person, row):
        key = _ascii_key(person["name"])
        known = ExternalId.objects.filter(source_list=DEMO_LIST, external_id=key).select_related("prisoner").first()
        if known:
            return known.prisoner
        countries_held = [parse_country(c) for c in row["country"].split(";")]
        prisoner = prisoner_services.create_prisoner(
            actor=self.actor,
            full_name=person["name"],
            citizenship=person["citizenship"],
            country=countries_held[0] if len(countries_held) == 1 else "",
            visibility=Visibility.PUBLIC,  # named in public reporting
            notes="; ".join(person["remarks"]),
        )
        prisoner_services.add_external_id(prisoner=prisoner, source_list=DEMO_LIST, external_id=key)
        self.created["people"] += 1
        return prisoner

    def load_person(self, event, person, row, event_sources, person_destinations, single_destination):
        prisoner = self.prisoner_for(person, row)
        for variant, kind, language in person["variants"]:
            if variant != prisoner.full_name and not prisoner.name_variants.filter(name=variant).exists():
                prisoner_services.add_name_variant(prisoner=prisoner, name=variant, kind=kind, language=language)
                self.created["name variants"] += 1

        # The event's sources whose address names the person; else all of them, and the note says so.
        surnames = {_ascii_key(n.split()[-1]) for n in [person["name"], *(v[0] for v in person["variants"])]}
        naming = [s for s in event_sources if any(surname in s.link.casefold() for surname in surnames if surname)]
        sources, note = (naming, "") if naming else (event_sources, RELEASE_EVENT_SOURCES_NOTE)
        destination = None
        given = self.person_destination(person, person_destinations)
        if given:
            destination = parse_country(given["destination"])
            sources = [*sources, *self.sources_for(given["sources"])]
            note = "Destination as one source gives it. " + note
        elif single_destination and person["outcome"] != Release.Outcome.RETURNED_TO_CUSTODY:
            destination = single_destination  # the event took everyone to one country
        if person["remarks"]:
            note = f"As reported: {'; '.join(person['remarks'])}. {note}"
        if "inference" in row.get("notes", ""):
            note += " Linking this person to this event is an inference (see the event's note)."

        if Release.objects.filter(prisoner=prisoner, event=event).exists():
            return
        release_services.record_release(
            actor=self.actor,
            prisoner=prisoner,
            event=event,
            destination=destination,
            outcome=person["outcome"],
            confidence=person["confidence"],
            notes=note.strip(),
            sources=sources,
        )
        self.created["releases"] += 1
        prisoner_services.update_prisoner(prisoner=prisoner, sources={*prisoner.sources.all(), *sources})

    @staticmethod
    def person_destination(person, person_destinations):
        names = {person["name"], *(variant[0] for variant in person["variants"])}
        for name, item in person_destinations.items():
            if name in names or any(name.split()[-1] == n.split()[-1] for n in names):
                return item
        return None

    def load_disputed_release_dates(self, events):
        by_date = {row["date"]: row for row in events}
        for name, values in DISPUTED_RELEASE_DATES.items():
            known = ExternalId.objects.filter(source_list=DEMO_LIST, external_id=_ascii_key(name)).first()
            if known is None:
                continue
            release = Release.objects.filter(prisoner_id=known.prisoner_id).order_by("event__date").last()
            if release is None:
                continue
            for item in values:
                for link in by_date[item["event_date"]]["sources"]:
                    self.reported_value(
                        release, field="release date", value=item["value"], source=self.source(link), note=item["note"]
                    )

    # Totals ------------------------------------------------------------------------------
    def load_total(self, row):
        reported_on = date.fromisoformat(row["date"])
        if ReportedTotal.objects.filter(reported_on=reported_on, reported_by=row["by"], counts_what=row["of"]).exists():
            return
        release_services.create_reported_total(
            reported_on=reported_on,
            reported_by=row["by"],
            counts_what=row["of"],
            count=row["count"],
            qualifier=QUALIFIER_BY_TEXT.get(row.get("qualifier") or "", Qualifier.EXACTLY),
            country="BY",
            # A forecast of releases to come is not a count of people held.
            still_held="could be released" not in row["of"],
            sources=self.sources_for(row["sources"]),
        )
        self.created["reported totals"] += 1


class Command(BaseCommand):
    help = "Load the demo data (Belarus releases 2024-2025 from public reporting). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--events", default=str(EVENTS_FILE), help="The release events JSON file.")
        parser.add_argument("--totals", default=str(TOTALS_FILE), help="The reported totals JSON file.")
        parser.add_argument("--people", default=str(PEOPLE_FILE), help="The people-and-detentions JSON file.")

    def handle(self, *args, **options):
        events = json.loads(Path(options["events"]).read_text(encoding="utf-8"))
        totals = json.loads(Path(options["totals"]).read_text(encoding="utf-8"))
        people = json.loads(Path(options["people"]).read_text(encoding="utf-8"))
        actor = system_user()
        loader = DemoLoader(actor)
        with acting_as(actor), transaction.atomic():
            loader.load(events, totals, people)
            apply_demo_title_translations(actor=actor)
        created = ", ".join(f"{n} {what}" for what, n in loader.created.items() if n) or "nothing new"
        summary = f"Demo data loaded ({len(events)} release events in the file): {created}."
        self.stdout.write(self.style.SUCCESS(summary))
