"""The list API's one-query baselines that return the same JSON document as the API (bench/reads_benchmark.py).

Each baseline is one SQL statement, written by hand, that builds the whole answer of a list URL for the anonymous
reader: the envelope (`page`, `page_size`, `next` with its cursor, `previous`) and every row with every field,
nested lists included, in the API's order and with its visibility rules (prisoners/visibility.py):

- private people, drafts (people, events, releases) absent; an anonymized person is "Name withheld" with every
  field outside `KEPT_WHEN_WITHHELD` blanked as `redact` blanks it (the people list: native_name "",
  name_variants [], birth_date null, and in their detentions court, sentence, place_of_detention ""; the releases
  list: notes "", sources [], reported_values []);
- sources cited for someone withheld (`withheld_people_sources`: their person, detention, release, name variant,
  incommunicado period or reported value) left out of a release's sources and reported values, computed in the
  query for the page's sources (the API reads the ids from its cache of summaries);
- a free text that names a withheld person (full name, native name or name variant, 4 letters or more, any case)
  replaced by the withheld-text notice, as `mask_value_texts_naming_withheld` does (notes, and the value,
  reported_by and note of reported values). SQL compares with lower(), the API with Python's casefold(): they
  differ only for the few letters whose case folding is not a lower-casing (German ß, Greek final sigma...),
  which the benchmark's data has none of.

Constants of the code, not of the data, are passed as parameters: the URL prefix ('http://testserver', as the
test client sees it), the translated "Name withheld" and withheld-text notice, and the English country names
(django-countries' table, which the API holds in memory too). `check` compares the API's document with the
baseline's: everything is compared, key order included; the only normalisation is that the `next` links'
cursors are compared decoded (base64 JSON payloads: the API's json.dumps escapes non-ASCII letters, PostgreSQL
writes them as they are, and writes a float sort key 1.0 as 1).
"""

import base64
import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.db import connection
from django.utils import translation

PREFIX = "http://testserver"
PAGE_SIZE = 50
WITHHELD_VISIBILITIES = "('anonymized', 'private')"


def constants():
    """The parameters every baseline takes: code constants, not data."""
    from django_countries import countries

    from prisoners.visibility import WITHHELD_NAME, WITHHELD_TEXT

    with translation.override(settings.LANGUAGE_CODE):
        return {
            "prefix": PREFIX,
            "withheld_name": str(WITHHELD_NAME),
            "withheld_text": str(WITHHELD_TEXT),
            "country_names": json.dumps({code: str(name) for code, name in countries}),
        }


def _partial(column, precision):
    """`format_partial_date` (None for no date)."""
    return (
        f"CASE WHEN {column} IS NULL THEN NULL WHEN {precision} = 'year' THEN to_char({column}, 'YYYY') "
        f"WHEN {precision} = 'month' THEN to_char({column}, 'YYYY-MM') ELSE to_char({column}, 'YYYY-MM-DD') END"
    )


def _split(column, separator):
    """A JSON array of the non-empty parts of `column` split on `separator`, stripped, in order."""
    return (
        f"array_to_json(ARRAY(SELECT btrim(part, E' \\t\\n\\r\\f\\v') FROM unnest(string_to_array({column}, "
        f"'{separator}')) WITH ORDINALITY AS parts(part, n) WHERE btrim(part, E' \\t\\n\\r\\f\\v') <> '' ORDER BY n))"
    )


def _codes(column):
    """`country_codes` of a stored multi-country value ("BY,RU"): the non-empty codes as stored."""
    return (
        f"array_to_json(ARRAY(SELECT code FROM unnest(string_to_array({column}, ',')) WITH ORDINALITY AS c(code, n) "
        f"WHERE code <> '' ORDER BY n))"
    )


def _conditions(alias, names):
    flags = ", ".join(f"CASE WHEN {alias}.{name} THEN '{name}' END" for name in names)
    return f"array_to_json(array_remove(ARRAY[{flags}]::text[], NULL))"


