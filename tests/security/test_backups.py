"""Backups you can trust: `manage.py backup` then `restore` into an empty database gives back every
record, its history, the users and their permissions, and the stored uploads."""

import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

from imports.jobs import create_import_job
from imports.models import ImportFileChunk, ImportJob
from imports.run import run_import
from prisoners.models import Prisoner
from tracker.backups import EXCLUDED

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    """Every row of every backed-up table, as plain values, in primary-key order."""
    skipped = {label.lower() for label in EXCLUDED}
    tables = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in skipped or model._meta.app_label in skipped:
            continue
        rows = []
        for row in model.objects.order_by("pk").values():
            rows.append({k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()})
        tables[label] = rows
    for model in (apps.get_model("auth.User"), Group):
        for obj in model.objects.order_by("pk"):
            perms = obj.user_permissions if hasattr(obj, "user_permissions") else obj.permissions
            tables[f"{model._meta.label_lower}.permissions"] = sorted(p.codename for p in perms.all())
    return tables


def test_a_backup_restored_into_an_empty_database_equals_the_original(build, tmp_path):
    editor = build.user(username="editor", perms=["prisoners.view_withheld", "imports.import_records"])
    reviewers = Group.objects.create(name="reviewers")
    reviewers.permissions.add(Permission.objects.get(codename="change_prisoner"))
    editor.groups.add(reviewers)
    event = build.event(title="Synthetic release", slug="synthetic-release")
    person = build.prisoner(full_name="Synthetic Person", visibility="anonymized")
    build.release(person, event)
    upload = b"external_id,full_name,release_event\nB1,Synthetic Imported,synthetic-release\n"
    job = create_import_job(user=editor, fileobj=io.BytesIO(upload), file_name="people.csv", enqueue=False)
    run_import(job.pk)
    before = snapshot()
    assert before["prisoners.historicalprisoner"] and before["imports.importfilechunk"]

    call_command("backup", str(tmp_path / "backup.tar.gz"))
    call_command("flush", interactive=False, verbosity=0)
    assert not Prisoner.objects.exists() and not ImportJob.objects.exists()
    call_command("restore", str(tmp_path / "backup.tar.gz"))

    assert snapshot() == before
    restored = b"".join(bytes(c.data) for c in ImportFileChunk.objects.filter(job_id=job.pk).order_by("index"))
    assert restored == upload
    assert apps.get_model("auth.User").objects.get(username="editor").has_perm("prisoners.view_withheld")


def test_restore_refuses_a_database_that_is_not_empty(build, tmp_path):
    build.prisoner(full_name="Synthetic Person")
    call_command("backup", str(tmp_path / "backup.tar.gz"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "backup.tar.gz"))
