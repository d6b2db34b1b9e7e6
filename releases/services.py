"""Writes to release events, releases, destinations, deals and reported totals, with the rules they carry.

Every door (admin, API, commands, tasks) calls these. Each function is keyword-only, validates
(`full_clean`) before it writes, runs in one transaction, refreshes the status of every person whose
timeline it moves, and records history attributed to `actor`. Bad input raises ValidationError.
"""

from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from prisoners.services import assign, check_fields, refresh_status, refresh_statuses
from prisoners.values import parse_country
from releases.models import (
    DealClaim,
    Destination,
    EventDestination,
    Release,
    ReleaseEvent,
    ReliefMeasure,
    ReportedTotal,
    SanctionsDeal,
)
from tracker.history import acting_as


def _as(actor):
    return acting_as(actor) if actor is not None else nullcontext()


def destination_for(country) -> Destination:
    """The Destination for a country code or English name, created on first use."""
    if isinstance(country, Destination):
        return country
    try:
        code = parse_country(country)
    except ValidationError as error:
        raise ValidationError({"destination": error.messages}) from None
    destination, _created = Destination.objects.get_or_create(country=code)
    return destination


def unique_slug(model, text, *, exclude_pk=None, max_length=200):
    """A slug for `text` that no other row of `model` has yet."""
    base = slugify(text)[: max_length - 8] or "record"
    slug, n = base, 2
    taken = model.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def event_slug(title, date, *, exclude_pk=None):
    return unique_slug(ReleaseEvent, f"{date} {title}", exclude_pk=exclude_pk)


def deal_slug(title, *, exclude_pk=None):
    return unique_slug(SanctionsDeal, title, exclude_pk=exclude_pk)


def _set_sources(obj, sources, *, replace):
    if replace:
        if sources is not None:
            obj.sources.set(sources)
    elif sources:
        obj.sources.add(*sources)


# Release events ----------------------------------------------------------------------------


@transaction.atomic
def create_release_event(
    *, actor=None, title, date, slug=None, destination_counts=None, sources=(), **fields
) -> ReleaseEvent:
    """Create an event; a blank `slug` is made from the date and title; `destination_counts` maps
    a country (code or name) to its reported count."""
    with _as(actor):
        event = assign(ReleaseEvent(title=title, date=date), fields)
        event.slug = slug or (event_slug(title, date) if title and date else "")
        event.full_clean()
        event.save()
        for country, count in (destination_counts or {}).items():
            set_event_destination_count(event=event, country=country, reported_count=count)
        _set_sources(event, sources, replace=False)
        return event


@transaction.atomic
def update_release_event(*, actor=None, event, destination_counts=None, sources=None, **fields) -> ReleaseEvent:
    """Change an event; `destination_counts` (country -> count), when given, replaces the breakdown.

    A blank slug is made again from the title; a changed date refreshes the status of everyone freed in it.
    """
    with _as(actor):
        before = ReleaseEvent.objects.filter(pk=event.pk).values_list("date", flat=True).first()
        assign(event, fields)
        if not event.slug and event.title and event.date:
            event.slug = event_slug(event.title, event.date, exclude_pk=event.pk)
        event.full_clean()
        event.save()
        if destination_counts is not None:
            kept = [destination_for(country).pk for country in destination_counts]
            for row in event.destination_counts.exclude(destination_id__in=kept):
                row.delete()
            for country, count in destination_counts.items():
                set_event_destination_count(event=event, country=country, reported_count=count)
        _set_sources(event, sources, replace=True)
        if before is not None and before != event.date:
            refresh_statuses(Release.objects.filter(event=event).values_list("prisoner_id", flat=True))
        return event


@transaction.atomic
def delete_release_event(*, actor=None, event) -> None:
    """Delete an event; refused (ProtectedError) while releases still point to it."""
    with _as(actor):
        event.delete()


@transaction.atomic
def set_event_destination_count(*, actor=None, event, country, reported_count, sources=()) -> EventDestination:
    """Set the reported number an event took to one country (the row is created when missing)."""
    with _as(actor):
        destination = destination_for(country)
        row = EventDestination.objects.filter(event=event, destination=destination).first()
        if row is None:
            row = EventDestination(event=event, destination=destination, reported_count=reported_count)
            changed = True
        else:
            changed = row.reported_count != reported_count
            row.reported_count = reported_count
        if changed:
            row.full_clean()
            row.save()
        _set_sources(row, sources, replace=False)
        return row


