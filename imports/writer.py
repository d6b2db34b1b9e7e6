"""The batch writer: turns a batch of valid rows into creates and updates, compares with what is
stored, and writes them (COPY on PostgreSQL, bulk_create elsewhere). Records it creates name the import job
instead of a history row each; its updates write history rows as the job's user."""

import time
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from imports.copy_writer import copy_rows, copy_table, insert_links, insert_words
from imports.limits import setting
from imports.models import ImportRowError
from prisoners.link_locks import lock_links
from prisoners.models import Detention, ExternalId, NameKey, NameVariant, NameWord, Prisoner, Source
from prisoners.names import keys as name_keys
from prisoners.names import matching as name_matching
from prisoners.names.folding import identity_keys
from prisoners.names.keys import person_keys
from prisoners.timeline import DetentionSpan, ReleaseStep, status_for
from prisoners.visibility import imported_as_draft
from releases.models import Destination, Release, effective_date_of
from tracker.history import write_creation_history
from tracker.read_cache import bump_records_version

PREVIEW_ROWS = 20

try:
    from psycopg2 import IntegrityError as PostgresIntegrityError
except ImportError:  # SQLite-only installs
    PostgresIntegrityError = IntegrityError
# COPY goes past Django's error wrapper, so psycopg2's own IntegrityError can surface too.
WRITE_CONFLICTS = (IntegrityError, PostgresIntegrityError)


class BatchOutcome:
    def __init__(self):
        self.created = self.updated = self.unchanged = self.failed = 0
        self.errors = []  # (row, field, message, kind)
        self.words = []  # name words written (NameWord), remembered by the run once committed
        self.inserted = defaultdict(int)  # table -> rows this batch inserted
        self.previews = []

    def add(self, other):
        """This outcome with a later piece's of the same batch added."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.errors.extend(other.errors)
        self.words.extend(other.words)
        for table, count in other.inserted.items():
            self.inserted[table] += count
        self.previews.extend(other.previews[: max(0, PREVIEW_ROWS - len(self.previews))])
        return self


def write_plans(run, plans):
    """Write one batch's plans, in pieces that each hold no two rows of one person (`same_person_pieces`);
    inside the caller's transaction. Returns the batch's outcome."""
    started = time.perf_counter()
    pieces = same_person_pieces(plans)
    run.timings["match"] += time.perf_counter() - started
    outcome = BatchWriter(run, pieces[0]).write()
    for piece in pieces[1:]:
        outcome.add(BatchWriter(run, piece).write())
    return outcome


def same_person_pieces(plans):
    """The plans in file order, cut before each row that the matching could take for a person an earlier row
    of its piece writes (creates, or gives a name): [[plan, ...], ...].

    A row is matched against the people stored before it. The writer matches a whole piece at once against
    what is stored, so a piece must not hold a row and the earlier row it would meet: written one piece after
    another, a batch stores what its rows would store written one by one, whatever the batch size (300 rows of
    one person without an external id store one person, not 300). The rules are the matching's own
    (`prisoners.names.matching.row_match_keys` against every key of the earlier rows' names; a new external id
    against whole names with the same birth date, `BatchWriter.same_name_and_birth_date`). Also computes each
    plan's `name_text` and `name_key_pairs`, which the writer stores for a person it creates."""
    pieces, piece = [], []
    any_keys, whole_keys, dated = set(), set(), set()
    for plan in plans:
        plan.name_text, plan.name_key_pairs = person_keys([plan.full_name, plan.native_name, *plan.aliases])
        if piece and _meets_earlier_row(plan, any_keys, whole_keys, dated):
            pieces.append(piece)
            piece = []
            any_keys, whole_keys, dated = set(), set(), set()
        piece.append(plan)
        for key, whole in plan.name_key_pairs:
            any_keys.add(key)
            if whole:
                whole_keys.add(key)
                dated.add((key, plan.birth_date))  # no date: a person stored before may have one
    pieces.append(piece)
    return pieces


def _meets_earlier_row(plan, any_keys, whole_keys, dated):
    if plan.external_id:  # a known external id is matched by it; a new one only by whole name and birth date
        if plan.birth_date is None:
            return False
        # The whole keys of all its names (computed already): the full name's, which the check reads, and more.
        return any(
            whole and ((key, plan.birth_date) in dated or (key, None) in dated) for key, whole in plan.name_key_pairs
        )
    whole, parts = name_matching.row_match_keys(plan.full_name, plan.aliases)
    return not whole.isdisjoint(any_keys) or not parts.isdisjoint(whole_keys)


