"""Names across scripts: fold any spelling of a person's name into comparable keys (pure: no database).

The same Belarusian name is printed Bialiatski, Byalyatski, Belyatsky, Białacki, Бяляцкі or
Беляцкий. Folding maps each spelling to a coarse phonetic key (lower-case ASCII) in which the
differences between romanisation systems (BGN/PCGN, ISO 9, the Belarusian national system,
Łacinka, Polish and German press spellings, passports) and between the Belarusian and Russian
forms of the same name disappear, so that equal people get equal or near-equal keys:

    fold_name_alternatives("Kalesnikava")[0] == fold_name_alternatives("Калеснікава")[0] == "kalesnikava"
    fold_name_alternatives("Kolesnikova")[0] == "kalesnikava"

Unidecode (already a dependency, actively maintained) turns Cyrillic (Belarusian і and ў
included) and every Latin diacritic into ASCII; the letters whose diacritic carries a sound
(č, š, ž, ż, ŭ...) are mapped first (prisoners/data/sounding_diacritics.json), so that "č"
becomes "ch" and not "c". The rest is a small, ordered set of rewrite rules below, each of which
names the spellings it makes equal. Reads of stored keys are in `prisoners.names.matching`,
writes in `prisoners.names.keys`.
"""

import functools
import itertools
import json
import re
import unicodedata
from pathlib import Path

from unidecode import unidecode

_DATA = Path(__file__).resolve().parent.parent / "data"


def _load(name):
    return json.loads((_DATA / name).read_text(encoding="utf-8"))


# Latin letters whose diacritic changes the sound: mapped before Unidecode strips the diacritic
# (ё is listed although Unidecode writes it "io" too, because ё/е is often dropped).
_SOUNDING_DIACRITICS = str.maketrans(_load("sounding_diacritics.json"))
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
    written = word
    for pattern, replacement in _RULES:
        if ch_as_kh and pattern is _CH:
            if not _CH_INSIDE.search(word):
                # No "ch" before the last letter (every -vich surname): the rules before this one are those
                # of the main reading and this one changes nothing, so the key is the main reading's (cached).
                return _fold_word(written)
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


# A folded patronymic: Aliaksandravich, Aleksandrovich, Аляксандраўна, Dzmitryevich, Iosifovich.
_PATRONYMIC = re.compile(r"^.{3,}(?:[aei]vich|[aei]vna)$")


# Common given names (Belarusian, Russian, Polish and English forms): in a search for two or more
# words, a person whose surname matches is a candidate even when the given name is written
# differently (Yuras/Yury, Andrzej/Andrei); words that are common given names are too common to
# find anyone alone.
COMMON_GIVEN_NAMES = _load("common_given_names.json")


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
    return _identity_keys_of(fold_name_alternatives(text))


def _identity_keys_of(keys):
    whole, parts = set(), set()
    for key in keys:
        words = sorted(set(key.split()))
        whole.add(" ".join(words))
        if 3 <= len(words) <= 4:
            parts.update(" ".join(pair) for pair in itertools.combinations(words, 2))
    return whole, parts


# The rules over many words at once: the words joined by line breaks, ^ and $ at each word's ends (MULTILINE), no
# negated class or `.` reaching over a line break, so each word folds exactly as `_fold_word` folds it alone.
_RULES_MANY = [(re.compile(pattern.pattern.replace("[^", "[^\n"), re.MULTILINE), repl) for pattern, repl in _RULES]
_CH_MANY = _RULES_MANY[[pattern for pattern, _repl in _RULES].index(_CH)][0]


def _fold_words(words, *, ch_as_kh=False):
    """`_fold_word` of each of `words` (lower-case ASCII letters), each rule run once over all of them."""
    text = "\n".join(words)
    for pattern, replacement in _RULES_MANY:
        if ch_as_kh and pattern is _CH_MANY:
            text = _CH_INSIDE.sub("h", text)  # `.` stops at a line break: a word's final "ch" is kept
        text = pattern.sub(replacement, text)
    return text.split("\n")


class WordFolder:
    """The folded readings of the words met so far (at most `max_words`; then it starts afresh)."""

    def __init__(self, max_words=200_000):
        self.max_words = max_words
        self.main = {}
        self.kh = {}  # the "ch as х" reading of the words with a "ch" before their last letter

    def learn(self, words):
        distinct = set(words)
        new = [word for word in distinct if word not in self.main]
        if not new:
            return
        if len(self.main) + len(new) > self.max_words:
            self.main.clear()
            self.kh.clear()
            new = list(distinct)
        self.main.update(zip(new, _fold_words(new), strict=True))
        inner = [word for word in new if _CH_INSIDE.search(word)]
        if inner:
            self.kh.update(zip(inner, _fold_words(inner, ch_as_kh=True), strict=True))


def identity_keys_many(texts, folder):
    """[identity_keys(text) for text in texts], each new word folded once for all of them (with `folder`)."""
    words_of = [_ascii_words(str(text or "")) for text in texts]
    folder.learn([word for words in words_of for word in words])
    main, kh = folder.main, folder.kh
    found = []
    for text, words in zip(texts, words_of, strict=True):
        if not words:
            found.append((set(), set()))
            continue
        keys = [" ".join([main[word] for word in words])]
        if "ch" in "".join(words) and not _CYRILLIC.search(str(text or "")):
            alternative = " ".join([kh[word] if word in kh else main[word] for word in words])
            if alternative not in keys:
                keys.append(alternative)
        found.append(_identity_keys_of(keys))
    return found


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