def _destination(alias, id_column, country_column):
    return (
        f"CASE WHEN {id_column} IS NULL THEN NULL ELSE json_build_object('id', {id_column}, "
        f"'url', %(prefix)s || '/api/v1/destinations/' || {country_column} || '/', "
        f"'country', NULLIF(upper({country_column}), ''), 'name', %(country_names)s::jsonb ->> {country_column}) END"
    )


def _event(id_column, slug, title, date):
    return (
        f"CASE WHEN {id_column} IS NULL THEN NULL ELSE json_build_object('id', {id_column}, "
        f"'url', %(prefix)s || '/api/v1/release-events/' || {slug} || '/', 'slug', {slug}, 'title', {title}, "
        f"'date', {date}) END"
    )


def _source(alias):
    return (
        f"json_build_object('id', {alias}.id, 'url', %(prefix)s || '/api/v1/sources/' || {alias}.id || '/', "
        f"'link', {alias}.link, 'title', {alias}.title, 'publisher', {alias}.publisher, "
        f"'published_on', {alias}.published_on, 'kind', {alias}.kind)"
    )


def _withheld_person(alias):
    return f"{alias}.visibility IN {WITHHELD_VISIBILITIES}"


def _hidden_source(source_id, in_query):
    """Whether the source is hidden from the public: one of the ids passed as `hidden_sources` (`hidden_sources()`,
    what the API reads from its cache of summaries), or with `in_query` computed here as `withheld_people_sources`
    does: cited for a withheld person or anything of theirs (a public source's check walks every record citing it:
    8 ms for a source cited by 333 releases)."""
    if not in_query:
        return f"({source_id} = ANY(%(hidden_sources)s::bigint[]))"
    w = _withheld_person("w")
    return f"""(EXISTS (SELECT 1 FROM prisoners_prisoner_sources x JOIN prisoners_prisoner w ON w.id = x.prisoner_id
            WHERE x.source_id = {source_id} AND {w})
        OR EXISTS (SELECT 1 FROM prisoners_detention_sources x JOIN prisoners_detention dd ON dd.id = x.detention_id
            JOIN prisoners_prisoner w ON w.id = dd.prisoner_id WHERE x.source_id = {source_id} AND {w})
        OR EXISTS (SELECT 1 FROM releases_release_sources x JOIN releases_release rr ON rr.id = x.release_id
            JOIN prisoners_prisoner w ON w.id = rr.prisoner_id WHERE x.source_id = {source_id} AND {w})
        OR EXISTS (SELECT 1 FROM prisoners_namevariant x JOIN prisoners_prisoner w ON w.id = x.prisoner_id
            WHERE x.source_id = {source_id} AND {w})
        OR EXISTS (SELECT 1 FROM prisoners_incommunicadoperiod_sources x
            JOIN prisoners_incommunicadoperiod ip ON ip.id = x.incommunicadoperiod_id
            JOIN prisoners_detention dd ON dd.id = ip.detention_id JOIN prisoners_prisoner w ON w.id = dd.prisoner_id
            WHERE x.source_id = {source_id} AND {w})
        OR EXISTS (SELECT 1 FROM prisoners_reportedvalue x JOIN django_content_type ct ON ct.id = x.content_type_id
            WHERE x.source_id = {source_id} AND (
                (ct.app_label = 'prisoners' AND ct.model = 'prisoner'
                    AND EXISTS (SELECT 1 FROM prisoners_prisoner w WHERE w.id = x.object_id AND {w}))
                OR (ct.app_label = 'prisoners' AND ct.model = 'detention'
                    AND EXISTS (SELECT 1 FROM prisoners_detention dd JOIN prisoners_prisoner w ON w.id = dd.prisoner_id
                        WHERE dd.id = x.object_id AND {w}))
                OR (ct.app_label = 'releases' AND ct.model = 'release'
                    AND EXISTS (SELECT 1 FROM releases_release rr JOIN prisoners_prisoner w ON w.id = rr.prisoner_id
                        WHERE rr.id = x.object_id AND {w})))))"""


