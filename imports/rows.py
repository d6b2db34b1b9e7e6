"""The row rules: one plain function turns a mapped row into what will be stored, or its errors.

No Django form and no query per row (a form costs ~100 us; a million rows cannot afford it): events
are looked up in a dict loaded once per job, and parsed countries and dates are memoised.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from prisoners.models import Gender, PrisonerStatus, Visibility
from prisoners.timeline import DetentionSpan, ReleaseStep, derive_status
from tracker.values import DatePrecision, parse_country, parse_partial_date

MAX_LENGTHS = {
    "external_id": 200,
    "full_name": 300,
    "native_name": 300,
    "aliases": 300,
    "sentence": 500,
    "charges": 1000,
    "place_of_detention": 300,
    "sources": 1000,
}
STATUSES = {value for value, _label in PrisonerStatus.choices}
GENDERS = {value for value, _label in Gender.choices}
VISIBILITIES = {value for value, _label in Visibility.choices}
DETENTION_COLUMNS = ("detained_on", "sentenced_on", "sentence", "sentence_months", "charges", "place_of_detention")


@dataclass(slots=True)
class DetentionPlan:
    detained_on: date | None
    detained_on_precision: str
    sentenced_on: date | None
    sentenced_on_precision: str
    sentence: str
    sentence_months: int | None
    charges: str
    place_of_detention: str

    @property
    def is_sentenced(self):
        return bool(self.sentenced_on or self.sentence or self.sentence_months is not None)


@dataclass(slots=True)
class ReleasePlan:
    event_id: int | None
    event_date: date | None
    date: date | None
    date_precision: str
    destination: str  # country code, "" when not said

    @property
    def on(self):
        return self.date or self.event_date


@dataclass(slots=True)
class RowPlan:
    """One valid row as it will be stored. Empty values mean "not said": they never clear stored data."""

    row: int
    external_id: str
    full_name: str
    native_name: str = ""
    aliases: list = field(default_factory=list)
    citizenship: list = field(default_factory=list)
    country: str = ""
    gender: str = ""
    birth_date: date | None = None
    birth_date_precision: str = DatePrecision.DAY
    visibility: str = ""
    notes: str = ""
    declared_status: str = ""
    status: str = PrisonerStatus.UNKNOWN
    detention: DetentionPlan | None = None
    release: ReleasePlan | None = None
    sources: list = field(default_factory=list)
    prisoner_id: int | None = None
    name_text: str = ""  # the search text of the person's names (`prisoners.names.keys.person_keys`)
    name_key_pairs: list = field(default_factory=list)  # (identity key, whole) of the person's names
    new_external_id: bool = False  # attached by name and birth date: the external id is added to that person

    def preview(self, action):
        """The row as it would be stored, for a dry run."""
        detention = self.detention
        release = self.release
        return {
            "row": self.row,
            "action": action,
            "external_id": self.external_id,
            "full_name": self.full_name,
            "native_name": self.native_name,
            "aliases": self.aliases,
            "citizenship": self.citizenship,
            "country": self.country,
            "gender": self.gender or Gender.UNKNOWN,
            "birth_date": _iso(self.birth_date, self.birth_date_precision),
            "status": self.status,
            "visibility": self.visibility or None,
            "detention": None
            if detention is None
            else {
                "detained_on": _iso(detention.detained_on, detention.detained_on_precision),
                "sentenced_on": _iso(detention.sentenced_on, detention.sentenced_on_precision),
                "sentence": detention.sentence,
                "sentence_months": detention.sentence_months,
                "charges": detention.charges.split("|") if detention.charges else [],
                "place_of_detention": detention.place_of_detention,
            },
            "release": None
            if release is None
            else {
                "date": _iso(release.date, release.date_precision),
                "event_date": _iso(release.event_date, DatePrecision.DAY),
                "destination": release.destination or None,
            },
            "sources": self.sources,
            "notes": self.notes,
        }


def _iso(value, precision):
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


class RowContext:
    """What the row rules need from the database, loaded once per job, plus memo tables."""

    def __init__(self, *, events):
        self.events = events  # slug -> (id, date)
        self._countries = {}
        self._dates = {}

    def country(self, text):
        try:
            return self._countries[text]
        except KeyError:
            pass
        try:
            result = (parse_country(text), None)
        except ValidationError as exc:
            result = (None, exc.messages[0])
        self._countries[text] = result
        return result

    def partial_date(self, text):
        try:
            return self._dates[text]
        except KeyError:
            pass
        try:
            result = (*parse_partial_date(text), None)
        except ValidationError as exc:
            result = (None, None, exc.messages[0])
        if len(self._dates) < 200_000:
            self._dates[text] = result
        return result


def clean_row(row, values, context):
    """(RowPlan, []) for a valid row, (None, [(field, message), ...]) listing every problem otherwise."""
    errors = []
    get = values.get

    def text(name):
        value = get(name, "")
        if value is None or isinstance(value, list):
            if value:
                errors.append((name, _("Give one value, not a list.")))
            elif value is None and name in values:
                errors.append((name, _("Give a text value here.")))
            return ""
        limit = MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            message = _("At most %(limit)s characters (this has %(length)s).")
            errors.append((name, message % {"limit": limit, "length": len(value)}))
        return value

    def items(name):
        value = get(name) or []
        if isinstance(value, str):
            value = [value]
        limit = MAX_LENGTHS.get(name)
        result = []
        for item in value:
            if limit and len(item) > limit:
                errors.append((name, _("At most %(limit)s characters per item.") % {"limit": limit}))
            elif item not in result:
                result.append(item)
        return result

    def when(name):
        value = text(name)
        if not value:
            return None, DatePrecision.DAY
        parsed, precision, message = context.partial_date(value)
        if message:
            errors.append((name, message))
            return None, DatePrecision.DAY
        return parsed, precision

    def token(name, allowed):
        value = text(name)
        if not value:
            return ""
        folded = value.casefold()
        if folded not in allowed:
            message = _("'%(value)s' is not one of: %(allowed)s.")
            errors.append((name, message % {"value": value, "allowed": ", ".join(sorted(allowed))}))
            return ""
        return folded

    def country(name, value):
        code, message = context.country(value)
        if message:
            errors.append((name, message))
        return code or ""

    external_id = text("external_id")
    full_name = text("full_name")
    if not full_name:
        errors.append(("full_name", _("A name is required.")))
    plan = RowPlan(row=row, external_id=external_id, full_name=full_name)
    plan.native_name = text("native_name")
    plan.aliases = [name for name in items("aliases") if name != full_name]
    plan.citizenship = [country("citizenship", value) for value in items("citizenship")]
    country_text = text("country")
    plan.country = country("country", country_text) if country_text else ""
    plan.gender = token("gender", GENDERS)
    plan.birth_date, plan.birth_date_precision = when("birth_date")
    plan.visibility = token("visibility", VISIBILITIES)
    plan.notes = text("notes")
    plan.declared_status = token("status", STATUSES)
    plan.sources = items("sources")

    if any(get(name) for name in DETENTION_COLUMNS):
        detained_on, detained_precision = when("detained_on")
        sentenced_on, sentenced_precision = when("sentenced_on")
        months_text = text("sentence_months")
        months = None
        if months_text:
            try:
                months = int(float(months_text)) if months_text.replace(".", "", 1).isdigit() else int(months_text)
                if months < 0:
                    raise ValueError
            except ValueError:
                message = _("'%(value)s' is not a whole number of months.")
                errors.append(("sentence_months", message % {"value": months_text}))
                months = None
        charges = "|".join(items("charges"))
        if len(charges) > MAX_LENGTHS["charges"]:
            errors.append(("charges", _("At most %(limit)s characters in all.") % {"limit": MAX_LENGTHS["charges"]}))
        plan.detention = DetentionPlan(
            detained_on=detained_on,
            detained_on_precision=detained_precision,
            sentenced_on=sentenced_on,
            sentenced_on_precision=sentenced_precision,
            sentence=text("sentence"),
            sentence_months=months,
            charges=charges,
            place_of_detention=text("place_of_detention"),
        )
        if detained_on and sentenced_on and sentenced_on < detained_on:
            errors.append(("sentenced_on", _("Sentenced before being detained.")))

    released_on, released_precision = when("released_on")
    event_slug = text("release_event")
    destination_text = text("destination")
    if released_on or event_slug:
        event_id = event_date = None
        if event_slug:
            event = context.events.get(event_slug) or context.events.get(event_slug.casefold())
            if event is None:
                errors.append(("release_event", _("No release event with the slug '%(slug)s'.") % {"slug": event_slug}))
            else:
                event_id, event_date = event
        destination = country("destination", destination_text) if destination_text else ""
        plan.release = ReleasePlan(event_id, event_date, released_on, released_precision, destination)
    elif destination_text:
        errors.append(("destination", _("A destination needs released_on or release_event.")))

    if errors:
        return None, errors
    try:
        plan.status = status_of(plan, (), ())
    except ValidationError as exc:
        return None, [("status", message) for message in exc.message_dict.get("status", exc.messages)]
    return plan, []


def status_of(plan, stored_spans, stored_steps):
    """The person's status once this row joins their stored timeline (raises on a contradiction)."""
    spans = list(stored_spans)
    steps = list(stored_steps)
    if plan.detention is not None:
        spans.append(DetentionSpan(plan.detention.detained_on, None, plan.detention.is_sentenced))
    if plan.release is not None:
        steps.append(ReleaseStep(plan.release.on))
    return derive_status(spans, steps, plan.declared_status or None)
