"""Two records, one person: find likely duplicates by name key, and merge them.

`likely_duplicates` pairs people who share a name key (prisoners.names.folding.identity_keys): the same
name in any spelling or script, with or without a patronymic. `merge_prisoners` moves everything
the duplicate has to the survivor and deletes the duplicate; history keeps both records as they
were, each change tagged with the reason "merged". It moves releases too, so it sits above both apps.
"""

from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import combinations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from prisoners import services
from prisoners.models import NameKey, NameVariant, Prisoner, ReportedValue
from prisoners.names.matching import birth_dates_agree
from prisoners.visibility import most_restrictive
from releases import services as release_services
from tracker.history import acting_as


@dataclass(frozen=True)
class DuplicatePair:
    first: Prisoner
    second: Prisoner
    key: str
    birth_dates_agree: bool


def likely_duplicates(*, limit=200, queryset=None):
    """Pairs of people sharing a name key, at most `limit`, in three queries whatever the data."""
    queryset = Prisoner.objects.all() if queryset is None else queryset
    shared = (
        NameKey.objects.filter(prisoner__in=queryset)
        .values("key")
        .annotate(people=Count("prisoner_id", distinct=True), wholes=Count("pk", filter=Q(whole=True)))
        .filter(people__gt=1, wholes__gt=0)
        .order_by("key")
        .values_list("key", flat=True)[:limit]
    )
    rows = NameKey.objects.filter(key__in=list(shared), prisoner__in=queryset)
    rows = rows.values_list("key", "prisoner_id", "whole")
    by_key = defaultdict(list)
    for key, prisoner_id, whole in rows:
        by_key[key].append((prisoner_id, whole))
    found = {}
    for key, holders in sorted(by_key.items()):
        for (first, first_whole), (second, second_whole) in combinations(sorted(holders), 2):
            # Two names that only share a pair of words (different patronymics) are different people.
            if first != second and (first_whole or second_whole):
                found.setdefault((min(first, second), max(first, second)), key)
    pairs = sorted(found.items())[:limit]
    people = Prisoner.objects.in_bulk({pk for pair, _key in pairs for pk in pair})
    result = []
    for (first, second), key in pairs:
        a, b = people[first], people[second]
        agree = birth_dates_agree(
            (a.birth_date, a.birth_date_precision) if a.birth_date else None,
            (b.birth_date, b.birth_date_precision) if b.birth_date else None,
        )
        result.append(DuplicatePair(first=a, second=b, key=key, birth_dates_agree=agree))
    return result


def _merge_names(survivor, duplicate, reason):
    kept = set(survivor.name_variants.values_list("name", flat=True)) | {survivor.full_name, survivor.native_name}
    for variant in duplicate.name_variants.all():
        variant._change_reason = reason
        if variant.name in kept:
            services.delete_name_variant(name_variant=variant)
            continue
        services.update_name_variant(name_variant=variant, prisoner=survivor)
        kept.add(variant.name)
    for name, kind in ((duplicate.full_name, NameVariant.Kind.TRANSLITERATION), (duplicate.native_name, "")):
        if name and name not in kept:
            services.add_name_variant(prisoner=survivor, name=name, kind=kind or NameVariant.Kind.NATIVE)
            kept.add(name)


def _merged_fields(survivor, duplicate):
    """What the survivor takes from the duplicate: only what it lacks, never overwriting what it has."""
    changes = {}
    for field in ("native_name", "biography", "country"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            changes[field] = getattr(duplicate, field)
    if survivor.gender == "unknown" and duplicate.gender != "unknown":
        changes["gender"] = duplicate.gender
    precision_rank = {"day": 3, "month": 2, "year": 1}
    if duplicate.birth_date and (
        not survivor.birth_date
        or precision_rank[duplicate.birth_date_precision] > precision_rank[survivor.birth_date_precision]
        and birth_dates_agree(
            (survivor.birth_date, survivor.birth_date_precision),
            (duplicate.birth_date, duplicate.birth_date_precision),
        )
    ):
        changes["birth_date"], changes["birth_date_precision"] = duplicate.birth_date, duplicate.birth_date_precision
    codes = [country.code for country in survivor.citizenship]
    for country in duplicate.citizenship:
        if country.code not in codes:
            codes.append(country.code)
    changes["citizenship"] = codes
    if duplicate.notes:
        note = _("From merged record #%(id)s (%(name)s): %(notes)s") % {
            "id": duplicate.pk,
            "name": duplicate.full_name,
            "notes": duplicate.notes,
        }
        changes["notes"] = f"{survivor.notes}\n\n{note}".strip()
    changes["visibility"] = most_restrictive(survivor.visibility, duplicate.visibility)
    return changes


def _merge_releases(survivor, duplicate, reason):
    """Move releases; where both records were freed in the same event, keep one, with both's sources."""
    kept_by_event = {release.event_id: release for release in survivor.releases.exclude(event=None)}
    for release in duplicate.releases.all():
        release._change_reason = reason
        twin = kept_by_event.get(release.event_id)
        if twin is not None:
            twin._change_reason = reason
            release_services.update_release(release=twin, sources={*twin.sources.all(), *release.sources.all()})
            release_services.delete_release(release=release)
            continue
        release_services.update_release(release=release, prisoner=survivor)


def _merge_reported_values(survivor, duplicate, reason):
    content_type = ContentType.objects.get_for_model(Prisoner)
    for value in ReportedValue.objects.filter(content_type=content_type, object_id=duplicate.pk):
        value._change_reason = reason
        already = ReportedValue.objects.filter(
            content_type=content_type, object_id=survivor.pk, field=value.field, value=value.value, source=value.source
        ).exists()
        if already:
            services.delete_reported_value(reported_value=value)
        else:
            services.update_reported_value(reported_value=value, record=survivor)


@transaction.atomic
def merge_prisoners(*, actor=None, survivor, duplicate) -> Prisoner:
    """Merge `duplicate` into `survivor`: names, detentions, releases, sources, external ids and
    reported values move over, blank fields are filled, and the duplicate is deleted.

    Every write goes through the services. The merged record keeps the most restrictive visibility
    of the two. History keeps the duplicate's last state (its deletion is recorded with the reason)
    and every moved row's.
    """
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    with acting_as(actor) if actor is not None else nullcontext():
        locked = Prisoner.objects.select_for_update().in_bulk([survivor.pk, duplicate.pk])
        if len(locked) != 2:
            raise ValidationError(_("One of the records to merge no longer exists."))
        survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
        reason = _("merged #%(duplicate)s into #%(survivor)s") % {"duplicate": duplicate.pk, "survivor": survivor.pk}

        _merge_names(survivor, duplicate, reason)
        for detention in duplicate.detentions.all():
            detention._change_reason = reason
            services.update_detention(detention=detention, prisoner=survivor)
        _merge_releases(survivor, duplicate, reason)
        for external_id in duplicate.external_ids.all():
            external_id._change_reason = reason
            services.update_external_id(row=external_id, prisoner=survivor)
        _merge_reported_values(survivor, duplicate, reason)

        survivor.refresh_from_db()
        survivor._change_reason = reason
        sources = {*survivor.sources.all(), *duplicate.sources.all()}
        # Never more visible than either record was: the visibility rule allows it for anyone.
        services.update_prisoner(prisoner=survivor, sources=sources, **_merged_fields(survivor, duplicate))
        duplicate._change_reason = reason
        services.delete_prisoner(prisoner=duplicate)
        return survivor