# The fields the writer sets on the rows it creates, in the order of its plain tuples (imports.copy_writer).
PRISONER_GIVEN = (
    "full_name",
    "native_name",
    "citizenship",
    "country",
    "gender",
    "birth_date",
    "birth_date_precision",
    "notes",
    "visibility",
    "status",
    "is_draft",
    "name_keys",
)
EXTERNAL_ID_GIVEN = ("prisoner_id", "source_list", "external_id")
VARIANT_GIVEN = ("prisoner_id", "name", "kind")
DETENTION_GIVEN = (
    "prisoner_id",
    "detained_on",
    "detained_on_precision",
    "sentenced_on",
    "sentenced_on_precision",
    "sentence",
    "sentence_months",
    "charges",
    "place_of_detention",
)
RELEASE_GIVEN = ("prisoner_id", "event_id", "date", "effective_date", "date_precision", "destination_id", "is_draft")
PRISONER_FIELDS = ("full_name", "native_name", "country", "gender", "notes", "visibility")
DETENTION_FIELDS = (
    "detained_on_precision",
    "sentenced_on",
    "sentenced_on_precision",
    "sentence",
    "sentence_months",
    "charges",
    "place_of_detention",
)


class BatchWriter:
    """Turns a batch of valid rows into creates and updates, compares with what is stored, writes."""

    def __init__(self, run, plans):
        self.run = run
        self.plans = plans
        self.dry_run = run.job.dry_run
        self.outcome = BatchOutcome()
        self.now = timezone.now()
        self.is_draft = imported_as_draft()  # the visibility module's rule, asked once per batch

    def write(self):
        run = self.run
        started = time.perf_counter()
        self.match_people()
        existing_ids = {plan.prisoner_id for plan in self.plans if plan.prisoner_id}
        self.load_stored(existing_ids)
        run.timings["match"] += time.perf_counter() - started

        started = time.perf_counter()
        self.new_prisoners, self.changed_prisoners = [], {}
        self.new_variants, self.attached_external_ids = [], []
        self.rekeyed = set()  # stored people given a new name variant: their keys are recomputed
        self.new_detentions, self.changed_detentions = [], {}
        self.new_releases, self.changed_releases = [], {}
        self.prisoner_source_links = []
        self.changed_fields = defaultdict(set)
        for plan in self.plans:
            if plan.prisoner_id is None:
                self.plan_create(plan)
            else:
                self.plan_update(plan)
        run.timings["compare"] += time.perf_counter() - started

        if not self.dry_run:
            started = time.perf_counter()
            self.save()
            run.timings["write"] += time.perf_counter() - started
        return self.outcome

    # Matching and loading ---------------------------------------------------------------------
    def match_people(self):
        job = self.run.job
        for plan in self.plans:
            plan.prisoner_id = None
        wanted = [plan.external_id for plan in self.plans if plan.external_id]
        known = {}
        if wanted and connection.vendor == "postgresql":
            # One bound array rather than 2,000 bound parameters: the same index probes, less to build and parse.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT external_id, prisoner_id FROM {ExternalId._meta.db_table}"
                    " WHERE source_list = %s AND external_id = ANY(%s)",
                    [job.source_list, wanted],
                )
                known = dict(cursor.fetchall())
        elif wanted:
            known = dict(
                ExternalId.objects.filter(source_list=job.source_list, external_id__in=wanted).values_list(
                    "external_id", "prisoner_id"
                )
            )
        # Rows without an external id are matched by name key and birth date, the whole batch at once.
        unkeyed = [plan for plan in self.plans if not plan.external_id]
        matches = name_matching.match_existing_prisoners(
            [
                (plan.full_name, plan.birth_date and (plan.birth_date, plan.birth_date_precision), plan.aliases)
                for plan in unkeyed
            ]
        )
        match_of = {id(plan): match for plan, match in zip(unkeyed, matches, strict=True)}
        # Rows whose external id is new and that give a birth date: a stored person with the same whole name
        # and the same birth date is a suspected duplicate (one indexed query per batch; no silent second person).
        fresh = [plan for plan in self.plans if plan.external_id and plan.birth_date and plan.external_id not in known]
        match_of.update(self.same_name_and_birth_date(fresh))
        attach = getattr(self.run.mapping, "on_name_match", "flag") == "attach"
        for plan in self.plans:
            if plan.external_id and id(plan) not in match_of:
                plan.prisoner_id = known.get(plan.external_id)
                continue
            prisoner_id, unsure = match_of[id(plan)]
            if plan.external_id:
                if prisoner_id is None:
                    continue
                if attach and not unsure:
                    plan.prisoner_id = prisoner_id
                    plan.new_external_id = True
                    message = _(
                        "Same name and birth date as record #%(id)s: the external id '%(external_id)s' is attached "
                        "to it; please check."
                    )
                else:
                    message = _(
                        "Same name and birth date as record #%(id)s, but the external id '%(external_id)s' is new: "
                        "imported as a new person; please review."
                    )
                self.outcome.errors.append(
                    (
                        plan.row,
                        "full_name",
                        message % {"id": prisoner_id, "external_id": plan.external_id},
                        ImportRowError.Kind.WARNING,
                    )
                )
            elif prisoner_id and not unsure:
                plan.prisoner_id = prisoner_id
            elif prisoner_id:
                self.outcome.errors.append(
                    (
                        plan.row,
                        "full_name",
                        _("May be the same person as record #%(id)s; imported as a new person: please review.")
                        % {"id": prisoner_id},
                        ImportRowError.Kind.WARNING,
                    )
                )

    def same_name_and_birth_date(self, plans):
        """{id(plan): (prisoner id, unsure)} for rows naming a stored person with their exact birth date.

        On PostgreSQL the batch's (key, birth date) pairs are joined as one array to `NameKey`'s (key, whole)
        index: one index probe per pair, whatever the size of the table. The former `key IN (...) AND
        birth_date IN (...)` gave the planner two unrelated lists of 2,000 values; it read them with
        bitmap and (parallel) scans that grew with the table, then sorted by the person's name."""
        if not plans:
            return {}
        keys_of = {id(plan): identity_keys(plan.full_name)[0] for plan in plans}
        pairs = {(key, plan.birth_date) for plan in plans for key in keys_of[id(plan)]}
        if not pairs:
            return {}
        found = defaultdict(set)
        if connection.vendor == "postgresql":
            keys, dates = zip(*pairs, strict=True)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT k.key, w.born, k.prisoner_id FROM unnest(%s::text[], %s::date[]) AS w(key, born)"
                    f" JOIN {NameKey._meta.db_table} k ON k.key = w.key AND k.whole"
                    f" JOIN {Prisoner._meta.db_table} p ON p.id = k.prisoner_id AND p.birth_date = w.born",
                    [list(keys), list(dates)],
                )
                stored = cursor.fetchall()
        else:
            stored = (
                NameKey.objects.filter(
                    whole=True,
                    key__in={key for key, _born in pairs},
                    prisoner__birth_date__in={born for _key, born in pairs},
                )
                .order_by()
                .values_list("key", "prisoner__birth_date", "prisoner_id")
            )
        for key, born, prisoner_id in stored:
            found[key, born].add(prisoner_id)
        result = {}
        for plan in plans:
            ids = set().union(*(found.get((key, plan.birth_date), set()) for key in keys_of[id(plan)]))
            result[id(plan)] = (min(ids), len(ids) > 1) if ids else (None, False)
        return result

    def load_stored(self, ids):
        self.prisoners = Prisoner.objects.in_bulk(ids) if ids else {}
        self.detentions = defaultdict(list)
        self.releases = defaultdict(list)
        self.variants = set()
        self.prisoner_sources = set()
        if ids:
            for detention in Detention.objects.filter(prisoner_id__in=ids):
                self.detentions[detention.prisoner_id].append(detention)
            for release in Release.objects.filter(prisoner_id__in=ids):
                self.releases[release.prisoner_id].append(release)
            self.variants = set(NameVariant.objects.filter(prisoner_id__in=ids).values_list("prisoner_id", "name"))
            through = Prisoner.sources.through
            self.prisoner_sources = set(
                through.objects.filter(prisoner_id__in=ids).values_list("prisoner_id", "source_id")
            )
        links = {link for plan in self.plans for link in plan.sources if link not in self.run.source_ids}
        if links:
            # The oldest source of a link wins where there are several.
            self.run.source_ids.update(Source.objects.filter(link__in=links).order_by("-pk").values_list("link", "pk"))
        if len(self.run.source_ids) > 100_000:
            self.run.source_ids.clear()

    # Planning ---------------------------------------------------------------------------------
    def destination_id(self, code):
        if not code:
            return None
        known = self.run.destination_ids.get(code)
        if known is None and not self.dry_run:
            destination, _created = Destination.objects.get_or_create(country=code)
            known = self.run.destination_ids[code] = destination.pk
        return known

    def plan_create(self, plan):
        visibility = plan.visibility or self.run.job.default_visibility
        if not self.dry_run:  # search keys in the same pass: the row goes in with them, never updated after
            record = (
                plan.full_name,
                plan.native_name,
                plan.citizenship,
                plan.country,
                plan.gender or "unknown",
                plan.birth_date,
                plan.birth_date_precision,
                plan.notes,
                visibility,
                plan.status,
                self.is_draft,
                plan.name_text,
            )
            self.new_prisoners.append((plan, record))
        self.outcome.created += 1
        if self.dry_run and len(self.outcome.previews) < PREVIEW_ROWS:
            preview = plan.preview("create")
            preview["visibility"] = visibility
            self.outcome.previews.append(preview)

    def plan_update(self, plan):
        prisoner = self.prisoners.get(plan.prisoner_id)
        if prisoner is None:  # matched by name to a record deleted since: import as new
            plan.prisoner_id = None
            return self.plan_create(plan)
        pid = prisoner.pk
        changes = {}
        fields = PRISONER_FIELDS
        if not plan.external_id or plan.new_external_id:
            # Attached by name: the row's spelling is one more name variant, not a new display name.
            fields = tuple(name for name in PRISONER_FIELDS if name != "full_name")
            if plan.full_name != prisoner.full_name and plan.full_name not in plan.aliases:
                plan.aliases.append(plan.full_name)
        for name in fields:
            value = getattr(plan, name)
            if value and value != getattr(prisoner, name):
                changes[name] = value
        if plan.citizenship and sorted(plan.citizenship) != sorted(c.code for c in prisoner.citizenship):
            changes["citizenship"] = plan.citizenship
        if (
            plan.birth_date
            and (plan.birth_date, plan.birth_date_precision) != (prisoner.birth_date, prisoner.birth_date_precision)
            and not _vaguer_form_of(
                plan.birth_date, plan.birth_date_precision, prisoner.birth_date, prisoner.birth_date_precision
            )
        ):
            changes["birth_date"] = plan.birth_date
            changes["birth_date_precision"] = plan.birth_date_precision

        detention_match, detention_changes = None, {}
        if plan.detention is not None:
            wanted = plan.detention
            detention_match = next((d for d in self.detentions[pid] if d.detained_on == wanted.detained_on), None)
            if detention_match is not None:
                for name in DETENTION_FIELDS:
                    value = getattr(wanted, name)
                    if name.endswith("_precision"):
                        related = getattr(wanted, name.removesuffix("_precision"))
                        if related is None:
                            continue
                    elif value in ("", None):
                        continue
                    if value != getattr(detention_match, name):
                        detention_changes[name] = value

        release_match, release_changes = None, {}
        destination_id = None
        if plan.release is not None:
            wanted = plan.release
            if wanted.event_id:
                release_match = next((r for r in self.releases[pid] if r.event_id == wanted.event_id), None)
            else:
                release_match = next(
                    (r for r in self.releases[pid] if r.event_id is None and r.date == wanted.date), None
                )
            destination_id = self.destination_id(wanted.destination)
            if release_match is not None:
                if wanted.date and (wanted.date, wanted.date_precision) != (
                    release_match.date,
                    release_match.date_precision,
                ):
                    release_changes.update(
                        date=wanted.date,
                        date_precision=wanted.date_precision,
                        effective_date=effective_date_of(wanted.date, None),
                    )
                if wanted.destination and (destination_id is None or destination_id != release_match.destination_id):
                    release_changes["destination_id"] = destination_id

        # The status once this row joins the stored timeline (the same rule as the service layer).
        spans = []
        for detention in self.detentions[pid]:
            sentenced = detention.is_sentenced
            if detention is detention_match:
                sentenced = sentenced or plan.detention.is_sentenced
            spans.append(DetentionSpan(detention.detained_on, detention.ended_on, sentenced, detention.regime))
        if plan.detention is not None and detention_match is None:
            spans.append(DetentionSpan(plan.detention.detained_on, None, plan.detention.is_sentenced))
        steps = []
        for release in self.releases[pid]:
            on = release.date or self.run.event_dates.get(release.event_id)
            if release is release_match and "date" in release_changes:
                on = release_changes["date"]
            steps.append(ReleaseStep(on, release.outcome))
        if plan.release is not None and release_match is None:
            steps.append(ReleaseStep(plan.release.on))
        try:  # the same rule as the services (prisoners.timeline.status_for)
            status = status_for(
                current=prisoner.status, spans=spans, steps=steps, declared=plan.declared_status or None
            )
        except ValidationError as exc:
            self.outcome.failed += 1
            for message in exc.message_dict.get("status", exc.messages):
                self.outcome.errors.append((plan.row, "status", message, ImportRowError.Kind.ERROR))
            return None
        if status != prisoner.status:
            changes["status"] = status

        new_variants = [name for name in plan.aliases if (pid, name) not in self.variants]
        known_sources = self.run.source_ids
        new_sources = [
            link
            for link in plan.sources
            if known_sources.get(link) is None or (pid, known_sources[link]) not in self.prisoner_sources
        ]
        new_detention = plan.detention is not None and detention_match is None
        new_release = plan.release is not None and release_match is None
        changed = bool(changes or detention_changes or release_changes or new_variants or new_sources)
        changed = changed or new_detention or new_release or plan.new_external_id
        if not changed:
            self.outcome.unchanged += 1
            if self.dry_run and len(self.outcome.previews) < PREVIEW_ROWS:
                self.outcome.previews.append(plan.preview("unchanged"))
            return None
        self.outcome.updated += 1
        if self.dry_run:
            if len(self.outcome.previews) < PREVIEW_ROWS:
                self.outcome.previews.append(plan.preview("update"))
            return None

        # Apply to the loaded objects; later rows of this batch see the new state.
        if changes:
            for name, value in changes.items():
                setattr(prisoner, name, value)
            prisoner.updated_at = self.now
            self.changed_prisoners[pid] = prisoner
            self.changed_fields[Prisoner].update(changes, {"updated_at"})
        if detention_changes:
            for name, value in detention_changes.items():
                setattr(detention_match, name, value)
            detention_match.updated_at = self.now
            self.changed_detentions[detention_match.pk] = detention_match
            self.changed_fields[Detention].update(detention_changes, {"updated_at"})
        if release_changes:
            for name, value in release_changes.items():
                setattr(release_match, name, value)
            release_match.updated_at = self.now
            self.changed_releases[release_match.pk] = release_match
            self.changed_fields[Release].update(release_changes, {"updated_at"})
        if plan.new_external_id:
            self.attached_external_ids.append((pid, self.run.job.source_list, plan.external_id))
        if new_variants:
            self.rekeyed.add(pid)
        for name in new_variants:
            self.variants.add((pid, name))
            self.new_variants.append((pid, name, NameVariant.Kind.ALIAS))
        for link in new_sources:
            self.prisoner_source_links.append((pid, link))
        if new_detention:
            record = self.detention_record(plan, pid)
            self.detentions[pid].append(Detention(**dict(zip(DETENTION_GIVEN, record, strict=True))))
            self.new_detentions.append((plan.sources, record))
        if new_release:
            record = self.release_record(plan, pid, destination_id)
            self.releases[pid].append(Release(**dict(zip(RELEASE_GIVEN, record, strict=True))))
            self.new_releases.append((plan.sources, record))
        return None

    def detention_record(self, plan, prisoner_id):
        """The detention a row creates, as a plain tuple of DETENTION_GIVEN."""
        d = plan.detention
        return (
            prisoner_id,
            d.detained_on,
            d.detained_on_precision,
            d.sentenced_on,
            d.sentenced_on_precision,
            d.sentence,
            d.sentence_months,
            d.charges,
            d.place_of_detention,
        )

    def release_record(self, plan, prisoner_id, destination_id):
        """The release a row creates, as a plain tuple of RELEASE_GIVEN."""
        r = plan.release
        return (
            prisoner_id,
            r.event_id,
            r.date,
            effective_date_of(r.date, self.run.event_dates.get(r.event_id)),
            r.date_precision,
            destination_id,
            self.is_draft,
        )

    # Writing ----------------------------------------------------------------------------------
    def save(self):
        bump_records_version()  # COPY and bulk updates send no signal: the cached reads are stale
        user = self.run.user
        history = {"default_user": user, "default_date": self.now, "batch_size": 1000}
        use_copy = connection.vendor == "postgresql" and setting("IMPORT_USE_COPY", True)
        with connection.cursor() as cursor:
            job_id = self.run.job.pk

            def create(model, given, records):
                """Insert plain tuples of `given`, each naming this import job; the new ids, in order.

                No history row per created record: the job says who created them and when
                (`prisoners.models.BulkImportedModel`, shown by the admin's history pages)."""
                if not records:
                    return []
                self.outcome.inserted[model._meta.db_table] += len(records)
                if use_copy:
                    table = copy_table(model)
                    return table.insert(cursor, given, records, now=self.now, user_id=user.pk, import_job=job_id)
                objs = [
                    model(created_by_import_job=job_id, **dict(zip(given, record, strict=True))) for record in records
                ]
                model.objects.bulk_create(objs, batch_size=1000)
                return [obj.pk for obj in objs]

            self.ensure_sources(history)
            fresh_links = []  # (prisoner id, link) of new people: cannot be there yet
            new_keys = []  # (prisoner id, search text, identity key pairs)
            if self.new_prisoners:
                pids = create(Prisoner, PRISONER_GIVEN, [record for _plan, record in self.new_prisoners])
                external_ids = []
                source_list = self.run.job.source_list
                alias = NameVariant.Kind.ALIAS
                for (plan, record), pid in zip(self.new_prisoners, pids, strict=True):
                    new_keys.append((pid, record[-1], plan.name_key_pairs))
                    if plan.external_id:
                        external_ids.append((pid, source_list, plan.external_id))
                    for name in plan.aliases:
                        self.new_variants.append((pid, name, alias))
                    for link in plan.sources:
                        fresh_links.append((pid, link))
                    if plan.detention is not None:
                        self.new_detentions.append((plan.sources, self.detention_record(plan, pid)))
                    if plan.release is not None:
                        destination_id = self.destination_id(plan.release.destination)
                        self.new_releases.append((plan.sources, self.release_record(plan, pid, destination_id)))
                create(ExternalId, EXTERNAL_ID_GIVEN, external_ids)
            create(ExternalId, EXTERNAL_ID_GIVEN, self.attached_external_ids)
            create(NameVariant, VARIANT_GIVEN, self.new_variants)
            detention_ids = create(Detention, DETENTION_GIVEN, [record for _s, record in self.new_detentions])
            release_ids = create(Release, RELEASE_GIVEN, [record for _s, record in self.new_releases])
            for model, changed in (
                (Prisoner, self.changed_prisoners),
                (Detention, self.changed_detentions),
                (Release, self.changed_releases),
            ):
                if changed:
                    fields = sorted(self.changed_fields[model])
                    write_creation_history(model, list(changed))  # a record created in bulk: its "+" row first
                    bulk_update_with_history(list(changed.values()), model, fields, **history)
            self.link_sources(cursor if use_copy else None, fresh_links, detention_ids, release_ids)
            started = time.perf_counter()
            self.write_new_name_keys(new_keys, cursor if use_copy else None)
            self.run.timings["name_keys"] += time.perf_counter() - started
        touched = set(self.changed_prisoners) | self.rekeyed
        if touched:
            started = time.perf_counter()
            name_keys.refresh_name_keys(sorted(touched))
            self.run.timings["name_keys"] += time.perf_counter() - started

    def write_new_name_keys(self, new_keys, cursor=None):
        """The identity keys and name words of the people this batch creates, computed before they went in.

        A word is sent once per run (`ImportRun.new_words`): a list repeats the same given names and
        surnames, and each would otherwise be offered again in every batch."""
        rows = [(pid, key, whole) for pid, _text, pairs in new_keys for key, whole in pairs]
        words = self.outcome.words = self.run.new_words(text for _pid, text, _pairs in new_keys)
        self.outcome.inserted[NameKey._meta.db_table] += len(rows)  # the duplicate check reads it: fresh statistics
        if cursor is not None:
            copy_rows(cursor, NameKey._meta.db_table, ["prisoner_id", "key", "whole"], rows)
            insert_words(cursor, NameWord._meta.db_table, "word", words)
            return
        NameKey.objects.bulk_create(
            (NameKey(prisoner_id=pk, key=key, whole=whole) for pk, key, whole in rows), batch_size=2000
        )
        NameWord.objects.bulk_create((NameWord(word=w) for w in words), batch_size=2000, ignore_conflicts=True)

    def ensure_sources(self, history):
        links = {link for plan in self.plans for link in plan.sources}
        missing = sorted(link for link in links if link not in self.run.source_ids)
        if not missing:
            return
        # Links are not unique in the database (prisoners.visibility.source_link_taken): each missing link is
        # locked until the commit and looked up again, so neither another import (or part of this one) nor an
        # editor storing the same link meanwhile leaves two sources with it.
        if connection.vendor == "postgresql":
            lock_links(missing)
            self.run.source_ids.update(
                Source.objects.filter(link__in=missing).order_by("-pk").values_list("link", "pk")
            )
            missing = [link for link in missing if link not in self.run.source_ids]
            if not missing:
                return
        created = bulk_create_with_history([Source(link=link) for link in missing], Source, **history)
        self.run.source_ids.update((s.link, s.pk) for s in created)

    def link_sources(self, cursor, fresh_links, detention_ids, release_ids):
        """Sources cite the row: linked to the person, and to the detention and release it creates.

        The links of rows created in this batch cannot be there yet: on PostgreSQL they are COPYed;
        those of stored people are inserted keeping any link already there."""
        ids = self.run.source_ids
        self.check_link_targets(
            {ids[link] for _pid, link in fresh_links}
            | {ids[link] for _pid, link in self.prisoner_source_links}
            | {ids[link] for sources, _record in (*self.new_detentions, *self.new_releases) for link in sources},
            {pid for pid, _link in self.prisoner_source_links},
        )
        links = (
            (Prisoner.sources.through, "prisoner_id", [(pid, ids[link]) for pid, link in fresh_links], True),
            (
                Prisoner.sources.through,
                "prisoner_id",
                [(pid, ids[link]) for pid, link in self.prisoner_source_links],
                False,
            ),
            (
                Detention.sources.through,
                "detention_id",
                [
                    (pk, ids[link])
                    for (sources, _record), pk in zip(self.new_detentions, detention_ids, strict=True)
                    for link in sources
                ],
                True,
            ),
            (
                Release.sources.through,
                "release_id",
                [
                    (pk, ids[link])
                    for (sources, _record), pk in zip(self.new_releases, release_ids, strict=True)
                    for link in sources
                ],
                True,
            ),
        )
        for through, left, pairs, fresh in links:
            if not pairs:
                continue
            if cursor is not None and fresh:
                copy_rows(cursor, through._meta.db_table, [left, "source_id"], pairs)
            elif cursor is not None:
                insert_links(cursor, through, left, "source_id", pairs)
            else:
                rows = [through(**{left: left_id, "source_id": source_id}) for left_id, source_id in pairs]
                through.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)

    @staticmethod
    def check_link_targets(source_ids, stored_people):
        """The link tables have no foreign keys (they were half of each batch's checks): check their targets
        here, once per distinct source and stored person, not once per link. The sources the run remembers
        from earlier batches, and the stored people this batch links, must still be there; on PostgreSQL they
        are locked as a foreign-key check locks them (`FOR KEY SHARE`: nobody deletes them until this batch
        commits). One gone raises IntegrityError: the batch is rolled back and run again, the source
        created anew and the person matched again (`ImportRun.apply_batch`), as a failed foreign key did."""
        for model, wanted in ((Source, source_ids), (Prisoner, stored_people)):
            if not wanted:
                continue
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    table = connection.ops.quote_name(model._meta.db_table)  # a model's table name
                    cursor.execute(
                        f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE", [sorted(wanted)]
                    )
                    present = {pk for (pk,) in cursor.fetchall()}
            else:
                present = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
            if present != set(wanted):
                raise IntegrityError(
                    f"{model._meta.db_table} {sorted(set(wanted) - present)[:5]} deleted while this batch linked them"
                )


_PRECISION_RANK = {"year": 1, "month": 2, "day": 3}


def _vaguer_form_of(new, new_precision, old, old_precision):
    """True when `new` only says less of what `old` says (1962 of 1962-09-25): never a change."""
    if old is None or _PRECISION_RANK[new_precision] >= _PRECISION_RANK[old_precision]:
        return False
    same_year = new.year == old.year
    return same_year if new_precision == "year" else same_year and new.month == old.month
