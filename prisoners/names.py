"""Names across scripts: fold any spelling of a person's name into comparable keys.

The same Belarusian name is printed Bialiatski, Byalyatski, Belyatsky, Białacki, Бяляцкі or
Беляцкий. Folding maps each spelling to a coarse phonetic key (lower-case ASCII) in which the
differences between romanisation systems (BGN/PCGN, ISO 9, the Belarusian national system,
Łacinka, Polish and German press spellings, passports) and between the Belarusian and Russian
forms of the same name disappear, so that equal people get equal or near-equal keys:

    fold_name("Kalesnikava") == fold_name("Kolesnikova") == fold_name("Калеснікава") == "kalesnikava"

Unidecode (already a dependency, actively maintained) turns Cyrillic (Belarusian і and ў
included) and every Latin diacritic into ASCII; the letters whose diacritic carries a sound
(č, š, ž, ż, ŭ...) are mapped first, so that "č" becomes "ch" and not "c". The rest is a small,
ordered set of rewrite rules below, each of which names the spellings it makes equal.

Interface used by the service layer, the import pipeline, the API, pages and admin:
- `refresh_name_keys(prisoner_ids)`: recompute the stored keys of these people; the service layer
  calls it after every write to a name, bulk writers (imports) call it for their batch.
- `match_existing_prisoner(full_name, birth_date=None, aliases=())`: for an import row without
  external_id, returns `(prisoner_id or None, unsure)`; see its docstring.
  `match_existing_prisoners(rows)` does the same for a batch in two queries.
"""

import functools
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from unidecode import unidecode

# Latin letters whose diacritic changes the sound: mapped before Unidecode strips the diacritic.
_SOUNDING_DIACRITICS = str.maketrans(
    {
        "č": "ch",
        "š": "sh",
        "ž": "zh",
        "ż": "zh",
        "ŭ": "u",
        "ć": "c",
        "ś": "s",
        "ź": "z",
        "ń": "n",
        "ĺ": "l",
        "ł": "l",
        "ß": "ss",
        "ü": "u",
        "ö": "o",
        "ä": "a",
        "ё": "io",  # Unidecode writes ё as "io" too; kept explicit because ё/е is often dropped
    }
)
# Apostrophes and soft/hard signs: Zian'kovich, Zyankovich, Зяньковіч are one name.
_SIGNS = re.compile(r"[ьъ'’ʼ`´\"]")
_NOT_LETTER = re.compile(r"[^a-z]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

# Ordered rewrites on one lower-case ASCII word; each comment names the spellings a rule makes equal.
# Upper-case letters are placeholders for a sound already decided: C = ч, E = е/я/ё, U = ю.
_CH = re.compile(r"ch")
_CH_INSIDE = re.compile(r"ch(?=.)")
_RULES = [
    (re.compile(r"sch(?:t)?sch|szcz|shch|shtsh"), "s"),  # щ / шч: Shchurko, Szczurko
    (re.compile(r"dz"), "D"),  # дз, kept apart from з until the дзеканне rules below
    (re.compile(r"tsch|tch|cz"), "C"),  # ч: Statkewitsch (de), Statkiewicz (pl)
    (re.compile(r"sch|sz|zh|sh|rz|z"), "s"),  # с з ш ж fold together: Lukaschenko, Łukaszenka
    (re.compile(r"kh"), "h"),  # х: Tsikhanouski
    (_CH, "C"),  # ч in English spellings (the х reading of "ch" is a second key)
    (re.compile(r"g"), "h"),  # г: Belarusian h, Russian g: Hienadz, Gennady; Ihar, Igor
    (re.compile(r"x"), "ks"),  # Alexander, Aleksandr
    (re.compile(r"q"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"w"), "v"),  # Polish and German w = в: Kolesnikowa
    (re.compile(r"tz|ts"), "c"),  # ц: Tsepkalo, Cepkalo (Łacinka, Polish c)
    (re.compile(r"iou$"), "Ev"),  # -ёў: Kastusiou
    (re.compile(r"iou|you|jou|iu|yu|ju"), "U"),  # ю: Yury, Iury, Jury, Iouri
    (re.compile(r"ia|ya|ja|ie|ye|je|io|yo|jo|e"), "E"),  # я е ё: Bialiatski, Belyatsky; Siarhei, Sergei
    (re.compile(r"(?<=[dt])Er$"), "r"),  # English -er: Alexander, Aleksandr; Peter, Piotr
    (re.compile(r"D(?=[iyjE])"), "d"),  # Belarusian дзеканне: Dziadok, Dyadok
    (re.compile(r"^D(?=m)"), "d"),  # Dzmitry, Dmitry
    (re.compile(r"t(?=[iyjE])"), "c"),  # Belarusian цеканне: Tatsiana, Tatiana; Tsikhanouski, Tikhanovsky
    (re.compile(r"^u(?=[^aeiouyEU])"), "v"),  # initial ў = в: Uladzimir, Vladimir
    (re.compile(r"(?<=[aeiouyEU])u(?=[^aeiouyEU]|$)"), "v"),  # ў after a vowel = в: Tsikhanouski, Tikhanovsky
    (re.compile(r"[yj]"), "i"),  # ы, й: Dzmitry, Dmitrij, Babaryka, Babariko
    (re.compile(r"i+"), "i"),  # -ский: Tikhanovskii, Tikhanovsky
    (re.compile(r"i(?=E)"), ""),  # Maryia, Maria, Mariya
    (re.compile(r"o"), "a"),  # Belarusian аканне: Kalesnikava, Kolesnikova
    (re.compile(r"([a-zA-Z])\1+"), r"\1"),  # doubled letters: Natallia, Natalia
    (re.compile(r"C"), "ch"),
    (re.compile(r"D"), "dz"),
    (re.compile(r"E"), "e"),
    (re.compile(r"U"), "u"),
]


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str, *, ch_as_kh: bool = False) -> str:
    """One lower-case ASCII word to its key; cached, since lists repeat the same names endlessly."""
    for pattern, replacement in _RULES:
        if ch_as_kh and pattern is _CH:
            word = _CH_INSIDE.sub("h", word)  # a final "ch" (-vich) is ч in every system
        word = pattern.sub(replacement, word)
    return word