def _masked(text):
    """`text`, or the withheld-text notice when it names a withheld person (`mask_value_texts_naming_withheld`)."""
    w = _withheld_person("w")
    return f"""CASE WHEN {text} <> '' AND (
            EXISTS (SELECT 1 FROM prisoners_prisoner w WHERE {w} AND (
                (length(w.full_name) >= 4 AND strpos(lower({text}), lower(w.full_name)) > 0)
                OR (length(w.native_name) >= 4 AND strpos(lower({text}), lower(w.native_name)) > 0)))
            OR EXISTS (SELECT 1 FROM prisoners_namevariant nv JOIN prisoners_prisoner w ON w.id = nv.prisoner_id
                WHERE {w} AND length(nv.name) >= 4 AND strpos(lower({text}), lower(nv.name)) > 0))
        THEN %(withheld_text)s ELSE {text} END"""


def _cursor(payload):
    """base64url without padding of a JSON text, as tracker.api.pagination.encode_cursor writes it."""
    return f"translate(rtrim(replace(encode(convert_to({payload}, 'UTF8'), 'base64'), E'\\n', ''), '='), '+/', '-_')"


def _links(url, page):
    """The `next` link around its cursor ((head, tail) SQL literals) and the `previous` link, from the URL alone:
    DRF's replace_query_param drops `page`, sets `cursor` and sorts the parameters."""
    parts = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("page", "cursor")]
    before = urlencode(sorted(p for p in params if p[0] < "cursor"))
    after = urlencode(sorted(p for p in params if p[0] > "cursor"))
    head = f"{parts.path}?{before + '&' if before else ''}cursor="
    tail = f"&{after}" if after else ""
    previous = None
    if page > 1 and "cursor" not in dict(parse_qsl(parts.query)):
        rest = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
        if page > 2:
            rest.append(("page", str(page - 1)))
        query = urlencode(sorted(rest))
        previous = f"{parts.path}{'?' + query if query else ''}"

    def quote(text):
        return "'{}'".format(text.replace("'", "''").replace("%", "%%"))

    return quote(head), quote(tail), (f"%(prefix)s || {quote(previous)}" if previous else "NULL::text")


def _envelope(page_sql, row_json, cursor_payload, url, page):
    """The whole document from `page_sql` (the page's rows plus one, in the list's order)."""
    head, tail, previous = _links(url, page)
    # The rows numbered as the page's query returns them, in its order (a numbering over the 51 rows, not over the
    # OFFSET's skipped ones; `check` would see any other order).
    return f"""WITH page AS MATERIALIZED (SELECT q.*, row_number() OVER () AS n FROM ({page_sql}) q)
    SELECT json_build_object(
        'page', {page},
        'page_size', {PAGE_SIZE},
        'next', CASE WHEN (SELECT count(*) FROM page) > {PAGE_SIZE} THEN %(prefix)s || {head}
            || (SELECT {_cursor(cursor_payload)} FROM page t ORDER BY t.n OFFSET {PAGE_SIZE - 1} LIMIT 1)
            || {tail} END,
        'previous', {previous},
        'results', COALESCE((SELECT json_agg({row_json} ORDER BY t.n)
            FROM (SELECT * FROM page ORDER BY n LIMIT {PAGE_SIZE}) t), '[]'::json))::text"""


def _payload(terms):
    """The cursor's JSON text: terms are (name in the cursor, SQL on the page row `t`, descending)."""
    order = ",".join(f'"{"-" if descending else ""}{name}"' for name, _sql, descending in terms)
    values = " || ',' || ".join(f"to_json({sql})::text" for _name, sql, _descending in terms)
    return f"""'{{"o":[{order}],"v":[' || {values} || ']}}'"""


# --- People --------------------------------------------------------------------------------------------------

PERSON_CONDITIONS = (
    "forced_exile",
    "without_documents",
    "travel_ban",
    "speaking_ban",
    "reporting_duty",
    "stripped_of_citizenship",
)
SORT_NAME = "CASE WHEN p.visibility = 'public' THEN p.full_name ELSE %(withheld_name)s END"
PERSON_ORDERS = {
    "name": (f"{SORT_NAME}, p.id", [("sort_name", "t.sort_name", False), ("id", "t.id", False)]),
    "-id": ("p.id DESC", [("id", "t.id", True)]),
    "status": ("p.status, p.id", [("status", "t.status", False), ("id", "t.id", False)]),
}