@transaction.atomic
def update_event_destination(*, actor=None, event_destination, sources=None, **fields) -> EventDestination:
    with _as(actor):
        if fields.get("destination") is not None:
            fields["destination"] = destination_for(fields["destination"])
        assign(event_destination, fields)
        event_destination.full_clean()
        event_destination.save()
        _set_sources(event_destination, sources, replace=True)
        return event_destination


@transaction.atomic
def delete_event_destination(*, actor=None, event_destination) -> None:
    with _as(actor):
        event_destination.delete()


# Releases ----------------------------------------------------------------------------------


@transaction.atomic
def record_release(*, actor=None, prisoner, event=None, date=None, destination=None, sources=(), **fields) -> Release:
    """Record one person freed (or returned to custody), and refresh their status."""
    with _as(actor):
        if destination is not None:
            destination = destination_for(destination)
        release = assign(Release(prisoner=prisoner, event=event, date=date, destination=destination), fields)
        release.full_clean()
        release.save()
        _set_sources(release, sources, replace=False)
        refresh_status(prisoner)
        return release


@transaction.atomic
def update_release(*, actor=None, release, sources=None, **fields) -> Release:
    """Change a release; the person's status follows (both people's, if it moves to another person)."""
    with _as(actor):
        before = Release.objects.filter(pk=release.pk).values_list("prisoner_id", flat=True).first()
        if fields.get("destination") is not None:
            fields["destination"] = destination_for(fields["destination"])
        assign(release, fields)
        release.full_clean()
        release.save()
        _set_sources(release, sources, replace=True)
        refresh_status(release.prisoner)
        if before not in (None, release.prisoner_id):
            refresh_statuses([before])
        return release


@transaction.atomic
def delete_release(*, actor=None, release) -> None:
    with _as(actor):
        prisoner = release.prisoner
        release.delete()
        refresh_status(prisoner)


# Deals -------------------------------------------------------------------------------------


@transaction.atomic
def create_deal(*, actor=None, title, slug=None, sources=(), **fields) -> SanctionsDeal:
    """Create a deal; a blank `slug` is made from the title."""
    with _as(actor):
        deal = assign(SanctionsDeal(title=title), fields)
        deal.slug = slug or (deal_slug(title) if title else "")
        deal.full_clean()
        deal.save()
        _set_sources(deal, sources, replace=False)
        return deal


@transaction.atomic
def update_deal(*, actor=None, deal, sources=None, **fields) -> SanctionsDeal:
    with _as(actor):
        assign(deal, fields)
        if not deal.slug and deal.title:
            deal.slug = deal_slug(deal.title, exclude_pk=deal.pk)
        deal.full_clean()
        deal.save()
        _set_sources(deal, sources, replace=True)
        return deal


@transaction.atomic
def delete_deal(*, actor=None, deal) -> None:
    """Delete a deal; its events stay, without a deal."""
    with _as(actor):
        deal.delete()


def _create_part(model, *, actor, deal, sources, fields):
    with _as(actor):
        row = assign(model(deal=deal), fields)
        row.full_clean()
        row.save()
        _set_sources(row, sources, replace=False)
        return row


def _update_part(row, *, actor, sources, fields):
    with _as(actor):
        assign(row, fields)
        row.full_clean()
        row.save()
        _set_sources(row, sources, replace=True)
        return row


def _set_parts(model, *, actor, deal, items, create, update, key, required):
    """Make the deal's rows of `model` equal `items`: an "id" updates that row, none creates, the rest go."""
    with _as(actor):
        stored = {row.pk: row for row in model.objects.filter(deal=deal)}
        listed = set()
        for item in items:
            if item.get("id") is not None:
                if item["id"] not in stored:
                    raise ValidationError({"id": _("No such row on this deal: %(id)s.") % {"id": item["id"]}})
                listed.add(item["id"])
        for pk, row in stored.items():
            if pk not in listed:
                row.delete()
        result = []
        for item in items:
            fields = {name: value for name, value in item.items() if name != "id"}
            check_fields(model, set(fields) - {"sources", "deal"})
            fields.pop("deal", None)
            if item.get("id") is not None:
                result.append(update(**{key: stored[item["id"]]}, **fields))
            else:
                # A missing required field is the model's "This field cannot be blank", not a TypeError.
                result.append(create(deal=deal, **{**dict.fromkeys(required, ""), **fields}))
        return result