def _ascii_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", str(text or "")).casefold()
    text = _SIGNS.sub("", text.translate(_SOUNDING_DIACRITICS))
    text = unidecode(text).lower()
    text = _SIGNS.sub("", text)
    return [word for word in _NOT_LETTER.split(text) if word]


def fold_name_alternatives(text: str) -> list[str]:
    """Every key of one written name, the main reading first.

    "ch" is ч in English spellings (Statkevich) but х in Polish, German and Łacinka ones
    (Tichanowski, Cichanoŭski): a name with a "ch" also gets the key of the second reading.
    """
    return list(_fold_name(str(text or "")))


@functools.lru_cache(maxsize=131072)
def _fold_name(text: str) -> tuple[str, ...]:
    words = _ascii_words(text)
    if not words:
        return ()
    keys = [" ".join(_fold_word(word) for word in words)]
    if "ch" in "".join(words) and not _CYRILLIC.search(text):
        alternative = " ".join(_fold_word(word, ch_as_kh=True) for word in words)
        if alternative not in keys:
            keys.append(alternative)
    return tuple(keys)


def fold_name(text: str) -> str:
    """The main key of one written name, words in their written order ("" for no letters)."""
    keys = fold_name_alternatives(text)
    return keys[0] if keys else ""


# A folded patronymic: Aliaksandravich, Aleksandrovich, Аляксандраўна, Dzmitryevich, Iosifovich.
_PATRONYMIC = re.compile(r"^.{3,}(?:[aei]vich|[aei]vna)$")