def _person_json():
    withheld = "(t.visibility <> 'public')"
    return f"""json_build_object(
        'id', t.id,
        'url', %(prefix)s || '/api/v1/prisoners/' || t.id || '/',
        'full_name', CASE WHEN {withheld} THEN %(withheld_name)s ELSE t.full_name END,
        'withheld', {withheld},
        'native_name', CASE WHEN {withheld} THEN '' ELSE t.native_name END,
        'name_variants', CASE WHEN {withheld} THEN '[]'::json ELSE COALESCE((
            SELECT json_agg(json_build_object('name', v.name, 'kind', v.kind, 'language', v.language) ORDER BY v.name)
            FROM prisoners_namevariant v WHERE v.prisoner_id = t.id), '[]'::json) END,
        'status', t.status,
        'recognition', t.recognition,
        'country', NULLIF(upper(t.country), ''),
        'citizenship', {_codes("t.citizenship")},
        'gender', t.gender,
        'birth_date', CASE WHEN {withheld} THEN NULL ELSE {_partial("t.birth_date", "t.birth_date_precision")} END,
        'visibility', t.visibility,
        'detentions', COALESCE((SELECT json_agg(json_build_object(
                'id', d.id,
                'detained_on', {_partial("d.detained_on", "d.detained_on_precision")},
                'charges', {_split("d.charges", "|")},
                'court', CASE WHEN {withheld} THEN '' ELSE d.court END,
                'sentenced_on', {_partial("d.sentenced_on", "d.sentenced_on_precision")},
                'sentence', CASE WHEN {withheld} THEN '' ELSE d.sentence END,
                'sentence_months', d.sentence_months,
                'place_of_detention', CASE WHEN {withheld} THEN '' ELSE d.place_of_detention END,
                'regime', d.regime,
                'ended_on', {_partial("d.ended_on", "d.ended_on_precision")}
            ) ORDER BY d.detained_on, d.id)
            FROM prisoners_detention d WHERE d.prisoner_id = t.id), '[]'::json),
        'releases', COALESCE((SELECT json_agg(json_build_object(
                'id', r.id,
                'url', %(prefix)s || '/api/v1/releases/' || r.id || '/',
                'event', {_event("r.event_id", "e.slug", "e.title", "e.date")},
                'date', COALESCE({_partial("r.date", "r.date_precision")}, to_char(e.date, 'YYYY-MM-DD')),
                'destination', {_destination("ds", "r.destination_id", "ds.country")},
                'outcome', r.outcome,
                'confidence', r.confidence,
                'conditions', {_conditions("r", PERSON_CONDITIONS)}
            ) ORDER BY r.effective_date ASC NULLS FIRST, r.id)
            FROM releases_release r LEFT JOIN releases_releaseevent e ON e.id = r.event_id
            LEFT JOIN releases_destination ds ON ds.id = r.destination_id
            WHERE r.prisoner_id = t.id AND NOT r.is_draft AND NOT COALESCE(e.is_draft, false)), '[]'::json)
    )"""


def people_document(url, where="", order="name", page=1, from_ids=None, extra_order=None):
    """The people list at `url` (first page, or `page`), filtered by `where` (SQL on `p`), as one statement.

    `order` is a key of PERSON_ORDERS, or `extra_order` gives (ORDER BY SQL on `p`, cursor terms, extra columns)."""
    order_sql, terms = PERSON_ORDERS[order] if extra_order is None else extra_order[:2]
    extra = "" if extra_order is None else extra_order[2]
    page_sql = f"""SELECT p.id, p.full_name, p.visibility, p.native_name, p.status, p.recognition, p.country,
            p.citizenship, p.gender, p.birth_date, p.birth_date_precision, {SORT_NAME} AS sort_name{extra}
        FROM prisoners_prisoner p
        WHERE NOT p.is_draft AND p.visibility <> 'private' {where}
        ORDER BY {order_sql} LIMIT {PAGE_SIZE + 1} OFFSET {(page - 1) * PAGE_SIZE}"""
    return _envelope(page_sql, _person_json(), _payload(terms), url, page)