@transaction.atomic
def create_relief_measure(*, actor=None, deal, measure, sources=(), **fields) -> ReliefMeasure:
    return _create_part(ReliefMeasure, actor=actor, deal=deal, sources=sources, fields={"measure": measure, **fields})


@transaction.atomic
def update_relief_measure(*, actor=None, relief_measure, sources=None, **fields) -> ReliefMeasure:
    return _update_part(relief_measure, actor=actor, sources=sources, fields=fields)


@transaction.atomic
def delete_relief_measure(*, actor=None, relief_measure) -> None:
    with _as(actor):
        relief_measure.delete()


@transaction.atomic
def set_relief_measures(*, actor=None, deal, measures) -> list[ReliefMeasure]:
    """Make the deal's relief measures equal `measures` (dicts of fields, optional "id" and "sources")."""
    return _set_parts(
        ReliefMeasure,
        actor=actor,
        deal=deal,
        items=measures,
        create=create_relief_measure,
        update=update_relief_measure,
        key="relief_measure",
        required=("measure",),
    )


@transaction.atomic
def create_deal_claim(*, actor=None, deal, claim, claimant, sources=(), **fields) -> DealClaim:
    return _create_part(
        DealClaim, actor=actor, deal=deal, sources=sources, fields={"claim": claim, "claimant": claimant, **fields}
    )


@transaction.atomic
def update_deal_claim(*, actor=None, deal_claim, sources=None, **fields) -> DealClaim:
    return _update_part(deal_claim, actor=actor, sources=sources, fields=fields)


@transaction.atomic
def delete_deal_claim(*, actor=None, deal_claim) -> None:
    with _as(actor):
        deal_claim.delete()


@transaction.atomic
def set_deal_claims(*, actor=None, deal, claims) -> list[DealClaim]:
    """Make the deal's claims equal `claims` (dicts of fields, optional "id" and "sources")."""
    return _set_parts(
        DealClaim,
        actor=actor,
        deal=deal,
        items=claims,
        create=create_deal_claim,
        update=update_deal_claim,
        key="deal_claim",
        required=("claim", "claimant"),
    )


# Destinations ------------------------------------------------------------------------------


@transaction.atomic
def create_destination(*, actor=None, country, sources=(), **fields) -> Destination:
    """A destination for a country code or English name; refused if it already exists."""
    with _as(actor):
        try:
            code = parse_country(country)
        except ValidationError as error:
            raise ValidationError({"country": error.messages}) from None
        destination = assign(Destination(country=code), fields)
        destination.full_clean()
        destination.save()
        _set_sources(destination, sources, replace=False)
        return destination


@transaction.atomic
def update_destination(*, actor=None, destination, sources=None, **fields) -> Destination:
    with _as(actor):
        assign(destination, fields)
        destination.full_clean()
        destination.save()
        _set_sources(destination, sources, replace=True)
        return destination


@transaction.atomic
def delete_destination(*, actor=None, destination) -> None:
    """Delete a destination; refused (ProtectedError) while releases or breakdowns use it."""
    with _as(actor):
        destination.delete()


# Reported totals ---------------------------------------------------------------------------


@transaction.atomic
def create_reported_total(*, actor=None, sources=(), **fields) -> ReportedTotal:
    with _as(actor):
        total = assign(ReportedTotal(), fields)
        total.full_clean()
        total.save()
        _set_sources(total, sources, replace=False)
        return total


@transaction.atomic
def update_reported_total(*, actor=None, reported_total, sources=None, **fields) -> ReportedTotal:
    with _as(actor):
        assign(reported_total, fields)
        reported_total.full_clean()
        reported_total.save()
        _set_sources(reported_total, sources, replace=True)
        return reported_total


@transaction.atomic
def delete_reported_total(*, actor=None, reported_total) -> None:
    with _as(actor):
        reported_total.delete()
