"""Stored, indexed name keys (prisoners.names): the search text on Prisoner and the NameKey rows.

On PostgreSQL the pg_trgm extension and a GIN trigram index on the search text; on SQLite those
two steps do nothing (search there uses a Python similarity function, see prisoners.search).
"""

import django.db.models.deletion
from django.db import migrations, models

TRIGRAM_INDEX = "prisoner_name_keys_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON prisoners_prisoner USING gin (name_keys gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def fill_name_keys(apps, schema_editor):
    """Keys for the people already stored, computed as the service layer computes them."""
    from prisoners.names import identity_keys, search_text

    Prisoner = apps.get_model("prisoners", "Prisoner")
    NameVariant = apps.get_model("prisoners", "NameVariant")
    NameKey = apps.get_model("prisoners", "NameKey")
    variants = {}
    for prisoner_id, name in NameVariant.objects.values_list("prisoner_id", "name").iterator():
        variants.setdefault(prisoner_id, []).append(name)
    people, keys = [], []
    for pk, full_name, native_name in Prisoner.objects.values_list("pk", "full_name", "native_name").iterator():
        names = [name for name in [full_name, native_name, *variants.get(pk, [])] if name]
        people.append(Prisoner(pk=pk, name_keys=search_text(names)))
        seen = set()
        for name in names:
            whole, parts = identity_keys(name)
            for key, is_whole in [(k, True) for k in whole] + [(k, False) for k in parts]:
                if (key, is_whole) not in seen and len(key) <= 300:
                    seen.add((key, is_whole))
                    keys.append(NameKey(prisoner_id=pk, key=key, whole=is_whole))
    Prisoner.objects.bulk_update(people, ["name_keys"], batch_size=1000)
    NameKey.objects.bulk_create(keys, batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ('prisoners', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='prisoner',
            name='name_keys',
            field=models.TextField(blank=True, default='', editable=False, help_text='Folded keys of every name of the person, for search (prisoners.names; derived, not typed).', verbose_name='name keys'),
        ),
        migrations.CreateModel(
            name='NameKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=300, verbose_name='key')),
                ('whole', models.BooleanField(default=True, verbose_name='whole name')),
                ('prisoner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='name_key_rows', to='prisoners.prisoner')),
            ],
            options={
                'ordering': ['key', 'prisoner'],
                'indexes': [models.Index(fields=['key', 'whole'], name='prisoners_n_key_ba0aa2_idx')],
            },
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
    ]