def released_where(condition, join=""):
    """The people list's release filters (`people.filtersets.releases_matching`): a release of theirs the public
    may see (not a draft, nor in a draft event)."""
    return (
        f"AND EXISTS (SELECT 1 FROM releases_release r {join} WHERE r.prisoner_id = p.id AND NOT r.is_draft"
        " AND NOT EXISTS (SELECT 1 FROM releases_releaseevent de WHERE de.id = r.event_id AND de.is_draft)"
        f" AND {condition})"
    )


def event_id(slug):
    return f"(SELECT id FROM releases_releaseevent WHERE slug = '{slug}' AND NOT is_draft)"


def search_document(url, query):
    """`?search=`: prisoners.search's tiers as one statement (PostgreSQL path): the folded keys are the query's
    words as the search folds them (`search_keys`, Python), written into the SQL as a reader's query would be."""
    from prisoners.names.folding import distinctive_words, search_keys
    from prisoners.search_tiers import FUZZY_WHEN_FEWER_THAN, TIER_LIMIT

    keys = search_keys(query.strip())
    words = "string_to_array(p.name_keys, ' ')"

    def array(items):
        return "ARRAY[" + ",".join(f"'{item}'" for item in items) + "]::text[]"

    def like(word, alias="p"):
        return (
            f"(string_to_array({alias}.name_keys, ' ') && ARRAY(SELECT word::text FROM prisoners_nameword "
            f"WHERE word %%> '{word}' AND word %% '{word}' AND length(word) >= {len(word) - 1}))"
        )

    holds_all = " OR ".join(f"({words} @> {array(key.split())})" for key in keys)
    surnames = [distinctive_words(key) for key in keys]
    holds_surname = " OR ".join(f"({words} @> {array(d)})" for d in surnames if d)
    fuzzy = " OR ".join(
        [" AND ".join(like(word) for word in key.split()) for key in keys]
        + [like(word) for d in surnames for word in d]
    )
    similarity = [f"word_similarity('{key}', p.name_keys)" for key in keys]
    rank = similarity[0] if len(similarity) == 1 else f"GREATEST({', '.join(similarity)})"
    tiers = f"WHEN {holds_all} THEN 1.0 " + (f"WHEN {holds_surname} THEN 0.75 " if holds_surname else "")
    # The tiers' conditions as the API's query has them, each repeated (visible, then nameable): with the planner's
    # estimates they give, the "fewer than 100 hold the words" test reads the GIN index; written once, PostgreSQL
    # estimates more holders and looks for the 100th by a sequential scan of the million rows (160 ms when none).
    visible = (
        "NOT p.is_draft AND NOT (p.visibility = 'private') AND NOT p.is_draft AND NOT (p.visibility = 'private') "
        "AND NOT p.is_draft AND p.visibility = 'public'"
    )
    exact_or_surname = f"({holds_all}{' OR ' + holds_surname if holds_surname else ''})"
    parts = [
        f"(SELECT p.id FROM prisoners_prisoner p WHERE {visible} AND ({holds_all}) "
        f"ORDER BY (p.full_name || '') ASC, p.id LIMIT {TIER_LIMIT})"
    ]
    if holds_surname:
        parts.append(
            f"(SELECT p.id FROM prisoners_prisoner p WHERE {visible} AND ({holds_surname}) AND NOT ({holds_all}) "
            f"LIMIT {TIER_LIMIT})"
        )
    short = (
        f"NOT EXISTS (SELECT 1 FROM prisoners_prisoner p WHERE {visible} AND {exact_or_surname} "
        f"LIMIT 1 OFFSET {FUZZY_WHEN_FEWER_THAN - 1})"
    )
    parts.append(
        f"(SELECT p.id FROM prisoners_prisoner p WHERE {visible} AND {short} AND ({fuzzy}) "
        f"AND NOT {exact_or_surname} ORDER BY {rank} DESC, p.full_name, p.id LIMIT {TIER_LIMIT})"
    )
    where = f"AND p.visibility = 'public' AND p.id IN ({' UNION ALL '.join(parts)})"
    search_rank = f"(CASE {tiers}ELSE {rank} END)"
    order = (
        f"{search_rank} DESC, p.full_name, p.id",
        [("search_rank", "t.search_rank", True), ("full_name", "t.full_name", False), ("id", "t.id", False)],
        f", {search_rank} AS search_rank",
    )
    return people_document(url, where, extra_order=order)


