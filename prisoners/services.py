"""Writes to people, their names, ids, detentions, sources and reported values.

Every door (admin, API, commands, tasks, the merge) calls these. Each function is keyword-only,
validates (`full_clean`) before it writes, runs in one transaction, keeps the derived status and
name keys in step, and records history attributed to `actor` (None: the request's user, if any).
A bad value raises django's ValidationError naming the field; a write the actor may not make
raises PermissionDenied.
"""

from contextlib import nullcontext

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from prisoners.link_locks import lock_links
from prisoners.models import (
    Detention,
    ExternalId,
    IncommunicadoPeriod,
    NameVariant,
    Prisoner,
    PrisonerStatus,
    ReportedValue,
    Source,
)
from prisoners.names.keys import refresh_name_keys
from prisoners.timeline import KEPT_WHILE_HELD, DetentionSpan, ReleaseStep, status_for
from prisoners.visibility import created_as_draft, may_change_visibility, may_publish, source_link_taken
from tracker.history import acting_as, bulk_creations, write_creation_history
from tracker.read_cache import bump_records_version

REFUSED_VISIBILITY = "Making a withheld record more visible needs the permission to see withheld records."


def _as(actor):
    return acting_as(actor) if actor is not None else nullcontext()


def writable_fields(model):
    """Names of the fields a service may set on `model`: concrete, editable, not many-to-many."""
    return {
        field.name
        for field in model._meta.get_fields()
        if field.concrete and not field.many_to_many and field.editable and not field.primary_key
    }


def check_fields(model, fields):
    """Refuse a field the model cannot store (unknown, read-only or derived), naming it."""
    unknown = sorted(set(fields) - writable_fields(model))
    if unknown:
        raise ValidationError({name: _("This field cannot be written.") for name in unknown})


def assign(instance, fields):
    check_fields(type(instance), fields)
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def timeline_of(prisoner):
    """The person's stored timeline as plain values for `prisoners.timeline`."""
    spans = [
        DetentionSpan(detained_on=d.detained_on, ended_on=d.ended_on, sentenced=d.is_sentenced, regime=d.regime)
        for d in prisoner.detentions.all()
    ]
    steps = [ReleaseStep(on=r.effective_date, outcome=r.outcome) for r in prisoner.releases.select_related("event")]
    return spans, steps


def refresh_status(prisoner, *, declared=None):
    """Derive the status from the timeline (`timeline.status_for`) and store it if it changed.

    Raises ValidationError when the declared (or kept) status contradicts the timeline.
    """
    spans, steps = timeline_of(prisoner)
    status = status_for(current=prisoner.status, spans=spans, steps=steps, declared=declared)
    if status != prisoner.status:
        prisoner.status = status
        prisoner.save(update_fields=["status", "updated_at"])
    return status


def refresh_statuses(prisoner_ids):
    """Refresh the status of several people (after a write that moved their timelines)."""
    for prisoner in Prisoner.objects.filter(pk__in={pk for pk in prisoner_ids if pk is not None}):
        refresh_status(prisoner)


# People ------------------------------------------------------------------------------------


@transaction.atomic
def create_prisoner(*, actor=None, full_name, status=None, name_variants=(), sources=(), **fields) -> Prisoner:
    """Create a person; only `full_name` is required. `status` is a declaration checked against the timeline."""
    with _as(actor):
        prisoner = assign(Prisoner(full_name=full_name), fields)
        prisoner.is_draft = created_as_draft(actor)
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
    """Change a person. Making the record more visible needs `prisoners.view_withheld` (actor None: the system).

    `status` is a declaration (died in custody, or `unknown` to withdraw one); None keeps what is stored
    where the timeline cannot tell.
    """
    with _as(actor):
        check_fields(Prisoner, fields)
        stored = (
            Prisoner.objects.filter(pk=prisoner.pk)
            .values("visibility", "full_name", "native_name", "name_keys")
            .first()
        )
        if stored is not None:
            new_visibility = fields.get("visibility", prisoner.visibility)
            if not may_change_visibility(actor, stored["visibility"], new_visibility):
                raise PermissionDenied(REFUSED_VISIBILITY)
            # Derived and refreshed in the database by other writes: never overwritten from a stale instance.
            prisoner.name_keys = stored["name_keys"]
        assign(prisoner, fields)
        prisoner.full_clean()
        prisoner.save()
        renamed = stored is None or (stored["full_name"], stored["native_name"]) != (
            prisoner.full_name,
            prisoner.native_name,
        )
        if renamed:
            refresh_name_keys([prisoner.pk])
        if sources is not None:
            prisoner.sources.set(sources)
        refresh_status(prisoner, declared=status)
        return prisoner


