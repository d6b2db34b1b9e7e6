"""Who sees what: the one module that decides it, asked by every door.

A person's `visibility` is public, anonymized (counted and listed as "Name withheld") or private
(absent). Readers with the `prisoners.view_withheld` permission see everything. For everyone else
this module decides:

- which records they may see at all (`visible_prisoners`, `visible_releases`, `visible_detentions`)
  and whose names they may see and search (`nameable_prisoners`);
- which fields of a withheld person survive (`KEPT_WHEN_WITHHELD`, applied by `redact`): an
  allow-list, so a field added later is masked until someone decides otherwise;
- how withheld people sort (`reader_sort_name`, `name_ordering`): never by their hidden name;
- which sources and reported values are hidden because they are cited for someone withheld
  (`visible_sources`, `visible_reported_values`), fail-closed: `shown_sources` drops every source
  that did not come through `visible_sources`; a source picker labels a hidden one "Source withheld"
  (`source_label`);
- who may make a record more visible (`may_change_visibility`);
- drafts (people, release events and releases awaiting review): absent for every reader who may not
  see drafts, at every door, and not counted in totals until published (`without_drafts`,
  `visible_events`, `published`, `published_release_q`; see "Drafts" at the end and docs/admin.md).

Serializers, CSV rows, pages, the feed, search, stats, admin and error messages ask these
functions; nothing else filters or masks withheld data (tests/api/test_visibility_module.py).
"""

import functools

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from prisoners.models import (
    Detention,
    IncommunicadoPeriod,
    NameKey,
    NameVariant,
    NameWord,
    Prisoner,
    ReportedValue,
    Source,
    Visibility,
)
from tracker.history import SYSTEM_USERNAME
from tracker.read_cache import cached_summary, summaries_cached

WITHHELD_NAME = _("Name withheld")
VIEW_WITHHELD_PERMISSION = "prisoners.view_withheld"
WITHHELD = (Visibility.ANONYMIZED, Visibility.PRIVATE)
# Most restrictive first.
VISIBILITY_ORDER = (Visibility.PRIVATE, Visibility.ANONYMIZED, Visibility.PUBLIC)
# The attribute `visible_sources` and `visible_reported_values` set on what they let through.
SHOWN_FLAG = "shown_to_reader"


# --- The reader ---------------------------------------------------------------------------------


