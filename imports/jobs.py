"""Creating import jobs (every door: API, admin, command) and the queries the doors share.

`create_import_job` checks what can be told at once (size, format, encoding, header, options), stores
the upload in the database and enqueues its task after commit; `imports.run` does the rest.
"""

import hashlib
import os
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.limits import setting
from imports.mapping import ColumnMapping, mapping_problems
from imports.models import ImportJob, ImportProfile, ImportRowError
from imports.readers import ImportFileError, normalise_encoding, sniff_upload, store_upload
from prisoners.models import Visibility

ERRORS_SHOWN = 1000


class ImportRejected(Exception):
    """The upload or its options are plainly unusable: answered at once (400), no job is run."""

    def __init__(self, message, field="file", status=400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


IDEMPOTENCY_KEY = "Idempotency-Key"
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def check_idempotency_key(key):
    if key and not _IDEMPOTENCY_KEY.match(key):
        raise ImportRejected(_("Use 1 to 200 printable ASCII characters, no spaces."), IDEMPOTENCY_KEY)


def _upload_sha256(fileobj):
    digest = hashlib.sha256()
    fileobj.seek(0)
    while piece := fileobj.read(1024 * 1024):
        digest.update(piece)
    fileobj.seek(0)
    return digest.hexdigest()


def _replay(user, key, fileobj):
    """The job this user already created with this key, if any (the same file, or a 409)."""
    job = ImportJob.objects.filter(created_by=user, idempotency_key=key).first()
    if job is None:
        return None
    if job.file_sha256 != _upload_sha256(fileobj):
        raise ImportRejected(
            _("This Idempotency-Key was used for another file (job %(id)s); use a new key for a new upload.")
            % {"id": job.pk},
            IDEMPOTENCY_KEY,
            status=409,
        )
    job.replayed = True
    return job


@transaction.atomic
def create_import_job(
    *,
    user,
    fileobj,
    file_name,
    dry_run=False,
    profile_name="",
    encoding="",
    default_visibility="",
    source_list="",
    enqueue=True,
    idempotency_key="",
    keep_bad_fields=False,
) -> ImportJob:
    """Check the upload, store it in the database and (after commit) enqueue its task.

    Raises ImportRejected for what can be told at once: too large, empty, binary, not CSV/JSON/XLSX,
    an undecodable declared encoding, no header, an unknown profile or option, a header giving one
    single-value column twice. `keep_bad_fields` stores a row without its bad fields (reported). With an
    `idempotency_key` already used by this user for the same file, returns that job (`replayed`).
    """
    creator = user if user is not None and user.is_authenticated else None
    check_idempotency_key(idempotency_key)
    if idempotency_key and creator is not None:
        replayed = _replay(creator, idempotency_key, fileobj)
        if replayed is not None:
            return replayed
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, os.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
    limit = setting("IMPORT_MAX_BYTES", 512 * 1024 * 1024)
    if size > limit:
        raise ImportRejected(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.") % {"size": size, "limit": limit}
        )
    profile = None
    if profile_name:
        profile = ImportProfile.objects.filter(name=profile_name).first()
        if profile is None:
            raise ImportRejected(_("No import profile named '%(name)s'.") % {"name": profile_name}, "profile")
    if default_visibility and default_visibility not in Visibility.values:
        raise ImportRejected(
            _("default_visibility must be one of: %(values)s.") % {"values": ", ".join(Visibility.values)},
            "default_visibility",
        )
    try:
        if encoding:
            normalise_encoding(encoding)
    except ImportFileError as exc:
        raise ImportRejected(str(exc), "encoding") from None
    try:
        sniffed = sniff_upload(fileobj, file_name=file_name, encoding=encoding)
    except ImportFileError as exc:
        raise ImportRejected(str(exc), exc.field) from None
    mapping = profile.as_mapping() if profile else {}
    if keep_bad_fields:
        mapping["keep_bad_fields"] = True
    problems = mapping_problems(mapping)
    if problems:
        raise ImportRejected(" ".join(str(m) for m in problems.values()), "profile")
    if sniffed.header:
        columns = ColumnMapping(sniffed.header, mapping)
        if "full_name" not in columns.columns:
            raise ImportRejected(columns.missing_full_name_message())
        if problem := columns.duplicate_problem():
            raise ImportRejected(problem)

    fields = dict(
        created_by=creator,
        idempotency_key=idempotency_key if creator is not None else "",
        file_name=os.path.basename(file_name)[:255] or "upload",
        file_format=sniffed.file_format,
        encoding=sniffed.encoding,
        dry_run=dry_run,
        profile=profile,
        mapping=mapping,
        source_list=(source_list or mapping.get("source_list") or setting("IMPORT_DEFAULT_SOURCE_LIST", "import"))[
            :100
        ],
        default_visibility=default_visibility or settings.DEFAULT_VISIBILITY,
    )
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(**fields)
    except IntegrityError:  # the same key, sent twice at once: the other request created the job
        replayed = _replay(creator, idempotency_key, fileobj) if idempotency_key else None
        if replayed is None:
            raise
        return replayed
    store_upload(job, fileobj)
    if enqueue:
        enqueue_import(job)
    return job


def enqueue_import(job) -> None:
    """Send the job to a worker once the transaction that created it has committed."""
    from imports.tasks import send_import

    ImportJob.objects.filter(pk=job.pk).update(enqueued_at=timezone.now())
    transaction.on_commit(lambda: send_import(job.pk))


def visible_jobs(user):
    from imports.models import IMPORT_PERMISSION

    if not (user and user.is_authenticated):
        return ImportJob.objects.none()
    if user.has_perm(IMPORT_PERMISSION):
        return ImportJob.objects.all()
    return ImportJob.objects.filter(created_by=user)


def job_errors(job, limit=None):
    queryset = ImportRowError.objects.filter(job=job).order_by(F("row").asc(nulls_first=True), "id")
    return queryset[:limit] if limit else queryset