@transaction.atomic
def declare_status(*, actor=None, prisoner, status) -> str:
    """Declare what the timeline cannot tell (died in custody; `unknown` withdraws a declaration)."""
    with _as(actor):
        if status not in PrisonerStatus.values:
            raise ValidationError({"status": _("'%(value)s' is not a status.") % {"value": status}})
        if status == PrisonerStatus.UNKNOWN and prisoner.status in KEPT_WHILE_HELD:
            prisoner.status = PrisonerStatus.UNKNOWN  # withdrawn: the timeline decides again
            prisoner.save(update_fields=["status", "updated_at"])
        return refresh_status(prisoner, declared=status)


@transaction.atomic
def delete_prisoner(*, actor=None, prisoner) -> None:
    with _as(actor):
        prisoner.delete()


# Review before publishing ------------------------------------------------------------------

PUBLISHED_FIELDS = ["is_draft", "published_at", "published_by"]


def drafted_by(model, ids):
    """Who created each of these records: {pk: user id or None}. Its history's first row, or for a record an
    import created in bulk (no history row of its own) the user that import job ran as."""
    ids = list(ids)
    authors = dict(model.history.filter(id__in=ids, history_type="+").values_list("id", "history_user_id"))
    if hasattr(model, "created_by_import_job"):
        missing = [pk for pk in ids if pk not in authors]
        jobs = dict(
            model.objects.filter(pk__in=missing, created_by_import_job__isnull=False).values_list(
                "pk", "created_by_import_job"
            )
        )
        creations = bulk_creations(jobs.values())
        for pk, job_id in jobs.items():
            creation = creations.get(job_id)
            authors[pk] = creation.user.pk if creation and creation.user else None
    return authors


def check_may_publish(actor, model, records):
    """Refuse (ValidationError naming every refused record) unless `actor` may publish all of `records`:
    the permission, and never one's own draft (a second editor publishes)."""
    if not may_publish(actor):
        raise PermissionDenied(_("Publishing needs the permission to publish records."))
    authors = drafted_by(model, [record.pk for record in records])
    own = [record for record in records if authors.get(record.pk) == actor.pk]
    if own:
        raise ValidationError(
            _("A second editor must publish what you drafted: %(records)s.")
            % {"records": ", ".join(f"{model._meta.verbose_name} #{record.pk}" for record in own)}
        )


def mark_published(*, actor, model, records):
    """Publish drafts of one model in bulk, with a history row each naming the publisher (no checks)."""
    now = timezone.now()
    for record in records:
        record.is_draft, record.published_at, record.published_by = False, now, actor
    if records:
        write_creation_history(model, [record.pk for record in records])  # records created in bulk: "+" row first
        bulk_update_with_history(records, model, PUBLISHED_FIELDS, default_user=actor, batch_size=500)
        bump_records_version()  # a bulk update sends no signal: the cached reads are stale
    return records


@transaction.atomic
def publish_prisoners(*, actor, prisoners) -> list[Prisoner]:
    """Publish draft people; refused as a whole (nothing written) if any may not be published by `actor`."""
    with _as(actor):
        drafts = list(Prisoner.objects.select_for_update().filter(pk__in=[p.pk for p in prisoners], is_draft=True))
        check_may_publish(actor, Prisoner, drafts)
        return mark_published(actor=actor, model=Prisoner, records=drafts)


# Names and ids -----------------------------------------------------------------------------