def can_view_withheld(user) -> bool:
    """Whether the reader sees withheld records; cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return False
    cached = getattr(user, "_sees_withheld", None)
    if cached is None:
        cached = bool(user.has_perm(VIEW_WITHHELD_PERMISSION))
        try:
            user._sees_withheld = cached
        except AttributeError:  # an immutable user stand-in
            pass
    return cached


def reader_class(user):
    """Everything of the reader, and of how this module decides who sees what, that the SQL of its filters depends
    on: readers of one class get the same SQL from `visible_*` and `without_drafts` (what else differs, the hidden
    sources' ids, is a parameter). A query compiled once (`tracker.api.prepared.PageQuery`) is keyed by this, so a
    reader who sees withheld people or drafts and one who does not never share one. Per-user data never goes in."""
    sees_withheld = can_view_withheld(user)
    if sees_withheld:
        shape = ()
    else:  # the hidden sources as ids (a parameter) or as a subquery (compiled in); the reported values' types
        release_model = Source.releases.rel.related_model
        types = ContentType.objects.get_for_models(Prisoner, Detention, release_model)
        shape = (summaries_cached(), types[Prisoner].pk, types[Detention].pk, types[release_model].pk)
    return (sees_withheld, can_view_drafts(user), *shape)


def may_change_visibility(user, old, new) -> bool:
    """Making a record more visible needs the permission to see withheld records; restricting does not.

    `user=None` is the system (commands, tasks), which may.
    """
    if old == new or user is None:
        return True
    if VISIBILITY_ORDER.index(new) < VISIBILITY_ORDER.index(old):
        return True
    return can_view_withheld(user)


def most_restrictive(*values) -> str:
    """The most restrictive of some visibilities (a merged record keeps it)."""
    return min(values, key=VISIBILITY_ORDER.index)


# --- Which records --------------------------------------------------------------------------------


def sees_as_public(user) -> bool:
    """Whether the reader sees exactly what an anonymous reader sees (no withheld person, no draft): what is
    derived for such a reader (a list's counts, its first page) may be computed once and shared by all of them."""
    return not can_view_withheld(user) and not can_view_drafts(user)


def visible_prisoners(user, queryset=None):
    """People the reader may see at all: private records are absent for the public."""
    queryset = without_drafts(user, Prisoner.objects.all() if queryset is None else queryset)
    if can_view_withheld(user):
        return queryset
    return queryset.exclude(visibility=Visibility.PRIVATE)


def nameable_prisoners(user, queryset=None):
    """People whose names (and other identifying fields) the reader may see and search."""
    queryset = without_drafts(user, Prisoner.objects.all() if queryset is None else queryset)
    if can_view_withheld(user):
        return queryset
    return queryset.filter(visibility=Visibility.PUBLIC)


def visible_person_records(user, queryset, *, via="prisoner"):
    """Rows that belong to a person (releases, detentions, name variants...) of people the reader may see."""
    queryset = without_drafts(user, queryset, via=via)
    if can_view_withheld(user):
        return queryset
    return queryset.exclude(**{f"{via}__visibility": Visibility.PRIVATE})


def nameable_person_records(user, queryset, *, via="prisoner"):
    """Rows that belong to a person whose name the reader may see (their variants, ids, notes...)."""
    queryset = without_drafts(user, queryset, via=via)
    if can_view_withheld(user):
        return queryset
    return queryset.filter(**{f"{via}__visibility": Visibility.PUBLIC})


def unseen_q(model, *, via="prisoner"):
    """What keeps a row of a person's records (`model`) from an anonymous reader (`visible_person_records` for the
    public): a draft (its own, its person's, its event's) or a private person."""
    return drafts_q(model, via=via) | Q(**{f"{via}__visibility": Visibility.PRIVATE})


def seen_by_public(model, *, via="prisoner"):
    """True for a row of a person's records (`model`) that an anonymous reader sees (not `unseen_q`), False
    otherwise: an expression, to count those rows among all the others in one grouped query."""
    return Case(When(unseen_q(model, via=via), then=Value(False)), default=Value(True), output_field=BooleanField())


def visible_releases(user, queryset):
    return visible_person_records(user, queryset)


def visible_detentions(user, queryset=None):
    return visible_person_records(user, Detention.objects.all() if queryset is None else queryset)


def is_withheld_for(user, prisoner) -> bool:
    return prisoner.visibility != Visibility.PUBLIC and not can_view_withheld(user)


def is_absent_for(user, prisoner) -> bool:
    if is_draft_hidden_for(user, prisoner):
        return True
    return prisoner.visibility == Visibility.PRIVATE and not can_view_withheld(user)


def withheld_name() -> str:
    """What stands for a withheld name, in the reader's language."""
    return str(WITHHELD_NAME)


def display_name(user, prisoner) -> str:
    return str(WITHHELD_NAME) if is_withheld_for(user, prisoner) else prisoner.full_name


# --- Order ------------------------------------------------------------------------------------------


def reader_sort_name(user, prefix=""):
    """The name as this reader sees it, as an expression: withheld people sort as "Name withheld"."""
    if can_view_withheld(user):
        return F(f"{prefix}full_name")
    return Case(
        When(**{f"{prefix}visibility": Visibility.PUBLIC}, then=F(f"{prefix}full_name")),
        default=Value(str(WITHHELD_NAME)),
        output_field=CharField(),
    )


def name_ordering(user, prefix=""):
    """Order people by name without letting a withheld name show through its position.

    For a public reader, withheld people come last, in id order: sorting them among named people
    would tell where their hidden name falls in the alphabet.
    """
    if can_view_withheld(user):
        return [f"{prefix}full_name", f"{prefix}id"]
    public = {f"{prefix}visibility": Visibility.PUBLIC}
    withheld_last = Case(When(**public, then=Value(0)), default=Value(1), output_field=IntegerField())
    public_name = Case(When(**public, then=F(f"{prefix}full_name")), default=Value(""), output_field=CharField())
    return [withheld_last, public_name, f"{prefix}id"]


def sort_key(user, prisoner):
    """`name_ordering` for people already in memory."""
    withheld = is_withheld_for(user, prisoner)
    return (withheld, "" if withheld else prisoner.full_name.casefold(), prisoner.pk)


# --- What of a withheld person survives -------------------------------------------------------------

# An allow-list per shape: every other field of a withheld person is blanked, so a field added later
# is masked by default. `full_name` becomes "Name withheld".
KEPT_WHEN_WITHHELD = {
    "person": frozenset(
        {"id", "url", "page_url", "full_name", "withheld", "status", "country", "citizenship", "gender"}
        | {"visibility", "detentions", "releases", "created_at", "updated_at", "recognition"}
    ),
    "person_ref": frozenset({"id", "url", "page_url", "full_name", "withheld"}),
    "detention": frozenset({"id", "detained_on", "charges", "sentenced_on", "sentence_months", "ended_on", "regime"}),
    "release": frozenset(
        {"id", "url", "prisoner", "prisoner_id", "event", "release_event", "date", "destination"}
        | {"destination_country", "outcome", "confidence", "conditions", "forced_exile", "without_documents"}
        | {"travel_ban", "speaking_ban", "freed_at_home", "reporting_duty", "stripped_of_citizenship"}
    ),
    # CSV rows: one line per person or release.
    "person_row": frozenset(
        {"id", "url", "page_url", "full_name", "withheld", "status", "country", "citizenship", "gender"}
        | {"detained_on", "charges", "sentence_months", "released_on", "release_event", "release_event_title"}
        | {"destination", "release_event_date"}
    ),
    "release_row": frozenset(
        {"id", "url", "page_url", "prisoner_id", "full_name", "withheld", "release_event", "release_event_title"}
        | {"release_event_date", "date", "destination", "outcome", "confidence", "conditions", "freed_at_home"}
    ),
}
_NESTED_SHAPES = {"detentions": "detention", "releases": "release", "prisoner": "person_ref"}


def _blank(key, value):
    if key.endswith(("date", "_on")):
        return None  # a date is absent, not an empty string
    if isinstance(value, list | tuple):
        return []
    if isinstance(value, dict):
        return {}
    if isinstance(value, str):
        return ""
    if isinstance(value, bool):
        return False
    return None


def redact(shape, data, *, withheld=True):
    """`data` (a serialized record of a withheld person) with everything outside the allow-list blanked."""
    if not withheld:
        return data
    kept = KEPT_WHEN_WITHHELD[shape]
    for key, value in list(data.items()):
        if key not in kept:
            data[key] = _blank(key, value)
        elif key == "full_name":
            data[key] = str(WITHHELD_NAME)
        elif key == "withheld":
            data[key] = True
        elif key in _NESTED_SHAPES and value:
            nested = _NESTED_SHAPES[key]
            if isinstance(value, list):
                data[key] = [redact(nested, dict(item)) for item in value]
            elif isinstance(value, dict):
                data[key] = redact(nested, dict(value))
    return data


def redacted_sql(user, shape, columns, *, visibility):
    """`redact` in SQL, for rows built by the database (the CSV through COPY): `columns` maps each column
    of a `shape` row to its value as (sql, params); `visibility` is the SQL of the person's visibility.
    Returns [(sql, params)] in the order of `columns`: for a reader to whom the person is withheld, every
    column outside `KEPT_WHEN_WITHHELD[shape]` is NULL (an empty cell), `full_name` is the withheld name
    and `withheld` is 'true' (the callers give 'false' for it)."""
    if can_view_withheld(user):
        return [(sql, list(params)) for sql, params in columns.values()]
    withheld = f"{visibility} <> '{Visibility.PUBLIC}'"
    kept = KEPT_WHEN_WITHHELD[shape]
    cells = []
    for key, (sql, params) in columns.items():
        if key not in kept:
            cells.append((f"CASE WHEN {withheld} THEN NULL ELSE {sql} END", list(params)))
        elif key == "full_name":
            cells.append((f"CASE WHEN {withheld} THEN %s ELSE {sql} END", [str(WITHHELD_NAME), *params]))
        elif key == "withheld":
            cells.append((f"CASE WHEN {withheld} THEN 'true' ELSE {sql} END", list(params)))
        else:
            cells.append((sql, list(params)))
    return cells


def staff_only_fields(user):
    """Fields that only readers who see withheld records get at all (for any person)."""
    return () if can_view_withheld(user) else ("notes",)


# --- Sources and reported values cited for someone withheld ---------------------------------------


def _withheld_people():
    return Prisoner.objects.filter(visibility__in=WITHHELD)


def _reported_about_withheld():
    """Reported values about a withheld person, or about one of their detentions or releases."""
    release_model = Source.releases.rel.related_model  # reached through the relation: no upward import
    types = ContentType.objects.get_for_models(Prisoner, Detention, release_model)
    withheld = _withheld_people().values("pk")
    return ReportedValue.objects.filter(
        Q(content_type=types[Prisoner], object_id__in=withheld)
        | Q(content_type=types[Detention], object_id__in=Detention.objects.filter(prisoner__in=withheld).values("pk"))
        | Q(
            content_type=types[release_model],
            object_id__in=release_model.objects.filter(prisoner__in=withheld).values("pk"),
        )
    )


def _about_withheld_q():
    """`_reported_about_withheld` as a condition on each reported value's own record (correlated EXISTS): a page of
    values is checked by a few index lookups, not by collecting every value about every withheld person."""
    release_model = Source.releases.rel.related_model  # reached through the relation: no upward import
    types = ContentType.objects.get_for_models(Prisoner, Detention, release_model)
    record = OuterRef("object_id")
    return (
        (Q(content_type=types[Prisoner]) & Q(Exists(_withheld_people().filter(pk=record))))
        | (
            Q(content_type=types[Detention])
            & Q(Exists(Detention.objects.filter(pk=record, prisoner__visibility__in=WITHHELD)))
        )
        | (
            Q(content_type=types[release_model])
            & Q(Exists(release_model.objects.filter(pk=record, prisoner__visibility__in=WITHHELD)))
        )
    )


def withheld_people_sources():
    """Sources cited for a withheld person or anything of theirs: their titles and links could name them."""
    withheld = WITHHELD
    through = Source.prisoners.through
    return Source.objects.filter(
        Q(Exists(through.objects.filter(source=OuterRef("pk"), prisoner__visibility__in=withheld)))
        | Q(
            Exists(
                Detention.sources.through.objects.filter(
                    source=OuterRef("pk"), detention__prisoner__visibility__in=withheld
                )
            )
        )
        | Q(
            Exists(
                Source.releases.through.objects.filter(
                    source=OuterRef("pk"), release__prisoner__visibility__in=withheld
                )
            )
        )
        | Q(Exists(NameVariant.objects.filter(source=OuterRef("pk"), prisoner__visibility__in=withheld)))
        | Q(
            Exists(
                IncommunicadoPeriod.sources.through.objects.filter(
                    source=OuterRef("pk"), incommunicadoperiod__detention__prisoner__visibility__in=withheld
                )
            )
        )
        | Q(Exists(_reported_about_withheld().filter(source=OuterRef("pk"))))
    )


@cached_summary(per_visibility=True, per_language=False)
def _withheld_source_ids():
    return sorted(withheld_people_sources().values_list("pk", flat=True))


def withheld_source_ids():
    """`withheld_people_sources` as ids, computed once per change of who sees what (`tracker.read_cache`: every
    write that may change it bumps the visibility's version, so a person withheld a moment ago hides their sources
    at once; see "Writes that change nobody's view" below); a subquery when the cache of summaries is off."""
    if not summaries_cached():
        return withheld_people_sources().values("pk")
    return _withheld_source_ids()


def hidden_sources(user):
    """The sources hidden from this reader, read once for a request's queries (`visible_sources(..., hidden=)` and
    `visible_reported_values(..., hidden=)`): None for a reader who sees every source; else `withheld_source_ids()`,
    a list of ids (a parameter of a query compiled once, `tracker.api.prepared`) or, with the cache of summaries
    off, a subquery (compiled in: `reader_class` tells the two apart)."""
    if can_view_withheld(user):
        return None
    hidden = withheld_source_ids()
    return list(hidden) if isinstance(hidden, list | tuple) else hidden


_EVERY_SOURCE = object()  # `hidden=` not given: read the hidden sources now


def visible_sources(user, queryset=None, *, hidden=_EVERY_SOURCE):
    """Sources the reader may see, marked as such; for the public, less every source cited for someone withheld
    (`hidden`: this reader's `hidden_sources`, when the caller read them already)."""
    queryset = Source.objects.all() if queryset is None else queryset
    if not can_view_withheld(user):
        queryset = queryset.exclude(pk__in=withheld_source_ids() if hidden is _EVERY_SOURCE else hidden)
    return queryset.annotate(**{SHOWN_FLAG: Value(True, output_field=BooleanField())})


def source_link_taken(actor, link, exclude=None) -> bool:
    """Whether a source the writer may see already has this link (one source per link, as far as they can tell).

    A source hidden from the writer does not count: refusing would tell them the address is stored, so
    their source is stored beside it. With no actor (commands, the demo loader) every source counts.
    """
    sources = Source.objects.filter(link=link)
    if exclude is not None:
        sources = sources.exclude(pk=exclude.pk)
    if actor is not None:
        sources = visible_sources(actor, sources)
    return sources.exists()


def shown_sources(sources):
    """Fail-closed: only the sources that came through `visible_sources` (a prefetch that skipped it shows none)."""
    return [source for source in sources if getattr(source, SHOWN_FLAG, False)]


def visible_reported_values(user, queryset=None, *, hidden=_EVERY_SOURCE):
    """Reported values the reader may see, marked: none about a withheld person, none citing a hidden source
    (`hidden`: as for `visible_sources`)."""
    queryset = ReportedValue.objects.all() if queryset is None else queryset
    if not can_view_withheld(user):
        hidden = withheld_source_ids() if hidden is _EVERY_SOURCE else hidden
        queryset = queryset.exclude(_about_withheld_q()).exclude(source__in=hidden)
    return queryset.select_related("source").annotate(**{SHOWN_FLAG: Value(True, output_field=BooleanField())})


def shown_reported_values(values):
    """Fail-closed, like `shown_sources`."""
    return [value for value in values if getattr(value, SHOWN_FLAG, False)]


def shown_value_source(value):
    """The source of a shown reported value, marked as shown (a shown value cites no hidden source); else None."""
    if not getattr(value, SHOWN_FLAG, False):
        return None
    setattr(value.source, SHOWN_FLAG, True)
    return value.source


WITHHELD_SOURCE = _("Source withheld")


def source_label(user):
    """How a picker labels the sources already attached to a record (admin's source fields): a source hidden from
    `user` keeps its place (saving the form keeps it attached) but shows neither its title nor its address."""
    if can_view_withheld(user):
        return str
    hidden = None

    def label(source):
        nonlocal hidden
        if hidden is None:  # asked once per picker, and only when it shows a chosen source
            hidden = set(_withheld_source_ids())
        return str(WITHHELD_SOURCE) if source.pk in hidden else str(source)

    return label


def may_cite(user, source) -> bool:
    """Whether a writer may name this source in a write (a hidden one answers as if it did not exist)."""
    return visible_sources(user, Source.objects.filter(pk=source.pk)).exists()


# --- Free texts that name someone withheld -----------------------------------------------------------

WITHHELD_TEXT = _("[Withheld: this text names a person whose name is withheld.]")
# The free texts readers read, per model; a text naming a withheld person is replaced as a whole.
FREE_TEXT_FIELDS = {
    "releaseevent": ("description", "uncertainty_note"),
    "sanctionsdeal": ("terms", "description"),
    "reliefmeasure": ("measure", "target", "authority", "note"),
    "reportedcount": ("reported_by", "note"),
    "grouprelease": ("description", "note"),
    "partyrole": ("note",),
    "party": ("description",),
    "incommunicadoperiod": ("note",),
    "dealclaim": ("claim",),
    "reportedvalue": ("value", "note", "reported_by"),
    "destination": ("description",),
    "release": ("notes",),
    "reportedtotal": ("counts_what",),
    "inaccuracyreport": ("what_is_wrong", "source_link", "contact", "staff_note"),
    "correction": ("what_changed",),
}
_SHORTEST_NAME = 4  # shorter "names" would match ordinary words


def withheld_names_in(text):
    """The names (any recorded spelling) of withheld people that occur in `text`, casefolded."""
    if not text:
        return set()
    haystack = Value(text, output_field=CharField())
    queries = [
        model.objects.filter(**{people: WITHHELD})
        .annotate(haystack=haystack, length=Length(column))
        .filter(length__gte=_SHORTEST_NAME, haystack__icontains=F(column))
        .order_by()
        .values_list(column, flat=True)
        for model, column, people in (
            (Prisoner, "full_name", "visibility__in"),
            (Prisoner, "native_name", "visibility__in"),
            (NameVariant, "name", "prisoner__visibility__in"),
        )
    ]
    names = {name.casefold() for name in queries[0].union(*queries[1:])}  # one query
    return {name for name in names if name and name in text.casefold()}


def mask_texts_naming_withheld(user, records):
    """Replace, in memory, every free text of `records` that names a person withheld from the reader."""
    if can_view_withheld(user):
        return
    texts = [
        (record, field, getattr(record, field))
        for record in records
        if record is not None
        for field in FREE_TEXT_FIELDS.get(record._meta.model_name, ())
        if getattr(record, field, "")
    ]
    for record, field in _texts_naming_withheld(texts):
        setattr(record, field, str(WITHHELD_TEXT))


def _texts_naming_withheld(texts):
    """The (owner, field) pairs of `texts` [(owner, field, text)] that name a withheld person (one query)."""
    if not texts:
        return []
    names = withheld_names_in("\n".join(text for _owner, _field, text in texts))
    if not names:
        return []
    return [(owner, field) for owner, field, text in texts if any(name in text.casefold() for name in names)]


def mask_value_texts_naming_withheld(user, rows):
    """`mask_texts_naming_withheld` for rows of plain values: `rows` is [(model name, dict)]; every free text of
    a dict that names a person withheld from the reader is replaced (one query for all of them)."""
    if can_view_withheld(user):
        return
    texts = [
        (row, field, row[field])
        for model_name, row in rows
        for field in FREE_TEXT_FIELDS.get(model_name, ())
        if row.get(field)
    ]
    for row, field in _texts_naming_withheld(texts):
        row[field] = str(WITHHELD_TEXT)


def source_prefetches(user, *paths):
    """Prefetches of sources (at each `path`, e.g. "detentions__sources") that only hold what the reader may see."""
    return [Prefetch(path, queryset=visible_sources(user)) for path in paths]


def reported_value_prefetches(user, *paths):
    return [Prefetch(path, queryset=visible_reported_values(user)) for path in paths]


def prefetch_visible(user, instances, *, sources=(), reported_values=()):
    """The relations named in `sources` and `reported_values` of `instances` (one kind of record), each fetched in
    one query through `visible_sources` / `visible_reported_values` and attached as the relation's prefetched
    result, as `source_prefetches` would, without a queryset per instance: Django's prefetch filters a copy of
    the visibility queryset for every instance (a page of 50 people's sources and reported values: a quarter of
    the biggest event page's build). The attached result answers `.all()`, `len()`, `count()` and `exists()`; a
    further `.filter()` on it finds nothing (fail closed) instead of querying around the visibility."""
    if not instances:
        return instances
    hidden = hidden_sources(user)  # read once for both kinds
    wanted = [(name, visible_sources(user, hidden=hidden)) for name in sources]
    wanted += [(name, visible_reported_values(user, hidden=hidden)) for name in reported_values]
    prefetch_related_objects(
        instances, *(Prefetch(name, queryset=queryset, to_attr=f"_visible_{name}") for name, queryset in wanted)
    )
    for name, queryset in wanted:
        nothing = queryset.model._default_manager.none()
        for instance in instances:
            attached = nothing._chain()
            attached._result_cache = instance.__dict__.pop(f"_visible_{name}")
            attached._prefetch_done = True
            instance._prefetched_objects_cache[name] = attached
    return instances


# --- Drafts: records awaiting review ----------------------------------------------------------------
# A draft person, release event or release is absent for readers who may not see drafts, as if it did
# not exist; a release is absent with its person or its event. Totals count published records only.

PUBLISH_PERMISSION = "prisoners.publish_record"
# Who may see drafts: staff, and anyone who may write people, events or releases (API editors).
DRAFT_READER_PERMISSIONS = frozenset(
    {"prisoners.add_prisoner", "prisoners.change_prisoner", PUBLISH_PERMISSION}
    | {"releases.add_release", "releases.change_release", "releases.add_releaseevent", "releases.change_releaseevent"}
)
# Rows reach a publishable record through these relations (a release through its person and event).
_OWNERS = ("prisoner", "event")


def can_view_drafts(user) -> bool:
    """Whether the reader sees drafts: staff and editors; cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return False
    cached = getattr(user, "_sees_drafts", None)
    if cached is None:
        cached = bool(user.is_active and (user.is_staff or user.get_all_permissions() & DRAFT_READER_PERMISSIONS))
        try:
            user._sees_drafts = cached
        except AttributeError:  # an immutable user stand-in
            pass
    return cached


def may_publish(user) -> bool:
    return user is not None and user.is_authenticated and user.has_perm(PUBLISH_PERMISSION)


def review_before_publishing() -> bool:
    return bool(getattr(settings, "REVIEW_BEFORE_PUBLISHING", True))


def created_as_draft(actor) -> bool:
    """Whether a record `actor` creates starts as a draft: an editor without the publish permission, while
    review is on. The system (actor None or the system account: commands, tasks) publishes directly; imports
    ask `imported_as_draft`."""
    if actor is None or getattr(actor, "username", None) == SYSTEM_USERNAME:
        return False
    return review_before_publishing() and not may_publish(actor)


def imported_as_draft() -> bool:
    return review_before_publishing()


def _publishable(model) -> bool:
    return any(field.name == "is_draft" for field in model._meta.concrete_fields)


@functools.cache
def _draft_paths(model, via=None):
    """The `is_draft` lookups that make a row of `model` absent: its own, its person's, its event's (a tuple: the
    models' fields, read once per model and path, on every list request before)."""
    paths = ["is_draft"] if _publishable(model) else []
    names = {field.name: field for field in model._meta.concrete_fields}
    for owner in _OWNERS:
        field = names.get(owner)
        if field is not None and field.is_relation and _publishable(field.related_model):
            paths.append(f"{owner}__is_draft")
    if via and f"{via}__is_draft" not in paths and "__" in via:
        paths.append(f"{via}__is_draft")
    return tuple(paths)


def drafts_q(model, *, via=None, leave_out=()):
    """What makes a row of `model` a draft for the public (its own flag, its person's, its event's); an empty Q
    for a model that has none. `leave_out`: lookups another part of the query decides."""
    drafts = Q()
    for path in _draft_paths(model, via):
        if path not in leave_out:
            drafts |= Q(**{path: True})
    return drafts


def published(queryset, *, via=None):
    """`queryset` less drafts (and rows of a draft person or event): what totals count, whoever reads."""
    drafts = drafts_q(queryset.model, via=via)
    return queryset.exclude(drafts) if drafts else queryset


def without_drafts(user, queryset, *, via=None):
    """`queryset` as the reader may see it: drafts absent unless the reader may see drafts."""
    return queryset if can_view_drafts(user) else published(queryset, via=via)


def without_drafts_beside_people(user, queryset, *, person="prisoner"):
    """`without_drafts` for rows read only joined to a list of people this reader sees (the CSV's latest release
    of each listed person): their person's draft flag is left to that list, which holds no draft person for a
    reader who does not see drafts; the rows' own flag and their event's decide here. Spares joining every row
    to its person once more (at a million people, a scan of them and a hash join)."""
    if can_view_drafts(user):
        return queryset
    drafts = drafts_q(queryset.model, leave_out=(f"{person}__is_draft",))
    return queryset.exclude(drafts) if drafts else queryset


def published_release_q(prefix="releases__"):
    """A filter for counting a related set of releases: published releases of published people."""
    return Q(**{f"{prefix}is_draft": False, f"{prefix}prisoner__is_draft": False})


# --- Counting many rows by groups ---------------------------------------------------------------------
# `releases.counted` counts every release by a few hundred groups without reading a million people: the releases
# of an ordinary person (published, public: `ORDINARY_PERSON`) are grouped on their own columns, the few people
# counted apart (`people_counted_apart_q`, a partial index serves it) are joined, and the rules below decide each
# group's flags from its values (`counted_flags`), the same Q objects the queries filter with.

ORDINARY_PERSON = {"is_draft": False, "visibility": Visibility.PUBLIC}


def people_counted_apart_q(prefix=""):
    """People whose values differ from `ORDINARY_PERSON` (drafts, withheld people): the same condition as the
    partial index `prisoner_counted_apart` (tests/perf/test_counted_grouping.py checks it)."""
    return Q(**{f"{prefix}is_draft": True}) | ~Q(**{f"{prefix}visibility": Visibility.PUBLIC})


def _lookups(q):
    for child in q.children:
        if isinstance(child, Q):
            yield from _lookups(child)
        else:
            yield child[0]


def _holds(q, values):
    """Whether `q` holds for a row with `values` ({lookup: value}), as SQL's WHERE decides it: exact lookups joined
    by AND/OR; a comparison with NULL (None) does not hold. Anything else (a negation, another lookup) raises: a
    rule this cannot evaluate must not be guessed."""
    if q.negated:
        raise ValueError(f"cannot evaluate a negated rule in memory: {q!r}")
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(_holds(child, values))
            continue
        lookup, expected = child
        path = lookup.removesuffix("__exact")
        if "__" in path and path.rsplit("__", 1)[1] in {"in", "isnull", "gt", "lt", "gte", "lte", "contains"}:
            raise ValueError(f"cannot evaluate {lookup} in memory")
        value = values[path]
        results.append(value is not None and value == expected)
    if q.connector not in (Q.AND, Q.OR):
        raise ValueError(f"cannot evaluate {q.connector} in memory")
    return all(results) if q.connector == Q.AND else any(results)


def _counted_rules(model):
    return drafts_q(model), published_release_q(prefix=""), unseen_q(model)


def counted_lookups(model):
    """Every lookup `counted_flags` needs a value of (a row's own columns, its person's and its event's)."""
    return {lookup.removesuffix("__exact") for rule in _counted_rules(model) for lookup in _lookups(rule)}


def counted_flags(model, values):
    """(published, named, seen) for rows of `model` (releases) with `values` ({lookup: value} for every
    `counted_lookups`, None for an absent event): what `published`, `published_release_q` and `seen_by_public`
    decide in SQL, decided here for a group of rows at once."""
    drafts, named, unseen = _counted_rules(model)
    return not _holds(drafts, values), _holds(named, values), not _holds(unseen, values)


def published_event_q(prefix="release_events__"):
    """A filter for counting a related set of release events: published ones."""
    return Q(**{f"{prefix}is_draft": False})


def visible_events(user, queryset=None):
    """Release events the reader may see: drafts absent for the public."""
    event_model = Source.release_events.rel.related_model  # reached through the relation: no upward import
    return without_drafts(user, event_model.objects.all() if queryset is None else queryset)


def is_draft_hidden_for(user, record) -> bool:
    """`without_drafts` for one record in memory (its own draft flag only)."""
    return bool(getattr(record, "is_draft", False)) and not can_view_drafts(user)


# --- Writes that change nobody's view ---------------------------------------------------------------
# After such a write the read cache may serve the page of a moment ago while one process rebuilds it, and what
# decides hidden sources is not computed again (`tracker.read_cache.visibility_version` does not move). Fail-closed:
# a write these rules cannot vouch for changes who sees what. A write that hides nothing and shows only more is
# not enough: un-withholding someone changes the hidden sources too.

# The relations through which a row belongs to a person or an event (a row moved to another owner may change
# who sees it).
_BELONGS_TO = ("prisoner", "detention", "event")


def _deciding_columns(model):
    fields = {field.name: field for field in model._meta.concrete_fields}
    columns = [name for name in ("visibility", "is_draft") if name in fields]
    return columns + [fields[name].attname for name in _BELONGS_TO if name in fields and fields[name].is_relation]


def _person_row(queryset):
    """`queryset` (one person's row) locked until the write commits where the database can: a person withheld by
    a concurrent write waits for this one (or this one sees it), so no write is judged against a stale visibility."""
    if connection.in_atomic_block and connection.features.has_select_for_update:
        queryset = queryset.select_for_update(no_key=connection.features.has_select_for_no_key_update)
    return queryset


def visibility_before(instance):
    """What decides `instance`'s visibility in its stored row, read before it is saved (None for a new row)."""
    if instance._state.adding or instance.pk is None:
        return None
    model = type(instance)
    columns = _deciding_columns(model)
    if not columns:
        return {}
    stored = _person_row(model._base_manager.filter(pk=instance.pk)).values(*columns).first()
    return stored if stored is not None else {column: object() for column in columns}  # no row: changed


def _public_person(prisoner_id) -> bool:
    return _person_row(Prisoner._base_manager.filter(pk=prisoner_id, visibility=Visibility.PUBLIC)).exists()


def _owned_by_public_person(instance) -> bool:
    """Whether the person `instance` is (or belongs to) is public; True for a row of nobody (a source, an event)."""
    fields = {field.name: field for field in type(instance)._meta.concrete_fields}
    if "visibility" in fields:  # a person (the row as just written: a changed one was locked before) or their history
        return instance.visibility == Visibility.PUBLIC
    if "prisoner" in fields and fields["prisoner"].is_relation:
        return instance.prisoner_id is not None and _public_person(instance.prisoner_id)
    if "detention" in fields and fields["detention"].is_relation:
        prisoner_id = Detention._base_manager.filter(pk=instance.detention_id).values_list("prisoner_id", flat=True)
        return _public_person(prisoner_id.first())
    return True


def save_changes_visibility(instance, *, created, before) -> bool:
    """Whether saving `instance` (with `visibility_before`'s `before`) may change who sees what: its visibility,
    draft flag or owner changed, or it is (or belongs to) a withheld person (a record of theirs can hide the sources
    it cites; a newcomer withheld masks the texts naming them), or it is a reported value (about any record)."""
    fields = type(instance)._meta.concrete_fields
    if any(field.is_relation and field.related_model is ContentType for field in fields):
        return True
    if not created:
        if before is None:
            return True
        if any(getattr(instance, column) != value for column, value in before.items()):
            return True
    return not _owned_by_public_person(instance)


def deletion_changes_visibility(instance) -> bool:
    """Whether deleting `instance` may change who sees what: always, except the search keys, which are derived
    from the names and rebuilt on every write to them (who may be found is decided on the people, not the keys)."""
    return not isinstance(instance, (NameKey, NameWord))


def links_change_visibility(instance, *, reverse) -> bool:
    """Whether adding or removing sources of `instance` may change who sees what: a withheld person's record
    citing a source hides it (and dropping the citation shows it); linked from the source's side: cannot tell."""
    if reverse:
        return True
    if isinstance(instance, Prisoner):  # the stored row, not the instance in memory (it may be an old one)
        return not _public_person(instance.pk)
    return not _owned_by_public_person(instance)
