"""Store the derived name keys of people: the search text (`Prisoner.name_keys`), the identity keys
(NameKey rows) and the vocabulary of folded words (NameWord). The service layer calls
`refresh_name_keys` after every write to a name; bulk writers (imports) call it for their batch.
"""

from django.db import connection, transaction

from prisoners.models import NameKey, NameVariant, NameWord, Prisoner
from prisoners.names.folding import identity_keys, search_text


def refresh_name_keys(prisoner_ids):
    """Recompute the stored keys (search text and identity keys) of these people.

    Two reads and four writes per call whatever the number of people (for up to 500 of them), so
    bulk imports call it once per batch. History is not written: keys are derived from the names, which have history.
    """
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
        text, pairs = person_keys(written)
        people.append(Prisoner(pk=pk, name_keys=text))
        keys.extend(NameKey(prisoner_id=pk, key=key, whole=is_whole) for key, is_whole in pairs)
    words = sorted({word for person in people for word in person.name_keys.split() if len(word) <= 100})
    with transaction.atomic():
        _store_search_texts(people)
        NameKey.objects.filter(prisoner_id__in=names).delete()
        NameKey.objects.bulk_create(keys, batch_size=2000)
        NameWord.objects.bulk_create((NameWord(word=word) for word in words), batch_size=2000, ignore_conflicts=True)
    return len(people)


def person_keys(names):
    """(search text, [(identity key, whole), ...]) of one person's names (display, native, variants)."""
    written = [name for name in names if name]
    seen = {}
    for name in written:
        whole, parts = identity_keys(name)
        for key, is_whole in [(key, True) for key in whole] + [(key, False) for key in parts]:
            if len(key) <= 300:
                seen.setdefault((key, is_whole), None)
    return search_text(written), list(seen)


def _store_search_texts(people):
    """Write each person's `name_keys`; one set-based UPDATE on PostgreSQL (bulk_update's CASE is quadratic)."""
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
