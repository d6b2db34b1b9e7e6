"""Records an import creates in bulk have no history row each: they name their import job, and the admin's
history page shows who ran it and when as the record's first entry, before the history of later edits."""

import pytest
from django.core.exceptions import ValidationError

from prisoners import services
from prisoners.models import Detention, ExternalId, NameVariant, Prisoner
from releases import services as release_services
from releases.models import Release
from releases.stats import data_last_changed
from tests.imports.conftest import csv_bytes, import_file
from tracker.history import bulk_creations

pytestmark = pytest.mark.django_db

ROWS = (
    "A1,Ales Bialiatski,Ales Bialiatsky,BY,Belarus,male,1962-09-25,2021-07,120,342,,,2025-12-13-release,lt,"
    "https://viasna.example/a1,",
    "A2,Maria Kalesnikava,,BY,BY,female,1982,2020-09-07,132,,sentenced,,,,https://viasna.example/a2,",
)


def test_imported_records_name_their_job_instead_of_writing_a_history_row_each(december_event, importer):
    job = import_file(csv_bytes(*ROWS), user=importer)

    for model, count in ((Prisoner, 2), (ExternalId, 2), (Detention, 2), (Release, 1), (NameVariant, 1)):
        assert list(model.objects.values_list("created_by_import_job", flat=True)) == [job.pk] * count, model
        assert model.history.count() == 0, model
    creation = bulk_creations([job.pk])[job.pk]
    assert (creation.user, creation.at, creation.label) == (
        importer,
        job.started_at,
        f"import job #{job.pk} (people.csv)",
    )


def test_a_re_import_that_changes_a_person_writes_history_as_the_importing_user(december_event, importer):
    import_file(csv_bytes(*ROWS), user=importer)
    changed = ROWS[1].replace("1982,", "1982-04-24,")
    import_file(csv_bytes(ROWS[0], changed), user=importer)

    maria = Prisoner.objects.get(full_name="Maria Kalesnikava")
    rows = maria.history.order_by("history_id")
    assert [(h.history_type, h.history_user, str(h.birth_date)) for h in rows] == [
        ("+", importer, "1982-01-01"),  # as the first import created her, written before the first change
        ("~", importer, "1982-04-24"),
    ]


def history_page(client, user, path):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_history_page_of_an_imported_person_shows_the_job_who_and_when_then_later_edits(
    client, build, december_event, importer
):
    job = import_file(csv_bytes(*ROWS), name="viasna list.csv", user=importer)
    editor = build.user(username="later-editor", superuser=True)
    ales = Prisoner.objects.get(full_name="Ales Bialiatski")
    created_at = ales.created_at

    page = history_page(client, editor, f"/admin/prisoners/prisoner/{ales.pk}/history/")
    entry = " ".join(page[page.index('id="created-in-bulk"') :].split())
    assert f"Created by import job #{job.pk} (viasna list.csv), by importer, at" in entry
    assert f"/admin/imports/importjob/{job.pk}/change/" in entry
    assert "doesn&#x27;t have a change history" not in page

    services.update_prisoner(actor=editor, prisoner=ales, notes="Checked against the court record.")
    # The first change wrote the creation row the import left out: as imported, when, by whom, which job.
    assert [(h.history_type, h.history_user, h.history_date, h.notes) for h in ales.history.order_by("history_id")] == [
        ("+", importer, created_at, ""),
        ("~", editor, ales.history.latest().history_date, "Checked against the court record."),
    ]
    page = " ".join(history_page(client, editor, f"/admin/prisoners/prisoner/{ales.pk}/history/").split())
    assert 'id="created-in-bulk"' not in page
    listed = page[page.index('id="change-history"') :]
    assert listed.index("later-editor") < listed.index("importer")  # newest first: the edit, then the creation
    assert f"import job #{job.pk} (viasna list.csv)" in listed  # the creation row's reason
    assert "Checked against the court record." in listed  # the edit's change, diffed against the creation row

    detention = ales.detentions.get()
    page = history_page(client, editor, f"/admin/prisoners/detention/{detention.pk}/history/")
    assert f"Created by import job #{job.pk} (viasna list.csv), by importer" in " ".join(page.split())
    release = ales.releases.get()
    release_services.update_release(actor=editor, release=release, destination=None)
    assert [h.history_user for h in release.history.order_by("history_id")] == [importer, editor]
    page = history_page(client, editor, f"/admin/releases/release/{release.pk}/history/")
    assert "later-editor" in page and "importer" in page and 'id="created-in-bulk"' not in page


def test_deleting_an_imported_person_keeps_who_created_them_in_history(build, december_event, importer):
    job = import_file(csv_bytes(*ROWS), user=importer)
    editor = build.user(username="editor", superuser=True)
    maria = Prisoner.objects.get(full_name="Maria Kalesnikava")
    pk = maria.pk
    services.delete_prisoner(actor=editor, prisoner=maria)

    rows = Prisoner.history.filter(id=pk).order_by("history_id")
    assert [(h.history_type, h.history_user, h.history_change_reason) for h in rows] == [
        ("+", importer, f"import job #{job.pk} (people.csv)"),
        ("-", editor, None),
    ]
    assert Detention.history.filter(prisoner_id=pk, history_type="+", history_user=importer).count() == 1


def test_a_person_created_by_an_editor_has_no_import_entry(client, build):
    editor = build.user(username="editor", superuser=True)
    person = services.create_prisoner(actor=editor, full_name="Synthetic Person")
    page = history_page(client, editor, f"/admin/prisoners/prisoner/{person.pk}/history/")
    assert 'id="created-in-bulk"' not in page and "editor" in page


def test_who_imported_a_draft_may_not_publish_it_a_second_editor_may(build, december_event):
    importer = build.user(username="importer", perms=["imports.import_records", "prisoners.publish_record"])
    import_file(csv_bytes(*ROWS), user=importer)
    drafts = list(Prisoner.objects.filter(is_draft=True))
    assert len(drafts) == 2

    with pytest.raises(ValidationError, match="second editor"):
        services.publish_prisoners(actor=importer, prisoners=drafts)
    second = build.user(username="second", perms=["prisoners.publish_record"])
    services.publish_prisoners(actor=second, prisoners=drafts)
    assert not Prisoner.objects.filter(is_draft=True).exists()


def test_the_data_last_changed_counts_an_import_that_wrote_no_history_rows(december_event, importer):
    before = data_last_changed()
    job = import_file(csv_bytes(*ROWS), user=importer)
    assert data_last_changed() >= job.finished_at
    assert before is None or before < job.finished_at