# Common given names (Belarusian, Russian, Polish and English forms): in a search for two or more
# words, a person whose surname matches is a candidate even when the given name is written
# differently (Yuras/Yury, Andrzej/Andrei); words that are common given names are too common to
# find anyone alone.
COMMON_GIVEN_NAMES = [
    "Aleh",
    "Aleksander",
    "Aleksandr",
    "Aleksandra",
    "Aleksei",
    "Alena",
    "Ales",
    "Alesia",
    "Alexander",
    "Aliaksandr",
    "Aliaksandra",
    "Aliaksei",
    "Anastasiya",
    "Anatol",
    "Anatoly",
    "Andrei",
    "Andrzej",
    "Anna",
    "Anton",
    "Artsiom",
    "Artyom",
    "Barys",
    "Boris",
    "Darya",
    "Denis",
    "Dmitriy",
    "Dmitry",
    "Dzianis",
    "Dzmitry",
    "Elena",
    "Galina",
    "Gennady",
    "Grigory",
    "Halina",
    "Hanna",
    "Henryk",
    "Hienadz",
    "Igor",
    "Ihar",
    "Illia",
    "Ilya",
    "Irina",
    "Iryna",
    "Ivan",
    "Kanstantsin",
    "Katsia",
    "Katsiaryna",
    "Kirill",
    "Kiryl",
    "Konstantin",
    "Kseniya",
    "Larisa",
    "Larysa",
    "Leanid",
    "Leonid",
    "Liudmila",
    "Lyudmila",
    "Maksim",
    "Maria",
    "Marina",
    "Mariya",
    "Maryia",
    "Maryna",
    "Masha",
    "Mikalai",
    "Mikhail",
    "Mikita",
    "Mikola",
    "Nasta",
    "Natalia",
    "Natallia",
    "Natalya",
    "Nikita",
    "Nikolai",
    "Nikolay",
    "Nina",
    "Oleg",
    "Olesya",
    "Olga",
    "Palina",
    "Pavel",
    "Piotr",
    "Polina",
    "Pyotr",
    "Raman",
    "Roman",
    "Ruslan",
    "Ryhor",
    "Sergei",
    "Sergej",
    "Sergey",
    "Siarhei",
    "Stanislau",
    "Stanislav",
    "Svetlana",
    "Sviatlana",
    "Swetlana",
    "Tatiana",
    "Tatsiana",
    "Tatyana",
    "Timur",
    "Tsimur",
    "Uladzimir",
    "Uladzislau",
    "Vadim",
    "Vadzim",
    "Valentin",
    "Valentina",
    "Valery",
    "Valiantsin",
    "Valiantsina",
    "Vasil",
    "Vasily",
    "Veranika",
    "Veronika",
    "Viktar",
    "Viktor",
    "Viktoriya",
    "Viktoryia",
    "Vital",
    "Vitaly",
    "Vladimir",
    "Vladislav",
    "Volha",
    "Yahor",
    "Yanka",
    "Yauhen",
    "Yauheniya",
    "Yegor",
    "Yekaterina",
    "Yelena",
    "Yevgeniya",
    "Yevgeny",
    "Yuliya",
    "Yuras",
    "Yury",
    "Zmitser",
]


@functools.lru_cache(maxsize=1)
def _given_name_keys() -> frozenset[str]:
    return frozenset(key for name in COMMON_GIVEN_NAMES for key in fold_name_alternatives(name))


def distinctive_words(key: str) -> list[str]:
    """The words of a folded multi-word key that may alone identify the person: those that are not a
    common given name, and in a name of three or more words not a patronymic either (unless that
    leaves none: -vich is also the commonest Belarusian surname ending). Empty for a single word."""
    words = key.split()
    if len(words) < 2:
        return []
    given = _given_name_keys()
    others = [word for word in words if word not in given]
    if len(words) >= 3:
        others = [word for word in others if not _PATRONYMIC.match(word)] or others
    return others


def search_keys(text: str) -> list[str]:
    """The keys a search for `text` tries: its readings, and for names of three or more words the
    same without the patronymic, which records often lack ("Maksim Aliaksandravich Znak")."""
    keys = fold_name_alternatives(text)
    for key in list(keys):
        words = key.split()
        if len(words) < 3:
            continue
        for index, word in enumerate(words):
            if _PATRONYMIC.match(word):
                shorter = " ".join(words[:index] + words[index + 1 :])
                if shorter not in keys:
                    keys.append(shorter)
    return keys


def identity_keys(text: str) -> tuple[set[str], set[str]]:
    """(whole keys, part keys) of one written name, for deciding whether two names are one person.

    A whole key is the name's words sorted, so "Kalesnikava Maria" (lists print the surname first)
    equals "Maria Kalesnikava". Names of three or four words (with a patronymic or a second given
    name) also give part keys, every pair of their words, so "Калеснікава Марыя Аляксандраўна"
    meets "Maria Kalesnikava" while "Ivan Ivanovich Petrov" never meets "Ivan Sergeevich Petrov".
    """
    whole, parts = set(), set()
    for key in fold_name_alternatives(text):
        words = sorted(set(key.split()))
        whole.add(" ".join(words))
        if 3 <= len(words) <= 4:
            parts.update(" ".join(pair) for pair in itertools.combinations(words, 2))
    return whole, parts