@transaction.atomic
def add_name_variant(*, actor=None, prisoner, name, refresh_keys=True, **fields) -> NameVariant:
    """Add a name the person is also written as; an existing identical name is returned as it is."""
    with _as(actor):
        name = (name or "").strip()
        existing = NameVariant.objects.filter(prisoner=prisoner, name=name).first()
        if existing is not None:
            return existing
        variant = assign(NameVariant(prisoner=prisoner, name=name), fields)
        variant.full_clean()
        variant.save()
        if refresh_keys:
            refresh_name_keys([prisoner.pk])
        return variant


@transaction.atomic
def update_name_variant(*, actor=None, name_variant, **fields) -> NameVariant:
    with _as(actor):
        before = name_variant.prisoner_id
        if isinstance(fields.get("name"), str):
            fields["name"] = fields["name"].strip()
        assign(name_variant, fields)
        name_variant.full_clean()
        name_variant.save()
        refresh_name_keys(sorted({before, name_variant.prisoner_id}))
        return name_variant


@transaction.atomic
def delete_name_variant(*, actor=None, name_variant) -> None:
    with _as(actor):
        prisoner_id = name_variant.prisoner_id
        name_variant.delete()
        refresh_name_keys([prisoner_id])


@transaction.atomic
def add_external_id(*, actor=None, prisoner, source_list, external_id) -> ExternalId:
    with _as(actor):
        row = ExternalId(prisoner=prisoner, source_list=source_list.strip(), external_id=external_id.strip())
        row.full_clean()
        row.save()
        return row


@transaction.atomic
def update_external_id(*, actor=None, row, **fields) -> ExternalId:
    """Change an external id `row` (its fields include `external_id`, hence the parameter's name)."""
    with _as(actor):
        assign(row, fields)
        row.full_clean()
        row.save()
        return row


@transaction.atomic
def delete_external_id(*, actor=None, external_id) -> None:
    with _as(actor):
        external_id.delete()


# Detentions --------------------------------------------------------------------------------


@transaction.atomic
def add_detention(*, actor=None, prisoner, sources=(), declared_status=None, **fields) -> Detention:
    with _as(actor):
        detention = assign(Detention(prisoner=prisoner), fields)
        detention.full_clean()
        detention.save()
        if sources:
            detention.sources.add(*sources)
        refresh_status(prisoner, declared=declared_status)
        return detention


@transaction.atomic
def update_detention(*, actor=None, detention, sources=None, **fields) -> Detention:
    """Change a detention; moving it to another person refreshes both people's status."""
    with _as(actor):
        before = Detention.objects.filter(pk=detention.pk).values_list("prisoner_id", flat=True).first()
        assign(detention, fields)
        detention.full_clean()
        detention.save()
        if sources is not None:
            detention.sources.set(sources)
        refresh_status(detention.prisoner)
        if before not in (None, detention.prisoner_id):
            refresh_statuses([before])
        return detention


@transaction.atomic
def delete_detention(*, actor=None, detention) -> None:
    with _as(actor):
        prisoner = detention.prisoner
        detention.delete()
        refresh_status(prisoner)


@transaction.atomic
def add_incommunicado_period(*, actor=None, detention, sources=(), **fields) -> IncommunicadoPeriod:
    """A dated period of a detention without contact (a condition of the detention, not a status)."""
    with _as(actor):
        period = assign(IncommunicadoPeriod(detention=detention), fields)
        period.full_clean()
        period.save()
        if sources:
            period.sources.add(*sources)
        return period


@transaction.atomic
def update_incommunicado_period(*, actor=None, period, sources=None, **fields) -> IncommunicadoPeriod:
    with _as(actor):
        assign(period, fields)
        period.full_clean()
        period.save()
        if sources is not None:
            period.sources.set(sources)
        return period


@transaction.atomic
def delete_incommunicado_period(*, actor=None, period) -> None:
    with _as(actor):
        period.delete()


# Sources -----------------------------------------------------------------------------------


def _refuse_a_taken_link(actor, source):
    if not source.link:
        return
    lock_links([source.link])  # until the commit: another writer storing this link meanwhile is seen
    if source_link_taken(actor, source.link, exclude=source if source.pk else None):
        raise ValidationError({"link": _("A source with this link already exists.")})


