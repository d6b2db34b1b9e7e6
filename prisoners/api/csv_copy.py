"""The people CSV as one PostgreSQL query, for `COPY ... TO STDOUT` (`tracker.api.csv_copy`).

The same cells as `prisoners.api.csv_rows` (the path SQLite keeps), byte for byte
(tests/api/test_csv_copy.py): the people are the view's filtered queryset (who is absent decided by
`visible_prisoners`), numbered in its order; each person's name variants, latest detention, latest
release (from the reader's releases queryset: drafts decided by `without_drafts_beside_people`) and
visible sources (`visible_sources`) come from one derived table each, joined on the person (merged in id
order: no query per person); what of a withheld person survives is `visibility.redacted_sql` (the `KEPT_WHEN_WITHHELD`
allow-list). Every part is a Django queryset turned into SQL with `query.sql_with_params()`.
"""

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import F, OrderBy
from django.db.models.expressions import RawSQL
from django.urls import reverse

from prisoners.api.csv_rows import PERSON_FIELDS  # the same columns as the Python rows
from prisoners.models import DatePrecision, NameVariant, Prisoner, Source
from prisoners.visibility import redacted_sql, visible_sources
from tracker.api.csv_copy import neutralised
from tracker.translated import translated

# What Python's str.strip() strips (a charge is `c.strip()` in `Detention.charge_list`).
WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())
# A charges text that `charge_list` changes: an empty item, or an item starting or ending with a space.
UNTIDY_CHARGES = f"(^|\\|)([{WHITESPACE}]|\\||$)|[{WHITESPACE}](\\||$)"
# Cells that are text from the records: a formula trigger at their start is neutralised.
TEXT_CELLS = frozenset(
    {"full_name", "native_name", "aliases", "status", "country", "citizenship", "gender", "charges", "sentence"}
    | {"place_of_detention", "release_event", "destination", "release_event_title", "sources"}
)


def _sql(queryset):
    return queryset.query.sql_with_params()


def _of(queryset, people):
    """Rows of `queryset` that belong to `people` (SQL of their ids), or all of them (None)."""
    return queryset if people is None else queryset.filter(prisoner_id__in=people)


def _partial_date(date, precision):
    """`values.format_partial_date` in SQL (dates as ISO text: `tracker.api.csv_copy.COPY_SETTINGS`)."""
    return (
        f"CASE {precision} WHEN '{DatePrecision.YEAR}' THEN left({date}::text, 4) "
        f"WHEN '{DatePrecision.MONTH}' THEN left({date}::text, 7) ELSE {date}::text END"
    )


def _iso(date):
    return f"{date}::text"


def _people(queryset):
    """(sql, params): the people with their cells' fields, each numbered by its place in the list's order
    (`csv_row`), in id order.

    The list's order is found once, on the people alone (PostgreSQL walks the index that has it, or sorts
    their keys); the rows of every cell are then put in that order by the number: comparing whole numbers,
    not names reached through a pointer into a quarter of a gigabyte of rows (~3.5 s at 1M people). In id
    order, because the related tables come sorted by person (DISTINCT ON, GROUP BY): PostgreSQL merges them
    in one pass each instead of probing hash tables of a million rows at random (~1 s less)."""
    keys, order = {}, []
    for index, term in enumerate(list(queryset.query.order_by) or [*queryset.model._meta.ordering, "id"]):
        if isinstance(term, str):
            term = F(term[1:]).desc() if term.startswith("-") else F(term).asc()
        elif not isinstance(term, OrderBy):
            term = term.asc()
        keys[f"csv_key{index}"] = term.expression
        nulls = " NULLS FIRST" if term.nulls_first else " NULLS LAST" if term.nulls_last else ""
        order.append(f"csv_key{index} {'DESC' if term.descending else 'ASC'}{nulls}")
    sql, params = _sql(queryset.order_by().values(*PERSON_FIELDS, **keys))
    numbered = f"SELECT *, row_number() OVER (ORDER BY {', '.join(order)}) AS csv_row FROM ({sql}) AS listed"
    return f"{numbered} ORDER BY id", params


def _aliases(people):
    variants = _of(NameVariant.objects.all(), people).order_by().values("prisoner_id")
    return _sql(variants.annotate(names=StringAgg("name", "|", order_by="name")).values("prisoner_id", "names"))


def _latest_detention(people):
    detentions = _of(Prisoner.detentions.rel.related_model.objects.all(), people)
    latest = detentions.order_by("prisoner_id", F("detained_on").desc(nulls_first=True), "-id").distinct("prisoner_id")
    return _sql(
        latest.values(
            "prisoner_id",
            "detained_on",
            "detained_on_precision",
            "charges",
            "sentence",
            "sentence_months",
            "place_of_detention",
        )
    )