def search_text(names) -> str:
    """The stored search text of one person: the distinct words of every key of every name, in the
    order first written, without patronymics (in a name of three or more words, a -vich/-vna word
    right after a common given name),
    which searches rarely need and which would make every Ivanou match every Ivanavich.
    Short on purpose: PostgreSQL ranks it for every candidate row."""
    given = _given_name_keys()
    words = {}
    for name in names:
        for key in fold_name_alternatives(name):
            key_words = key.split()
            for index, word in enumerate(key_words):
                patronymic = len(key_words) >= 3 and index and key_words[index - 1] in given
                if not (patronymic and _PATRONYMIC.match(word)):
                    words.setdefault(word, None)
    return " ".join(words)


# Trigram similarity, the same measure as PostgreSQL's pg_trgm `word_similarity`, for SQLite.


def _trigrams(text: str) -> list[str]:
    """pg_trgm's trigrams in order: each word padded with two spaces before and one after."""
    grams = []
    for word in _NOT_LETTER.split(text.lower()):
        if word:
            padded = f"  {word} "
            grams.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def word_similarity(query: str, text: str) -> float:
    """The greatest similarity between the query's trigrams and any continuous extent of the text's."""
    query_grams = set(_trigrams(query))
    if not query_grams:
        return 0.0
    text_grams = _trigrams(text)
    hits = [i for i, gram in enumerate(text_grams) if gram in query_grams]
    best = 0.0
    for start_index, start in enumerate(hits):
        for end in hits[start_index:]:
            extent = set(text_grams[start : end + 1])
            common = len(extent & query_grams)
            score = common / (len(query_grams) + len(extent) - common)
            if score > best:
                best = score
    return best


# Matching an incoming row (import) to a person already recorded.


@dataclass(frozen=True)
class _PartialDate:
    value: date
    precision: str  # "day", "month" or "year"


def _as_partial_date(value):
    """A date, a (date, precision) pair, or text such as '1982', '1982-04' or '1982-04-24'."""
    from prisoners.values import parse_partial_date

    if value is None or value == "":
        return None
    if isinstance(value, _PartialDate):
        return value
    if isinstance(value, tuple | list) and len(value) == 2:
        return _PartialDate(value[0], str(value[1])) if value[0] else None
    if isinstance(value, date):
        return _PartialDate(value, "day")
    try:
        parsed, precision = parse_partial_date(value)
    except ValidationError:
        return None
    return _PartialDate(parsed, str(precision))


def birth_dates_agree(first, second) -> bool | None:
    """True when compatible (equal, one missing, or equal as far as the coarser precision says),
    False when they conflict. Arguments as `_as_partial_date` takes them."""
    first, second = _as_partial_date(first), _as_partial_date(second)
    if first is None or second is None:
        return True
    if first.value.year != second.value.year:
        return False
    coarser = {first.precision, second.precision}
    if "year" in coarser:
        return True
    if first.value.month != second.value.month:
        return False
    if "month" in coarser:
        return True
    return first.value.day == second.value.day


def _row_keys(full_name, aliases):
    whole, parts = set(), set()
    for name in [full_name, *aliases]:
        name_whole, name_parts = identity_keys(name or "")
        whole |= name_whole
        parts |= name_parts
    # A single word ("Kalesnikava") says too little to call two records one person.
    return {key for key in whole if " " in key}, parts


