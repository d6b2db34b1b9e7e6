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

from prisoners.models import Prisoner
from prisoners.services import (
    assign,
    check_fields,
    check_may_publish,
    mark_published,
    refresh_status,
    refresh_statuses,
)
from prisoners.visibility import created_as_draft
from releases.models import (
    DealClaim,
    Destination,
    EventDestination,
    GroupRelease,
    Party,
    PartyRole,
    Release,
    ReleaseEvent,
    ReliefMeasure,
    ReportedCount,
    ReportedTotal,
    SanctionsDeal,
)
from tracker.history import acting_as
from tracker.values import parse_country


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
        event.is_draft = created_as_draft(actor)
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
            # The stored date of the releases that take the event's (a derived value: no history row).
            Release.objects.filter(event=event, date__isnull=True).update(effective_date=event.date)
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
        release.is_draft = created_as_draft(actor)
        release.refresh_effective_date()
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
        release.refresh_effective_date()
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


# Review before publishing ------------------------------------------------------------------


@transaction.atomic
def publish_records(*, actor, events=(), releases=(), prisoners=()) -> dict:
    """Publish drafts: an event with its draft releases, a release with its draft person, and people.

    All or nothing: refused (ValidationError, PermissionDenied) if `actor` lacks the permission or
    drafted any of them (a second editor publishes). Returns the published records per kind.
    """
    with _as(actor):
        event_ids = {event.pk for event in events}
        drafts_events = list(ReleaseEvent.objects.select_for_update().filter(pk__in=event_ids, is_draft=True))
        release_filter = Release.objects.filter(pk__in={release.pk for release in releases})
        if event_ids:
            release_filter = release_filter | Release.objects.filter(event_id__in=event_ids)
        drafts_releases = list(
            Release.objects.select_for_update().filter(pk__in=release_filter.values("pk"), is_draft=True)
        )
        person_ids = {prisoner.pk for prisoner in prisoners} | set(
            Release.objects.filter(pk__in=release_filter.values("pk")).values_list("prisoner_id", flat=True)
        )
        drafts_people = list(Prisoner.objects.select_for_update().filter(pk__in=person_ids, is_draft=True))
        for model, records in ((ReleaseEvent, drafts_events), (Release, drafts_releases), (Prisoner, drafts_people)):
            check_may_publish(actor, model, records)
        return {
            "events": mark_published(actor=actor, model=ReleaseEvent, records=drafts_events),
            "releases": mark_published(actor=actor, model=Release, records=drafts_releases),
            "prisoners": mark_published(actor=actor, model=Prisoner, records=drafts_people),
        }


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


def _create_part(model, *, actor, deal=None, sources, fields, parent=None):
    with _as(actor):
        row = assign(model(**(parent or {"deal": deal})), fields)
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


def _set_parts(model, *, actor, deal=None, items, create, update, key, required, parent=None):
    """Make the parent's rows of `model` equal `items`: an "id" updates that row, none creates, the rest go.

    The parent is the deal, or `parent` ({"event": event}) for the rows of an event.
    """
    parent = parent or {"deal": deal}
    (parent_name,) = parent
    with _as(actor):
        stored = {row.pk: row for row in model.objects.filter(**parent)}
        listed = set()
        for item in items:
            if item.get("id") is not None:
                if item["id"] not in stored:
                    raise ValidationError(
                        {"id": _("No such row on this %(parent)s: %(id)s.") % {"parent": parent_name, "id": item["id"]}}
                    )
                listed.add(item["id"])
        for pk, row in stored.items():
            if pk not in listed:
                row.delete()
        result = []
        for item in items:
            fields = {name: value for name, value in item.items() if name != "id"}
            check_fields(model, set(fields) - {"sources", parent_name})
            fields.pop(parent_name, None)
            if item.get("id") is not None:
                result.append(update(**{key: stored[item["id"]]}, **fields))
            else:
                # A missing required field is the model's "This field cannot be blank", not a TypeError.
                result.append(create(**parent, **{**dict.fromkeys(required, ""), **fields}))
        return result


@transaction.atomic
def create_relief_measure(*, actor=None, deal, measure="", sources=(), **fields) -> ReliefMeasure:
    """A consideration of the deal; without a `kind`, a sanctions instrument tells it (delisting, licences)."""
    if "kind" not in fields:
        fields["kind"] = ReliefMeasure.KIND_OF_INSTRUMENT.get(
            fields.get("instrument"), ReliefMeasure.Kind.SANCTIONS_OTHER
        )
    return _create_part(ReliefMeasure, actor=actor, deal=deal, sources=sources, fields={"measure": measure, **fields})


@transaction.atomic
def reverse_relief_measure(*, actor=None, relief_measure, reversed_on, note=None, sources=()) -> ReliefMeasure:
    """Record that a measure was reversed on a date: the row stays, its history keeps what it was."""
    fields = {"status": ReliefMeasure.Status.REVERSED, "reversed_on": reversed_on}
    if note is not None:
        fields["note"] = note
    with _as(actor):
        measure = _update_part(relief_measure, actor=actor, sources=None, fields=fields)
        _set_sources(measure, sources, replace=False)
        return measure


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