@transaction.atomic
def create_source(*, actor=None, link, **fields) -> Source:
    with _as(actor):
        source = assign(Source(link=link.strip()), fields)
        source.full_clean()
        _refuse_a_taken_link(actor, source)
        source.save()
        return source


@transaction.atomic
def get_or_create_source(*, actor=None, link, **fields) -> tuple[Source, bool]:
    """The source with this link, created with `fields` when missing (commands and imports)."""
    lock_links([link.strip()])
    existing = Source.objects.filter(link=link.strip()).order_by("pk").first()
    if existing is not None:
        return existing, False
    return create_source(actor=actor, link=link, **fields), True


@transaction.atomic
def update_source(*, actor=None, source, **fields) -> Source:
    with _as(actor):
        if isinstance(fields.get("link"), str):
            fields["link"] = fields["link"].strip()
        assign(source, fields)
        source.full_clean()
        _refuse_a_taken_link(actor, source)
        source.save()
        return source


@transaction.atomic
def delete_source(*, actor=None, source) -> None:
    """Delete a source; refused (ProtectedError) while a reported value cites it."""
    with _as(actor):
        source.delete()


# Reported values ---------------------------------------------------------------------------


def _source(value):
    if isinstance(value, Source):
        return value
    source = Source.objects.filter(pk=value).first() if str(value).isdigit() else None
    if source is None:
        raise ValidationError({"source": _("No source with id %(id)s.") % {"id": value}})
    return source


@transaction.atomic
def add_reported_value(*, actor=None, record, field, value, source, reported_by="", note="") -> ReportedValue:
    """Keep what one source reported for one field of `record` (any model with reported values)."""
    with _as(actor):
        row = ReportedValue(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            field=field,
            value=value,
            source=_source(source),
            reported_by=reported_by,
            note=note,
        )
        row.full_clean()
        row.save()
        return row


@transaction.atomic
def update_reported_value(*, actor=None, reported_value, record=None, **fields) -> ReportedValue:
    """Change a reported value; `record` moves it to another record (a merge of two people)."""
    with _as(actor):
        if "source" in fields:
            fields["source"] = _source(fields["source"])
        if {"content_type", "object_id"} & set(fields):
            raise ValidationError(_("A reported value moves to another record only as `record`."))
        assign(reported_value, fields)
        if record is not None:
            reported_value.content_type = ContentType.objects.get_for_model(record)
            reported_value.object_id = record.pk
        reported_value.full_clean()
        reported_value.save()
        return reported_value


@transaction.atomic
def delete_reported_value(*, actor=None, reported_value) -> None:
    with _as(actor):
        reported_value.delete()


@transaction.atomic
def set_reported_values(*, actor=None, record, values) -> list[ReportedValue]:
    """Make the record's reported values equal `values` ({field, value, source, reported_by?, note?}).

    A row with the same field, value and source is kept (its reported_by and note updated if they
    differ), so history shows only what changed; rows not listed are deleted.
    """
    with _as(actor):
        content_type = ContentType.objects.get_for_model(record)
        stored = {
            (row.field, row.value, row.source_id): row
            for row in ReportedValue.objects.filter(content_type=content_type, object_id=record.pk)
        }
        wanted = []
        for item in values:
            unknown = set(item) - {"field", "value", "source", "reported_by", "note"}
            if unknown:
                raise ValidationError({name: _("This field cannot be written.") for name in sorted(unknown)})
            source = _source(item.get("source"))
            wanted.append((item.get("field", ""), item.get("value", ""), source, item))
        keys = {(field, value, source.pk) for field, value, source, _item in wanted}
        for key, row in stored.items():
            if key not in keys:
                row.delete()
        result = []
        for field, value, source, item in wanted:
            row = stored.get((field, value, source.pk))
            extra = {name: item.get(name, "") for name in ("reported_by", "note")}
            if row is None:
                row = add_reported_value(record=record, field=field, value=value, source=source, **extra)
                stored[(field, value, source.pk)] = row
            elif any(getattr(row, name) != extra[name] for name in extra):
                row = update_reported_value(reported_value=row, **extra)
            result.append(row)
        return result
