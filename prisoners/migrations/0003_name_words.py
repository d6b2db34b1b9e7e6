"""The vocabulary of folded name words (NameWord) and, on PostgreSQL, the two indexes that make
name search fast at a million people: a GIN trigram index on the vocabulary and a GIN index on
the words of Prisoner.name_keys (string_to_array), replacing 0002's trigram index on the whole
keys. No-ops on SQLite.
"""

import functools
import re
import unicodedata

from django.db import migrations, models
from unidecode import unidecode

# Name folding frozen as it was when this migration was written (copied from the live code, not
# imported), so that a later change to prisoners.names can never change what this migration did.

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


# A folded patronymic: Aliaksandravich, Aleksandrovich, Аляксандраўна, Dzmitryevich, Iosifovich.
_PATRONYMIC = re.compile(r"^.{3,}(?:[aei]vich|[aei]vna)$")

# Common given names (Belarusian, Russian, Polish and English forms).
COMMON_GIVEN_NAMES = [
    "Aleh", "Aleksander", "Aleksandr", "Aleksandra", "Aleksei", "Alena", "Ales", "Alesia",
    "Alexander", "Aliaksandr", "Aliaksandra", "Aliaksei", "Anastasiya", "Anatol", "Anatoly",
    "Andrei", "Andrzej", "Anna", "Anton", "Artsiom", "Artyom", "Barys", "Boris", "Darya", "Denis",
    "Dmitriy", "Dmitry", "Dzianis", "Dzmitry", "Elena", "Galina", "Gennady", "Grigory", "Halina",
    "Hanna", "Henryk", "Hienadz", "Igor", "Ihar", "Illia", "Ilya", "Irina", "Iryna", "Ivan",
    "Kanstantsin", "Katsia", "Katsiaryna", "Kirill", "Kiryl", "Konstantin", "Kseniya", "Larisa",
    "Larysa", "Leanid", "Leonid", "Liudmila", "Lyudmila", "Maksim", "Maria", "Marina", "Mariya",
    "Maryia", "Maryna", "Masha", "Mikalai", "Mikhail", "Mikita", "Mikola", "Nasta", "Natalia",
    "Natallia", "Natalya", "Nikita", "Nikolai", "Nikolay", "Nina", "Oleg", "Olesya", "Olga",
    "Palina", "Pavel", "Piotr", "Polina", "Pyotr", "Raman", "Roman", "Ruslan", "Ryhor", "Sergei",
    "Sergej", "Sergey", "Siarhei", "Stanislau", "Stanislav", "Svetlana", "Sviatlana", "Swetlana",
    "Tatiana", "Tatsiana", "Tatyana", "Timur", "Tsimur", "Uladzimir", "Uladzislau", "Vadim",
    "Vadzim", "Valentin", "Valentina", "Valery", "Valiantsin", "Valiantsina", "Vasil", "Vasily",
    "Veranika", "Veronika", "Viktar", "Viktor", "Viktoriya", "Viktoryia", "Vital", "Vitaly",
    "Vladimir", "Vladislav", "Volha", "Yahor", "Yanka", "Yauhen", "Yauheniya", "Yegor",
    "Yekaterina", "Yelena", "Yevgeniya", "Yevgeny", "Yuliya", "Yuras", "Yury", "Zmitser",
]


@functools.lru_cache(maxsize=1)
def _given_name_keys() -> frozenset[str]:
    return frozenset(key for name in COMMON_GIVEN_NAMES for key in fold_name_alternatives(name))


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


WORD_INDEX = "name_word_trgm"
WORDS_OF_PERSON_INDEX = "prisoner_name_words_gin"
OLD_KEYS_INDEX = "prisoner_name_keys_trgm"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {WORD_INDEX} ON prisoners_nameword USING gin (word gin_trgm_ops)"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {WORDS_OF_PERSON_INDEX} ON prisoners_prisoner "
        "USING gin (string_to_array(name_keys, ' '))"
    )
    # Search no longer scans the whole keys by trigram (too slow at a million people): drop that index.
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_KEYS_INDEX}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_KEYS_INDEX} ON prisoners_prisoner USING gin (name_keys gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {WORDS_OF_PERSON_INDEX}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {WORD_INDEX}")


def fill_name_words(apps, schema_editor):
    """Search texts in the current form (distinct words) and their vocabulary, for stored people."""
    Prisoner = apps.get_model("prisoners", "Prisoner")
    NameVariant = apps.get_model("prisoners", "NameVariant")
    NameWord = apps.get_model("prisoners", "NameWord")
    variants = {}
    for prisoner_id, name in NameVariant.objects.values_list("prisoner_id", "name").iterator():
        variants.setdefault(prisoner_id, []).append(name)
    people, words = [], set()
    for pk, full_name, native_name in Prisoner.objects.values_list("pk", "full_name", "native_name").iterator():
        text = search_text([name for name in [full_name, native_name, *variants.get(pk, [])] if name])
        people.append(Prisoner(pk=pk, name_keys=text))
        words.update(word for word in text.split() if len(word) <= 100)
    Prisoner.objects.bulk_update(people, ["name_keys"], batch_size=1000)
    NameWord.objects.bulk_create(
        (NameWord(word=word) for word in sorted(words)), batch_size=5000, ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("prisoners", "0002_name_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="NameWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=100, unique=True, verbose_name="word")),
            ],
            options={
                "ordering": ["word"],
            },
        ),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
        migrations.RunPython(fill_name_words, migrations.RunPython.noop),
    ]
