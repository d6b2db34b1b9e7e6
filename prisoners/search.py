"""Search people by name, for every door (API ?search=, page search box, admin search).

The query is folded like the stored names (prisoners.names), so any spelling, any script, a part
of a name or a misspelt one finds the person; results are ranked by trigram word similarity
between the folded query and the person's stored keys, best first.

- PostgreSQL: each word of the folded query finds the vocabulary words like it (NameWord; pg_trgm
  word similarity and similarity over the thresholds set for every connection in
  tracker/settings.py, GIN trigram index), then the people holding one of them for every query
  word, or for its surname alone (GIN index on the words of Prisoner.name_keys). The rank is 1.0
  for holding every query word as written, 0.75 for the surname as written, otherwise pg_trgm's
  `word_similarity` between the folded query and the person's keys. All in one query, the people
  coming from tiers (prisoners/search_tiers.py): holders of the words as written first, fuzzy
  matches only when fewer than FUZZY_WHEN_FEWER_THAN hold them, each tier cut at TIER_LIMIT.
- SQLite (small demo data): the same rank as a Python function registered on the connection,
  matched from MATCH_THRESHOLD on over the whole query (a scan, fine for a demo).

Either way `search_prisoners` returns a lazy queryset annotated with `search_rank` and runs no
query of its own, so lists keep a fixed number of queries. A withheld name is never matched for a
reader who may not see it.
"""

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Case, F, FloatField, Func, Q, Value, When
from django.db.models.functions import Greatest

from prisoners.names.folding import fold_name_alternatives, word_similarity
from prisoners.names.keys import refresh_name_keys
from prisoners.search_terms import fold_search
from prisoners.search_tiers import holds_a_word_like, holds_every_word, tiered_matches
from prisoners.visibility import nameable_prisoners

# pg_trgm.word_similarity_threshold and pg_trgm.similarity_threshold, set per connection in
# tracker/settings.py; SQLite uses MATCH_THRESHOLD over the whole query.
MATCH_THRESHOLD = 0.5
WORD_SIMILARITY_FLOOR = 0.4
SEARCH_RANK = "search_rank"
_SQLITE_FUNCTION = "rt_word_similarity"


class WordSimilarity(Func):
    """word_similarity(query, keys): pg_trgm on PostgreSQL, `prisoners.names.folding.word_similarity` on SQLite."""

    function = "word_similarity"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=_SQLITE_FUNCTION, **extra_context)


def _register_sqlite_function(sender=None, connection=None, **kwargs):
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(_SQLITE_FUNCTION, 2, _sqlite_word_similarity, deterministic=True)


def _sqlite_word_similarity(query, keys):
    return word_similarity(query or "", keys or "")


connection_created.connect(_register_sqlite_function, dispatch_uid="prisoners.search.sqlite_similarity")


def _ensure_sqlite_function(alias):
    """Connections opened before this module was imported lack the function: add it (no query)."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    raw = connection.connection
    if getattr(raw, "_rt_word_similarity", False):
        return
    _register_sqlite_function(connection=connection)
    try:
        raw._rt_word_similarity = True
    except AttributeError:  # a C connection object that takes no attributes: register every time
        pass


def search_prisoners(queryset, query, user):
    """Filter `queryset` to people whose names match `query`, best first (annotated `search_rank`).

    Matches any spelling of any of the person's names (display, native, variants). For readers
    who may not see withheld names, only public records can match. `query` is the reader's text, or
    that text already folded (`prisoners.search_terms.fold_search`): the query is built from its parts only.
    """
    readings = fold_search(query).readings
    if not readings:
        return queryset
    queryset = nameable_prisoners(user, queryset)
    alias = queryset.db
    _ensure_sqlite_function(alias)
    ranks = [WordSimilarity(Value(reading.key), F("name_keys")) for reading in readings]
    rank = ranks[0] if len(ranks) == 1 else Greatest(*ranks)
    postgres = connections[alias].vendor == "postgresql"
    if postgres:
        # Cheap tiers first, so that the many holders of a common name cost no trigram work: holding
        # every word of the query as written ranks 1.0, holding its surname as written 0.75.
        holds_all, holds_surname, fuzzy = Q(), Q(), Q()
        for reading in readings:
            holds_all |= Q(holds_every_word(reading.words))
            distinctive = reading.distinctive
            if distinctive:
                holds_surname |= Q(holds_every_word(reading.distinctive_words))
            # Fuzzy: every word of the query (of one of its readings) like a word of the person's, or at
            # least its surname: given names vary most (Yuras, Yury; Andrzej, Andrei).
            every_word = Q()
            for word, shortest in zip(reading.words, reading.shortest, strict=True):
                every_word &= Q(holds_a_word_like(word, shortest))
            fuzzy |= every_word
            for index in distinctive:
                fuzzy |= Q(holds_a_word_like(reading.words[index], reading.shortest[index]))
        tiers = [When(holds_all, then=Value(1.0))]
        if holds_surname:
            tiers.append(When(holds_surname, then=Value(0.75)))
        # The people come from the tiers (prisoners.search_tiers); the rank orders them as before.
        matches = tiered_matches(queryset, holds_all, holds_surname, fuzzy, rank)
        rank = Case(*tiers, default=rank, output_field=FloatField())
        queryset = queryset.annotate(**{SEARCH_RANK: rank})
    else:
        queryset = queryset.annotate(**{SEARCH_RANK: rank})
        matches = Q()
        for reading in readings:
            matches |= Q(name_keys__contains=reading.key)
        matches |= Q(**{f"{SEARCH_RANK}__gte": MATCH_THRESHOLD})
    return queryset.filter(matches).order_by(f"-{SEARCH_RANK}", "full_name", "pk")


class PrisonerNameSearchAdminMixin:
    """Admin changelist search through `search_prisoners`, best match first (staff see withheld names).

    Admin writes names through the form and the name-variant inline, not the service layer, so
    the stored keys are refreshed here once everything is saved.
    """

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_name_keys([form.instance.pk])

    def get_search_results(self, request, queryset, search_term):
        if not search_term or not search_term.strip():
            return queryset, False
        return search_prisoners(queryset, search_term, request.user), False

    def get_ordering(self, request):
        from django.contrib.admin.views.main import SEARCH_VAR

        if fold_name_alternatives(request.GET.get(SEARCH_VAR, "").strip()):
            return [f"-{SEARCH_RANK}", "full_name"]
        return super().get_ordering(request)
