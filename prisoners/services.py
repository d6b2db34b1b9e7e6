"""Writes to people and their detentions. Every door (admin, API, commands, tasks) calls these.

Each function validates, writes and refreshes the derived status in one transaction; history
is written by django-simple-history in the same transaction, attributed to `actor`.
"""

from contextlib import nullcontext

from django.db import transaction

from prisoners.models import Detention, NameVariant, Prisoner, Source
from prisoners.names.keys import refresh_name_keys
from prisoners.timeline import KEPT_WHILE_HELD, DetentionSpan, ReleaseStep, derive_status
from tracker.history import acting_as


def _as(actor):
    return acting_as(actor) if actor is not None else nullcontext()


def timeline_of(prisoner):
    """The person's stored timeline as plain values for `prisoners.timeline`."""
    spans = [
        DetentionSpan(detained_on=d.detained_on, ended_on=d.ended_on, sentenced=d.is_sentenced)
        for d in prisoner.detentions.all()
    ]
    steps = [
        ReleaseStep(on=r.date or (r.event.date if r.event_id else None), outcome=r.outcome)
        for r in prisoner.releases.select_related("event")
    ]
    return spans, steps


def refresh_status(prisoner, *, declared=None):
    """Derive the status from the timeline and store it if it changed; returns the status.

    A stored status the timeline cannot tell (died in custody) is kept while the timeline allows.
    """
    spans, steps = timeline_of(prisoner)
    if declared is None and (prisoner.status in KEPT_WHILE_HELD or not (spans or steps)):
        declared = prisoner.status
    status = derive_status(spans, steps, declared)
    if status != prisoner.status:
        prisoner.status = status
        prisoner.save(update_fields=["status", "updated_at"])
    return status


@transaction.atomic
def create_prisoner(*, actor=None, full_name, status=None, name_variants=(), sources=(), **fields) -> Prisoner:
    """Create a person; only `full_name` is required. `status` is a declaration checked later."""
    with _as(actor):
        prisoner = Prisoner(full_name=full_name, **fields)
        if status:
            prisoner.status = status
        prisoner.full_clean()
        prisoner.save()
        for name in name_variants:
            add_name_variant(prisoner=prisoner, name=name, refresh_keys=False)
        refresh_name_keys([prisoner.pk])
        if sources:
            prisoner.sources.add(*sources)
        return prisoner


@transaction.atomic
def update_prisoner(*, actor=None, prisoner, status=None, sources=None, **fields) -> Prisoner:
    with _as(actor):
        for name, value in fields.items():
            setattr(prisoner, name, value)
        prisoner.full_clean()
        prisoner.save()
        if {"full_name", "native_name"} & fields.keys():
            refresh_name_keys([prisoner.pk])
        if sources is not None:
            prisoner.sources.set(sources)
        refresh_status(prisoner, declared=status)
        return prisoner


@transaction.atomic
def delete_prisoner(*, actor=None, prisoner) -> None:
    with _as(actor):
        prisoner.delete()


def add_name_variant(*, prisoner, name, refresh_keys=True, **fields) -> NameVariant:
    variant, created = NameVariant.objects.get_or_create(prisoner=prisoner, name=name.strip(), defaults=fields)
    if created and refresh_keys:
        refresh_name_keys([prisoner.pk])
    return variant


@transaction.atomic
def add_detention(*, actor=None, prisoner, sources=(), declared_status=None, **fields) -> Detention:
    with _as(actor):
        detention = Detention(prisoner=prisoner, **fields)
        detention.full_clean()
        detention.save()
        if sources:
            detention.sources.add(*sources)
        refresh_status(prisoner, declared=declared_status)
        return detention


@transaction.atomic
def update_detention(*, actor=None, detention, sources=None, **fields) -> Detention:
    with _as(actor):
        for name, value in fields.items():
            setattr(detention, name, value)
        detention.full_clean()
        detention.save()
        if sources is not None:
            detention.sources.set(sources)
        refresh_status(detention.prisoner)
        return detention


@transaction.atomic
def delete_detention(*, actor=None, detention) -> None:
    with _as(actor):
        prisoner = detention.prisoner
        detention.delete()
        refresh_status(prisoner)


@transaction.atomic
def create_source(*, actor=None, link, **fields) -> Source:
    with _as(actor):
        source = Source(link=link.strip(), **fields)
        source.full_clean()
        source.save()
        return source


@transaction.atomic
def update_source(*, actor=None, source, **fields) -> Source:
    with _as(actor):
        for name, value in fields.items():
            setattr(source, name, value)
        source.full_clean()
        source.save()
        return source


@transaction.atomic
def delete_source(*, actor=None, source) -> None:
    """Delete a source; refused (ProtectedError) while a reported value cites it."""
    with _as(actor):
        source.delete()