# --- Releases ------------------------------------------------------------------------------------------------

RELEASE_FLAGS = ("freed_at_home", *PERSON_CONDITIONS)
RELEASE_ORDERS = {
    "-date": ("r.effective_date DESC, r.id", [("effective_date", "t.effective_date", True), ("id", "t.id", False)]),
    "id": ("r.id", [("id", "t.id", False)]),
}


def _release_json(in_query=False):
    withheld = "(t.visibility <> 'public')"
    flags = ", ".join(f"'{name}', t.{name}" for name in RELEASE_FLAGS)
    release_type = "(SELECT id FROM django_content_type WHERE app_label = 'releases' AND model = 'release')"
    return f"""json_build_object(
        'id', t.id,
        'url', %(prefix)s || '/api/v1/releases/' || t.id || '/',
        'prisoner', json_build_object('id', t.prisoner_id,
            'url', %(prefix)s || '/api/v1/prisoners/' || t.prisoner_id || '/',
            'full_name', CASE WHEN {withheld} THEN %(withheld_name)s ELSE t.full_name END,
            'withheld', {withheld}),
        'event', {_event("t.event_id", "t.slug", "t.title", "t.event_date")},
        'date', COALESCE({_partial("t.date", "t.date_precision")}, to_char(t.event_date, 'YYYY-MM-DD')),
        'destination', {_destination("t", "t.destination_id", "t.country")},
        'outcome', t.outcome,
        'confidence', t.confidence,
        'conditions', {_conditions("t", PERSON_CONDITIONS)},
        {flags},
        'notes', CASE WHEN {withheld} THEN '' ELSE {_masked("t.notes")} END,
        'sources', CASE WHEN {withheld} THEN '[]'::json ELSE COALESCE((
            SELECT json_agg({_source("s")} ORDER BY s.publisher, s.link)
            FROM releases_release_sources rs JOIN prisoners_source s ON s.id = rs.source_id
            WHERE rs.release_id = t.id AND NOT {_hidden_source("s.id", in_query)}), '[]'::json) END,
        'reported_values', CASE WHEN {withheld} THEN '[]'::json ELSE COALESCE((
            SELECT json_agg(json_build_object('id', v.id, 'field', v.field, 'value', {_masked("v.value")},
                'reported_by', {_masked("v.reported_by")}, 'note', {_masked("v.note")}, 'source', {_source("s")})
                ORDER BY v.field, v.id)
            FROM prisoners_reportedvalue v JOIN prisoners_source s ON s.id = v.source_id
            WHERE v.content_type_id = {release_type} AND v.object_id = t.id
                AND NOT {_hidden_source("v.source_id", in_query)}), '[]'::json) END
    )"""


def releases_document(url, where="", order="-date", keyset=None, hidden_in_query=False):
    """The releases list at `url` (first page, or the page after `keyset`: (date, id) of its `cursor`), filtered by
    `where` (SQL on r, p, e, d), as one statement; `hidden_in_query`: see `_hidden_source`."""
    order_sql, terms = RELEASE_ORDERS[order]
    if keyset:
        day, rid = keyset
        where += f" AND r.effective_date <= '{day}' AND (r.effective_date < '{day}' OR (r.effective_date = '{day}'"
        where += f" AND r.id > {int(rid)}))"
    flags = ", ".join(f"r.{name}" for name in RELEASE_FLAGS)
    page_sql = f"""SELECT r.id, r.effective_date, r.prisoner_id, p.full_name, p.visibility, r.event_id, e.slug,
            e.title, e.date AS event_date, r.date, r.date_precision, r.destination_id, d.country, r.outcome,
            r.confidence, {flags}, r.notes
        FROM releases_release r JOIN prisoners_prisoner p ON p.id = r.prisoner_id
        LEFT JOIN releases_releaseevent e ON e.id = r.event_id
        LEFT JOIN releases_destination d ON d.id = r.destination_id
        WHERE NOT r.is_draft AND NOT p.is_draft AND NOT COALESCE(e.is_draft, false) AND p.visibility <> 'private'
            {where}
        ORDER BY {order_sql} LIMIT {PAGE_SIZE + 1}"""
    return _envelope(page_sql, _release_json(hidden_in_query), _payload(terms), url, 1)


