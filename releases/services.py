"""Writes to release events, releases, destinations and deals, with the rules they carry."""

from contextlib import nullcontext

from django.db import transaction
from django.utils.text import slugify

from prisoners.services import refresh_status
from prisoners.values import parse_country
from releases.models import Destination, EventDestination, Release, ReleaseEvent, SanctionsDeal
from tracker.history import acting_as


def _as(actor):
    return acting_as(actor) if actor is not None else nullcontext()


def destination_for(country) -> Destination:
    """The Destination for a country code or English name, created on first use."""
    code = parse_country(country)
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


@transaction.atomic
def create_release_event(
    *, actor=None, title, date, slug=None, destination_counts=None, sources=(), **fields
) -> ReleaseEvent:
    """Create an event; `destination_counts` maps a country (code or name) to its reported count."""
    with _as(actor):
        event = ReleaseEvent(
            title=title, date=date, slug=slug or unique_slug(ReleaseEvent, f"{date} {title}"), **fields
        )
        event.full_clean()
        event.save()
        for country, count in (destination_counts or {}).items():
            set_event_destination_count(event=event, country=country, reported_count=count)
        if sources:
            event.sources.add(*sources)
        return event


def set_event_destination_count(*, event, country, reported_count, sources=()) -> EventDestination:
    row, _created = EventDestination.objects.update_or_create(
        event=event, destination=destination_for(country), defaults={"reported_count": reported_count}
    )
    row.full_clean()
    if sources:
        row.sources.add(*sources)
    return row


@transaction.atomic
def record_release(*, actor=None, prisoner, event=None, date=None, destination=None, sources=(), **fields) -> Release:
    """Record one person freed (or returned to custody), and refresh their status."""
    with _as(actor):
        if destination is not None and not isinstance(destination, Destination):
            destination = destination_for(destination)
        release = Release(prisoner=prisoner, event=event, date=date, destination=destination, **fields)
        release.full_clean()
        release.save()
        if sources:
            release.sources.add(*sources)
        refresh_status(prisoner)
        return release


@transaction.atomic
def update_release(*, actor=None, release, sources=None, **fields) -> Release:
    with _as(actor):
        if "destination" in fields and fields["destination"] is not None:
            if not isinstance(fields["destination"], Destination):
                fields["destination"] = destination_for(fields["destination"])
        for name, value in fields.items():
            setattr(release, name, value)
        release.full_clean()
        release.save()
        if sources is not None:
            release.sources.set(sources)
        refresh_status(release.prisoner)
        return release


@transaction.atomic
def delete_release(*, actor=None, release) -> None:
    with _as(actor):
        prisoner = release.prisoner
        release.delete()
        refresh_status(prisoner)


@transaction.atomic
def create_deal(*, actor=None, title, slug=None, sources=(), **fields) -> SanctionsDeal:
    with _as(actor):
        deal = SanctionsDeal(title=title, slug=slug or unique_slug(SanctionsDeal, title), **fields)
        deal.full_clean()
        deal.save()
        if sources:
            deal.sources.add(*sources)
        return deal


@transaction.atomic
def update_release_event(*, actor=None, event, destination_counts=None, sources=None, **fields) -> ReleaseEvent:
    """Change an event; `destination_counts` (country -> count), when given, replaces the breakdown."""
    with _as(actor):
        for name, value in fields.items():
            setattr(event, name, value)
        event.full_clean()
        event.save()
        if destination_counts is not None:
            kept = [destination_for(country).pk for country in destination_counts]
            event.destination_counts.exclude(destination_id__in=kept).delete()
            for country, count in destination_counts.items():
                set_event_destination_count(event=event, country=country, reported_count=count)
        if sources is not None:
            event.sources.set(sources)
        return event


@transaction.atomic
def delete_release_event(*, actor=None, event) -> None:
    """Delete an event; refused (ProtectedError) while releases still point to it."""
    with _as(actor):
        event.delete()


@transaction.atomic
def update_deal(*, actor=None, deal, sources=None, **fields) -> SanctionsDeal:
    with _as(actor):
        for name, value in fields.items():
            setattr(deal, name, value)
        deal.full_clean()
        deal.save()
        if sources is not None:
            deal.sources.set(sources)
        return deal


@transaction.atomic
def delete_deal(*, actor=None, deal) -> None:
    """Delete a deal; its events stay, without a deal."""
    with _as(actor):
        deal.delete()


@transaction.atomic
def update_destination(*, actor=None, destination, sources=None, **fields) -> Destination:
    with _as(actor):
        for name, value in fields.items():
            setattr(destination, name, value)
        destination.full_clean()
        destination.save()
        if sources is not None:
            destination.sources.set(sources)
        return destination


@transaction.atomic
def delete_destination(*, actor=None, destination) -> None:
    """Delete a destination; refused (ProtectedError) while releases or breakdowns use it."""
    with _as(actor):
        destination.delete()


@transaction.atomic
def create_destination(*, actor=None, country, sources=(), **fields) -> Destination:
    """A destination for a country code or English name; refused if it already exists."""
    with _as(actor):
        destination = Destination(country=parse_country(country), **fields)
        destination.full_clean()
        destination.save()
        if sources:
            destination.sources.add(*sources)
        return destination
