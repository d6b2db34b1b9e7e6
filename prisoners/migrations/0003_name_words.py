"""The vocabulary of folded name words (NameWord) and, on PostgreSQL, the two indexes that make
name search fast at a million people: a GIN trigram index on the vocabulary and a GIN index on
the words of Prisoner.name_keys (string_to_array), replacing 0002's trigram index on the whole
keys. No-ops on SQLite.
"""

from django.db import migrations, models

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
    from prisoners.names import search_text

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