# Parties and their roles -------------------------------------------------------------------


def party_slug(name, *, exclude_pk=None):
    return unique_slug(Party, name, exclude_pk=exclude_pk)


@transaction.atomic
def create_party(*, actor=None, name, slug=None, sources=(), **fields) -> Party:
    """A state, government, person or organisation; a blank `slug` is made from the name."""
    with _as(actor):
        if "country" in fields:
            fields["country"] = _country_or_blank(fields["country"], "country")
        party = assign(Party(name=name), fields)
        party.slug = slug or (party_slug(name) if name else "")
        party.full_clean()
        party.save()
        _set_sources(party, sources, replace=False)
        return party


@transaction.atomic
def update_party(*, actor=None, party, sources=None, **fields) -> Party:
    with _as(actor):
        if "country" in fields:
            fields["country"] = _country_or_blank(fields["country"], "country")
        assign(party, fields)
        if not party.slug and party.name:
            party.slug = party_slug(party.name, exclude_pk=party.pk)
        party.full_clean()
        party.save()
        _set_sources(party, sources, replace=True)
        return party


@transaction.atomic
def delete_party(*, actor=None, party) -> None:
    """Delete a party; refused (ProtectedError) while it has a role or gave a consideration."""
    with _as(actor):
        party.delete()


def _country_or_blank(value, name):
    if not value:
        return ""
    try:
        return parse_country(value)
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from None


@transaction.atomic
def add_party_role(*, actor=None, party=None, role="", event=None, deal=None, sources=(), **fields) -> PartyRole:
    """Give a party a role in an event or a deal (exactly one of them)."""
    with _as(actor):
        row = assign(PartyRole(party=party, role=role, event=event, deal=deal), fields)
        row.full_clean()
        row.save()
        _set_sources(row, sources, replace=False)
        return row


@transaction.atomic
def update_party_role(*, actor=None, party_role, sources=None, **fields) -> PartyRole:
    return _update_part(party_role, actor=actor, sources=sources, fields=fields)


@transaction.atomic
def delete_party_role(*, actor=None, party_role) -> None:
    with _as(actor):
        party_role.delete()


@transaction.atomic
def set_party_roles(*, actor=None, event=None, deal=None, roles) -> list[PartyRole]:
    """Make the parties of an event (or of a deal) equal `roles` (dicts: party, role, note?, sources?, id?)."""
    if (event is None) == (deal is None):
        raise ValidationError(_("Parties belong to an event or to a deal."))
    return _set_parts(
        PartyRole,
        actor=actor,
        parent={"event": event} if event is not None else {"deal": deal},
        items=roles,
        create=add_party_role,
        update=update_party_role,
        key="party_role",
        required=("role",),
    )


# Dated counts of an event ------------------------------------------------------------------


@transaction.atomic
def add_reported_count(*, actor=None, event, sources=(), **fields) -> ReportedCount:
    """One dated count of an event as someone reported it (verified, claimed or reported)."""
    return _create_part(ReportedCount, actor=actor, sources=sources, fields=fields, parent={"event": event})


@transaction.atomic
def update_reported_count(*, actor=None, reported_count, sources=None, **fields) -> ReportedCount:
    return _update_part(reported_count, actor=actor, sources=sources, fields=fields)


@transaction.atomic
def delete_reported_count(*, actor=None, reported_count) -> None:
    with _as(actor):
        reported_count.delete()


@transaction.atomic
def set_reported_counts(*, actor=None, event, counts) -> list[ReportedCount]:
    """Make the event's dated counts equal `counts` (dicts of fields, optional "id" and "sources")."""
    return _set_parts(
        ReportedCount,
        actor=actor,
        parent={"event": event},
        items=counts,
        create=add_reported_count,
        update=update_reported_count,
        key="reported_count",
        required=("reported_by",),
    )


# People counted but not named --------------------------------------------------------------


@transaction.atomic
def record_group_release(*, actor=None, event, destination=None, sources=(), **fields) -> GroupRelease:
    """A described group of an event with a count: freed, refused release, or kept back."""
    if destination is not None:
        fields["destination"] = destination_for(destination)
    return _create_part(GroupRelease, actor=actor, sources=sources, fields=fields, parent={"event": event})


@transaction.atomic
def update_group_release(*, actor=None, group_release, sources=None, **fields) -> GroupRelease:
    if fields.get("destination") is not None:
        fields["destination"] = destination_for(fields["destination"])
    return _update_part(group_release, actor=actor, sources=sources, fields=fields)


@transaction.atomic
def delete_group_release(*, actor=None, group_release) -> None:
    with _as(actor):
        group_release.delete()


@transaction.atomic
def set_group_releases(*, actor=None, event, groups) -> list[GroupRelease]:
    """Make the event's groups equal `groups` (dicts of fields, optional "id" and "sources")."""
    return _set_parts(
        GroupRelease,
        actor=actor,
        parent={"event": event},
        items=groups,
        create=record_group_release,
        update=update_group_release,
        key="group_release",
        required=("description",),
    )
