"""Match an incoming record (an import row) to a person already recorded, by stored name keys
(NameKey rows, written by `prisoners.names.keys`) and birth dates. Reads only.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q

from prisoners.models import NameKey, Prisoner
from prisoners.names.folding import identity_keys
from tracker.values import parse_partial_date


@dataclass(frozen=True)
class _PartialDate:
    value: date
    precision: str  # "day", "month" or "year"


def _as_partial_date(value):
    """A date, a (date, precision) pair, or text such as '1982', '1982-04' or '1982-04-24'."""
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


def row_match_keys(full_name, aliases):
    """(whole keys, part keys) a row without an external id is matched by: its whole keys meet any stored key,
    its part keys meet stored whole keys (`match_existing_prisoners`)."""
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
    rows = list(rows)
    keyed = [row_match_keys(full_name, aliases or ()) for full_name, _birth_date, aliases in rows]
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
