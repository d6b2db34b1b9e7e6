"""PostgreSQL name search in tiers: the people holding the query's words as written first, fuzzy matches after.

`prisoners.search.search_prisoners` asks `tiered_matches` for the people a query finds; they come as one
subquery of ids (the caller's queryset keeps its filters, rank and order, and runs no query of its own):

1. people holding every word of one reading of the query as written (array containment on the GIN index
   of their words), the first `TIER_LIMIT` by name; then people holding its surname (its distinctive
   words) as written, the first `TIER_LIMIT` found (a common surname is held by thousands: only those
   read are fetched);
2. fuzzy matches (a word like each query word in the vocabulary, `_holds_a_word_like`) only when the
   first tier is short: fewer than `FUZZY_WHEN_FEWER_THAN` people hold the words as written. Otherwise
   that part of the subquery is never run, so a common name costs no trigram work and no ranking of
   thousands of near spellings; its fuzzy candidates are cut at `TIER_LIMIT` best ranked, never counted.

Every expression names the person's columns through F(), so the queryset can be used as a subquery too.
"""

from django.contrib.postgres.fields import ArrayField
from django.db.models import BooleanField, Exists, F, Func, Q, TextField, Value
from django.db.models.expressions import RawSQL

from prisoners.models import NameWord

# Each tier lists at most this many people (a search is for finding someone; a longer list is a filter's job).
TIER_LIMIT = 200
# Fuzzy matches join only when fewer people than this hold the query's words as written.
FUZZY_WHEN_FEWER_THAN = 100


def person_words():
    """The person's folded name words as an array: the expression of the GIN index `prisoner_name_words_gin`."""
    return Func(F("name_keys"), Value(" "), function="string_to_array", output_field=ArrayField(TextField()))


def holds_every_word(words):
    """The person's words include all of these (array containment, no trigrams)."""
    return Func(
        person_words(),
        RawSQL("%s::text[]", [list(words)]),
        template="(%(expressions)s)",
        arg_joiner=" @> ",
        output_field=BooleanField(),
    )


def holds_a_word_like(word, shortest):
    """The person holds a vocabulary word like `word`: word similarity (`%>`) at least MATCH_THRESHOLD, plain
    similarity (`%`) at least WORD_SIMILARITY_FLOOR (both set per connection), and at least `shortest` letters
    long (`len(word) - 1`: so "Ivanou" does not bring every Ivan). The vocabulary through its trigram index."""
    vocabulary = NameWord._meta.db_table
    like = RawSQL(
        f"ARRAY(SELECT word::text FROM {vocabulary} WHERE word %%> %s AND word %% %s AND length(word) >= %s)",
        [word, word, shortest],
    )
    return Func(person_words(), like, template="(%(expressions)s)", arg_joiner=" && ", output_field=BooleanField())


def _by_name(holders):
    """The first TIER_LIMIT holders by name, found through the GIN index of words: ordered by an expression no
    B-tree serves, so that PostgreSQL never walks the whole name index looking for the holders of a rare word
    (it misjudges how far it must walk when the holders' names are not spread evenly)."""
    name = Func(F("full_name"), template="(%(expressions)s || '')", output_field=TextField())
    return holders.alias(tier_name=name).order_by("tier_name", "pk").values("pk")[:TIER_LIMIT]


def tiered_matches(queryset, exact, surname, fuzzy, fuzzy_rank):
    """A filter: the people of `queryset` found by the tiers above. `exact`, `surname` and `fuzzy` are Q
    filters (every word as written, the surname as written, fuzzy); `fuzzy_rank` orders the fuzzy tier."""
    people = queryset.order_by()
    holders = people.filter(exact)
    parts = [_by_name(holders)]
    if surname:
        holders = people.filter(exact | surname)
        # The surname alone is held by many more (a common surname: thousands): the first TIER_LIMIT found,
        # not the first by name, so that only they are read; the rank and name order them afterwards.
        parts.append(people.filter(surname).exclude(exact).values("pk")[:TIER_LIMIT])
    short = ~Exists(holders.values("pk")[FUZZY_WHEN_FEWER_THAN - 1 : FUZZY_WHEN_FEWER_THAN])
    near = people.filter(short, fuzzy).exclude(exact | surname if surname else exact)
    near = near.annotate(fuzzy_rank=fuzzy_rank).order_by("-fuzzy_rank", "full_name", "pk")
    parts.append(near.values("pk")[:TIER_LIMIT])
    return Q(pk__in=parts[0].union(*parts[1:], all=True))