def match_existing_prisoners(rows):
    """`match_existing_prisoner` for a batch: `rows` are (full_name, birth_date, aliases) tuples.

    Two queries for the whole batch, so an import can match thousands of rows at once.
    """
    from django.db.models import Q

    from prisoners.models import NameKey, Prisoner

    rows = list(rows)
    keyed = [_row_keys(full_name, aliases or ()) for full_name, _birth_date, aliases in rows]
    all_whole = set().union(*(whole for whole, _parts in keyed)) if keyed else set()
    all_parts = set().union(*(parts for _whole, parts in keyed)) if keyed else set()
    if not all_whole:
        return [(None, False)] * len(rows)
    by_whole_key, by_part_key = defaultdict(set), defaultdict(set)
    matching = Q(key__in=all_whole) | Q(whole=True, key__in=all_parts)
    for key, whole, prisoner_id in NameKey.objects.filter(matching).values_list("key", "whole", "prisoner_id"):
        by_whole_key[key].add(prisoner_id)
        if whole:
            by_part_key[key].add(prisoner_id)
    candidates = []
    for whole, parts in keyed:
        ids = set()
        for key in whole:
            ids |= by_whole_key.get(key, set())
        for key in parts:
            ids |= by_part_key.get(key, set())
        candidates.append(sorted(ids))
    wanted = {pk for ids in candidates for pk in ids}
    recorded = {}
    if wanted:
        for pk, born, precision in Prisoner.objects.filter(pk__in=wanted).values_list(
            "pk", "birth_date", "birth_date_precision"
        ):
            recorded[pk] = (born, precision) if born else None
    results = []
    for (_full_name, birth_date, _aliases), ids in zip(rows, candidates, strict=True):
        ids = [pk for pk in ids if pk in recorded]
        if not ids:
            results.append((None, False))
            continue
        row_date = _as_partial_date(birth_date)
        compatible = [pk for pk in ids if birth_dates_agree(row_date, recorded[pk])]
        if len(compatible) == 1:
            results.append((compatible[0], False))
        elif compatible:
            results.append((compatible[0], True))
        else:
            results.append((ids[0], True))
    return results


def match_existing_prisoner(full_name, birth_date=None, aliases=()):
    """The person an import row without external_id is about, if already recorded.

    Returns `(prisoner_id, unsure)`:
    - `(id, False)`: one person has the same name key and a compatible birth date (equal, one of
      them missing, or the same year or month where a date is only that precise): attach the row.
    - `(id, True)`: a person has the same name key but the birth dates conflict, or several people
      match: `id` is the likeliest one; do not attach, create and flag the row for review.
    - `(None, False)`: nobody matches: create a new person.

    `birth_date` is a date (taken as exact), a `(date, precision)` pair such as
    `parse_partial_date` returns, or text ('1982', '1982-04', '1982-04-24').
    """
    return match_existing_prisoners([(full_name, birth_date, aliases)])[0]


def refresh_name_keys(prisoner_ids):
    """Recompute the stored keys (search text and identity keys) of these people.

    Two reads and four writes per call whatever the number of people (for up to 500 of them), so
    bulk imports call it once per batch. History is not written: keys are derived from the names, which have history.
    """
    from django.db import transaction

    from prisoners.models import NameKey, NameVariant, NameWord, Prisoner

    ids = sorted({int(pk) for pk in prisoner_ids if pk is not None})
    if not ids:
        return 0
    names = {}
    for pk, full_name, native_name in Prisoner.objects.filter(pk__in=ids).values_list("pk", "full_name", "native_name"):
        names[pk] = [full_name, native_name]
    for pk, name in NameVariant.objects.filter(prisoner_id__in=names).values_list("prisoner_id", "name"):
        names[pk].append(name)
    people, keys = [], []
    for pk, written in names.items():
        written = [name for name in written if name]
        people.append(Prisoner(pk=pk, name_keys=search_text(written)))
        seen = set()
        for name in written:
            whole, parts = identity_keys(name)
            for key, is_whole in [(key, True) for key in whole] + [(key, False) for key in parts]:
                if (key, is_whole) not in seen and len(key) <= 300:
                    seen.add((key, is_whole))
                    keys.append(NameKey(prisoner_id=pk, key=key, whole=is_whole))
    words = sorted({word for person in people for word in person.name_keys.split() if len(word) <= 100})
    with transaction.atomic():
        _store_search_texts(people)
        NameKey.objects.filter(prisoner_id__in=names).delete()
        NameKey.objects.bulk_create(keys, batch_size=2000)
        NameWord.objects.bulk_create((NameWord(word=word) for word in words), batch_size=2000, ignore_conflicts=True)
    return len(people)


def _store_search_texts(people):
    """Write each person's `name_keys`; one set-based UPDATE on PostgreSQL (bulk_update's CASE is quadratic)."""
    from django.db import connection

    from prisoners.models import Prisoner

    if connection.vendor != "postgresql":
        Prisoner.objects.bulk_update(people, ["name_keys"], batch_size=500)
        return
    table = Prisoner._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS p SET name_keys = v.keys"  # the table name comes from the model; values are bound
            " FROM unnest(%s::bigint[], %s::text[]) AS v(id, keys) WHERE p.id = v.id",
            [[person.pk for person in people], [person.name_keys for person in people]],
        )