def _latest_release(releases, people):
    latest = (
        _of(releases, people)
        .select_related(None)
        .order_by("prisoner_id", F("effective_date").desc(nulls_last=True), "-id")
        .distinct("prisoner_id")
    )
    return _sql(
        latest.values(
            "prisoner_id",
            "effective_date",
            event_slug=F("event__slug"),
            event_title=translated("event__title"),
            event_date=F("event__date"),
            destination_country=F("destination__country"),
        )
    )


def _sources(user, people):
    through = _of(Prisoner.sources.through.objects.all(), people).filter(
        source__in=visible_sources(user, Source.objects.all()).values("pk")
    )
    links = (
        through.order_by().values("prisoner_id").annotate(links=StringAgg("source__link", "|", order_by="source_id"))
    )
    return _sql(links.values("prisoner_id", "links"))


def person_csv_sql(request, queryset, releases, columns, *, whole_list=False):
    """(sql, params) of the people CSV's rows, cells in the order of `columns` (`PRISONER_CSV_COLUMNS`).

    `queryset` is the view's filtered, ordered people; `releases` the reader's releases queryset. With
    `whole_list` (no filter but who-sees-what), the related tables are read whole instead of for the
    exported people (the same rows reach the joins; one scan of the people less per table)."""
    head, _zero, tail = request.build_absolute_uri(reverse("prisoner-detail-page", args=[0])).rpartition("/0/")
    # `charge_list` ("|"-separated, each stripped, empty ones dropped); charges it would not change (no
    # empty item, no space at an item's edge: the usual case) are taken as they are, without the split.
    charges = (
        "CASE WHEN d.charges ~ %s THEN array_to_string(ARRAY(SELECT btrim(c, %s) FROM unnest("
        "string_to_array(d.charges, '|')) WITH ORDINALITY AS item(c, n) WHERE btrim(c, %s) <> '' ORDER BY n), '|') "
        "ELSE d.charges END"
    )
    cells = {
        "id": ("p.id::text", []),
        "url": ("%s || p.id || %s", [head + "/", "/" + tail]),
        "full_name": ("p.full_name", []),
        "withheld": ("'false'", []),
        "native_name": ("p.native_name", []),
        "aliases": ("a.names", []),
        "status": ("p.status", []),
        "country": ("p.country", []),
        "citizenship": ("array_to_string(array_remove(string_to_array(p.citizenship, ','), ''), '|')", []),
        "gender": ("p.gender", []),
        "birth_date": (_partial_date("p.birth_date", "p.birth_date_precision"), []),
        "detained_on": (_partial_date("d.detained_on", "d.detained_on_precision"), []),
        "charges": (charges, [UNTIDY_CHARGES, WHITESPACE, WHITESPACE]),
        "sentence": ("d.sentence", []),
        "sentence_months": ("d.sentence_months::text", []),
        "place_of_detention": ("d.place_of_detention", []),
        "released_on": (_iso("r.effective_date"), []),
        "release_event": ("r.event_slug", []),
        "destination": ("r.destination_country", []),
        "release_event_title": ("r.event_title", []),
        "release_event_date": (_iso("r.event_date"), []),
        "sources": ("s.links", []),
    }
    redacted = redacted_sql(
        request.user, "person_row", {name: cells[name] for name in columns}, visibility="p.visibility"
    )
    inner, params = [], []
    for index, (sql, cell_params) in enumerate(redacted):
        inner.append(f"{sql} AS c{index}")
        params += cell_params
    outer = [neutralised(f"c{i}") if name in TEXT_CELLS else f"c{i}" for i, name in enumerate(columns)]
    # Each related table is read for the exported people only (index lookups for a few people), or whole for
    # the whole list (merged in one pass each, and no second scan of the people).
    ids = None if whole_list else RawSQL("SELECT id FROM people", [])
    people, people_params = _people(queryset)
    parts = [_aliases(ids), _latest_detention(ids), _latest_release(releases, ids), _sources(request.user, ids)]
    aliases, detentions, latest_releases, sources = (sql for sql, _ in parts)
    with_people, from_people = (
        ("", f"({people})") if whole_list else (f"WITH people AS MATERIALIZED ({people}) ", "people")
    )
    sql = (
        f"{with_people}SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)}, p.csv_row FROM {from_people} AS p "
        f"LEFT JOIN ({aliases}) AS a ON a.prisoner_id = p.id "
        f"LEFT JOIN ({detentions}) AS d ON d.prisoner_id = p.id "
        f"LEFT JOIN ({latest_releases}) AS r ON r.prisoner_id = p.id "
        f"LEFT JOIN ({sources}) AS s ON s.prisoner_id = p.id OFFSET 0) AS cells ORDER BY csv_row"
    )
    part_params = [param for _, params_of_part in parts for param in params_of_part]
    if whole_list:
        return sql, [*params, *people_params, *part_params]
    return sql, [*people_params, *params, *part_params]