# --- Running and checking ------------------------------------------------------------------------------------


def run(statement, params):
    """The baseline's document as the database returns it (JSON text)."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def with_hidden_in_query(document):
    """`document` with the hidden sources computed in the query instead of passed (`_hidden_source`)."""
    for column in ("s.id", "v.source_id"):
        document = document.replace(_hidden_source(column, False), _hidden_source(column, True))
    return document


def hidden_sources():
    """The ids of the sources hidden from the public, computed afresh (the API keeps them in its cache of summaries,
    `prisoners.visibility.withheld_source_ids`, and passes them to its query as a list)."""
    from prisoners.visibility import withheld_people_sources

    return sorted(withheld_people_sources().values_list("pk", flat=True))


def _decoded_cursors(document):
    """`document` with its `next` link's cursor replaced by its decoded payload (see the module's docstring)."""
    link = document.get("next")
    if isinstance(link, str) and "cursor=" in link:
        parts = urlsplit(link)
        params = parse_qsl(parts.query, keep_blank_values=True)
        decoded = []
        for key, value in params:
            if key == "cursor":
                value = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
            decoded.append((key, value))
        document = dict(document, next={"link": parts._replace(query="").geturl(), "params": decoded})
    return document


def first_difference(api, baseline, path="$", ignored=()):
    """Where two parsed JSON documents first differ (values, types, key order), or None. `ignored`: dotted key paths
    ("event.title") whose values are not compared wherever they occur (the keys still are)."""
    if isinstance(api, dict) and isinstance(baseline, dict):
        if list(api) != list(baseline):
            return f"{path}: keys {list(api)} != {list(baseline)}"
        for key in api:
            keys = re.sub(r"\[\d+\]", "", f"{path}.{key}")
            if any(keys.endswith(f".{name}") for name in ignored):
                continue
            found = first_difference(api[key], baseline[key], f"{path}.{key}", ignored)
            if found:
                return found
        return None
    if isinstance(api, list) and isinstance(baseline, list):
        if len(api) != len(baseline):
            return f"{path}: {len(api)} items != {len(baseline)}"
        for i, (a, b) in enumerate(zip(api, baseline, strict=True)):
            found = first_difference(a, b, f"{path}[{i}]", ignored)
            if found:
                return found
        return None
    if type(api) is not type(baseline) and not (
        isinstance(api, int | float) and isinstance(baseline, int | float) and not isinstance(api, bool)
    ):
        return f"{path}: {api!r} ({type(api).__name__}) != {baseline!r} ({type(baseline).__name__})"
    if api != baseline:
        return f"{path}: {api!r} != {baseline!r}"
    return None


def check(api_content, baseline_text, ignored=()):
    """None when the API's response body and the baseline's JSON are the same document, else where they differ."""
    api = _decoded_cursors(json.loads(api_content))
    baseline = _decoded_cursors(json.loads(baseline_text))
    return first_difference(api, baseline, ignored=ignored)


# --- Edge rows: what the benchmark's data lacks, for the check only ------------------------------------------
# The built data has no name variants, notes, reported values, partial dates or second detentions, and no text
# naming a withheld person. `--check-baselines` checks every list case once more with these rows added in a
# transaction it rolls back (never committed): people on the first pages, public and withheld (100060 is the first
# by name, 1000000 is anonymized and first by -id), releases on the first releases page (49013 of a public person,
# 49034 of an anonymized one); texts naming an anonymized person (147102) and a private one (5), in another case;
# sources cited for a withheld person (901, and 6 from here on) and sources shown (2, 3).
EDGE_ROWS = [
    """UPDATE prisoners_prisoner SET native_name = 'Аляксандр Бабко', birth_date = '1980-05-17',
        birth_date_precision = 'month', citizenship = 'BY,RU', recognition = 'viasna' WHERE id = 100060""",
    """UPDATE prisoners_prisoner SET native_name = 'Тайны', birth_date = '1970-01-01', citizenship = 'BY,UA'
        WHERE id = 1000000""",
    """INSERT INTO prisoners_namevariant (id, name, kind, language, prisoner_id) VALUES
        (900000001, 'Oleksandr Babko', 'transliteration', 'uk', 100060),
        (900000002, 'Aleksandr Babko', 'spelling', 'ru', 100060),
        (900000003, 'Secret Alias', 'alias', 'en', 1000000)""",
    """UPDATE prisoners_detention SET court = 'Minsk court', sentence = '5 years', sentence_months = 60,
        place_of_detention = 'Colony 1', sentenced_on = '2021-03-01', sentenced_on_precision = 'year',
        charges = ' 342 | |130  | 293' WHERE prisoner_id IN (100060, 1000000)""",
    """INSERT INTO prisoners_detention (id, created_at, updated_at, detained_on, detained_on_precision, charges,
            court, sentenced_on_precision, sentence, place_of_detention, ended_on, ended_on_precision, prisoner_id,
            regime)
        SELECT 900000000 + id, now(), now(), NULL, 'day', '', 'Court 2', 'day', '', '', date '2022-12-31', 'month',
            id, 'strict' FROM prisoners_prisoner WHERE id IN (100060, 1000000)""",
    """INSERT INTO releases_release (id, created_at, updated_at, event_id, date, effective_date, date_precision,
            destination_id, forced_exile, without_documents, travel_ban, speaking_ban, outcome, confidence, notes,
            prisoner_id, freed_at_home, reporting_duty, stripped_of_citizenship, is_draft) VALUES
        (900000001, now(), now(), NULL, '2021-05-01', '2021-05-01', 'year', 2, true, false, true, false, 'freed',
            'reported', 'Seen in Kyiv', 100060, false, true, true, false),
        (900000002, now(), now(), 3, NULL, '2022-04-21', 'day', NULL, false, false, false, false, 'freed',
            'confirmed', '', 100060, false, false, false, true),
        (900000003, now(), now(), 4, '2022-05-01', '2022-05-01', 'month', NULL, false, true, false, true,
            'freed_conditionally', 'reported', 'Named Dzmitry Ivanou 147102 too', 1000000, true, false, false, false)
        """,
    "UPDATE releases_release SET notes = 'Freed with dzmitry IVANOU 147102' WHERE id = 49013",
    "UPDATE releases_release SET notes = 'An ordinary note', travel_ban = true WHERE id = 49055",
    "UPDATE releases_release SET notes = 'Not for the public' WHERE id = 49034",
    "UPDATE prisoners_source SET publisher = 'B publisher', published_on = '2022-02-02' WHERE id = 2",
    "UPDATE prisoners_source SET publisher = 'A publisher' WHERE id = 3",
    """INSERT INTO releases_release_sources (release_id, source_id) VALUES (49013, 901), (49013, 2), (49013, 3),
        (49034, 6)""",
    """INSERT INTO prisoners_reportedvalue (id, created_at, updated_at, object_id, field, value, reported_by, note,
            content_type_id, source_id)
        SELECT v.id, now(), now(), v.object_id, v.field, v.value, v.reported_by, v.note, ct.id, v.source_id
        FROM (VALUES
            (900000001, 49013, 'date', '2024-05-30', 'Viasna', 'says Maryia Ivanou 5 was there', 2),
            (900000002, 49013, 'destination', 'FR', 'Viasna', '', 901),
            (900000003, 49013, 'date', '2024-05-31', 'Dzmitry Ivanou 147102', '', 3),
            (900000004, 49013, 'conditions', 'forced_exile', 'Someone', 'plain', 3),
            (900000005, 49034, 'date', '2024-05-30', 'Viasna', 'about a withheld person', 6)
        ) AS v(id, object_id, field, value, reported_by, note, source_id),
        django_content_type ct WHERE ct.app_label = 'releases' AND ct.model = 'release'""",
]


def add_edge_rows():
    """Add `EDGE_ROWS` (the caller holds the transaction and rolls it back)."""
    with connection.cursor() as cursor:
        for statement in EDGE_ROWS:
            cursor.execute(statement)
