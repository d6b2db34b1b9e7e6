"""The profile editor in admin, profile files, the templates and job pages that tell the truth."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from imports.jobs import create_import_job
from imports.lease import claim_job
from imports.models import CANONICAL_COLUMNS, ImportJob, ImportProfile
from imports.run import ImportRun
from tests.imports.conftest import import_file

pytestmark = pytest.mark.django_db

SAMPLE = (
    "page,fio,state,article_1,article_2,photo\n"
    "https://t.example/people/7,Ales Bialiatski,political prisoner,342,нет,a.jpg\n"
    "https://t.example/people/8,Maria Kalesnikava,freed,361,342,b.jpg\n"
)


@pytest.fixture
def editor(client, build):
    client.force_login(build.user(username="editor", is_staff=True, perms=["imports.import_records"]))
    return client


def sample_json(response):
    return response.context["sample_json"]


def editor_fields(sample, **extra):
    fields = {
        "sample_json": sample,
        "name": "their-tracker",
        "source_list": "their-tracker",
        "empty_values": "нет",
        "separator": "; ",
        "on_name_match": "flag",
        "map_0": "external_id",
        "also_0": "sources",
        "map_1": "full_name",
        "map_2": "status",
        "value_2_0": "__empty__",
        "value_2_1": "released",
        "map_3": "charges",
        "map_4": "charges",
        "map_5": "__ignore__",
        "const_country": "BY",
        "regex_external_id": r"/people/(\d+)",
    }
    return fields | extra


def test_the_editor_reads_a_sample_maps_it_with_drop_downs_and_saves_a_profile(editor):
    page = editor.post("/admin/imports/importprofile/editor/", {"sample": SimpleUploadedFile("s.csv", SAMPLE.encode())})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="map_0"' in html and 'name="also_0"' in html  # drop-downs per column, one column usable twice
    assert 'name="value_2_1"' in html and "freed" in html  # a value table for their status words
    sample = sample_json(page)

    preview = editor.post("/admin/imports/importprofile/editor/preview/", editor_fields(sample)).json()
    assert preview["problems"] == {}
    first = preview["rows"][0]
    assert first["line"] == 2
    assert first["stored"]["external_id"] == "7"
    assert first["stored"]["sources"] == ["https://t.example/people/7"]
    assert first["stored"]["country"] == "BY"
    assert first["stored"]["detention"]["charges"] == ["342"]

    saved = editor.post("/admin/imports/importprofile/editor/", editor_fields(sample, save="1"))
    assert saved.status_code == 302
    profile = ImportProfile.objects.get(name="their-tracker")
    assert profile.column_map["page"] == ["external_id", "sources"]
    assert profile.ignored_columns == ["photo"]
    assert profile.value_map == {"status": {"political prisoner": "", "freed": "released"}}
    assert profile.constants == {"country": "BY"}
    assert profile.history.count() == 1
    assert editor.get(saved["Location"]).status_code == 200  # reopened without a sample: its headers


def test_the_editor_refuses_a_profile_that_would_overwrite_a_column(editor):
    page = editor.post("/admin/imports/importprofile/editor/", {"sample": SimpleUploadedFile("s.csv", SAMPLE.encode())})
    fields = editor_fields(sample_json(page), save="1", map_4="full_name")
    response = editor.post("/admin/imports/importprofile/editor/", fields)
    assert response.status_code == 200
    assert "fio, article_2 all map to full_name" in response.content.decode()
    assert not ImportProfile.objects.exists()
    preview = editor.post("/admin/imports/importprofile/editor/preview/", fields).json()
    assert "column_map" in preview["problems"]


def test_profiles_go_out_and_come_back_as_json_files(editor):
    ImportProfile.objects.create(
        name="shared", column_map={"Name": "full_name"}, constants={"country": "BY"}, ignored_columns=["x"]
    )
    profile = ImportProfile.objects.get()
    exported = editor.get(f"/admin/imports/importprofile/{profile.pk}/export/")
    assert exported["Content-Disposition"].startswith("attachment")
    document = json.loads(exported.content)
    assert (document["name"], document["constants"], document["ignored_columns"]) == (
        "shared",
        {"country": "BY"},
        ["x"],
    )

    document["name"] = "shared-copy"
    loaded = editor.post(
        "/admin/imports/importprofile/load/",
        {"file": SimpleUploadedFile("p.json", json.dumps(document).encode())},
    )
    assert loaded.status_code == 302
    assert ImportProfile.objects.get(name="shared-copy").as_mapping() | {"name": "shared"} == profile.as_mapping()
    bad = editor.post(
        "/admin/imports/importprofile/load/",
        {"file": SimpleUploadedFile("p.json", b'{"name": "x", "column_map": {"a": "nope"}}')},
    )
    assert bad.status_code == 200 and "Not import columns: nope" in bad.content.decode()


def test_the_upload_page_offers_templates_with_every_column_a_description_and_an_example(editor):
    page = editor.get("/admin/imports/importjob/upload/").content.decode()
    assert "/admin/imports/importjob/template.csv" in page and "/admin/imports/importjob/template.xlsx" in page
    rows = list(
        csv.reader(io.StringIO(editor.get("/admin/imports/importjob/template.csv").content.decode("utf-8-sig")))
    )
    assert rows[0] == list(CANONICAL_COLUMNS)
    assert len(rows) == 3 and all(rows[1]) and rows[2][1] == "Ales Bialiatski"
    sheet = load_workbook(io.BytesIO(editor.get("/admin/imports/importjob/template.xlsx").content)).active
    assert [c.value for c in next(sheet.iter_rows())] == list(CANONICAL_COLUMNS)
    assert sheet.max_row == 3
    assert editor.get("/admin/imports/importjob/template.pdf").status_code == 404


def test_templates_and_editor_need_the_import_permission(client, build):
    client.force_login(build.user(username="staffer", is_staff=True, perms=["prisoners.view_prisoner"]))
    assert client.get("/admin/imports/importjob/template.csv").status_code == 403
    assert client.get("/admin/imports/importprofile/editor/").status_code == 403


def test_the_job_page_says_finished_with_failed_rows_and_keeps_warnings_apart(editor, build):
    build.prisoner("Ales Bialiatski", birth_date="1962-09-25")
    user = build.user(username="someone", perms=["imports.import_records"])
    job = import_file(
        "external_id,full_name,birth_date,status\nN1,Ales Bialiatski,1962-09-25,\nN2,Bad Row,1990,sleeping\n",
        user=user,
    )
    page = editor.get(f"/admin/imports/importjob/{job.pk}/change/").content.decode()
    assert "finished with 1 failed row" in page
    assert f'href="/api/v1/imports/{job.pk}/errors.csv"' in page and "Download all errors" in page
    errors_at = page.index('id="import-errors"')
    warnings_at = page.index('id="import-warnings"')
    assert errors_at < page.index("sleeping") < warnings_at < page.index("Same name and birth date")
    assert editor.get(f"/api/v1/imports/{job.pk}/").json()["outcome"] == "finished with 1 failed row"


def test_progress_moves_for_a_small_file(importer):
    rows = "\n".join(f"Person {n}" for n in range(300))
    job = create_import_job(
        user=importer, fileobj=io.BytesIO(f"full_name\n{rows}\n".encode()), file_name="p.csv", enqueue=False
    )
    run = ImportRun(claim_job(job.pk, "worker-1"), "worker-1", importer)
    run.run()
    assert run.batch_size == 50  # about twenty checkpoints, not one batch of 2,000
    assert ImportJob.objects.get(pk=job.pk).created_count == 300
