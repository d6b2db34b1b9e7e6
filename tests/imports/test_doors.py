"""The three doors (API, admin upload page, command) and what each answers to bad input and strangers."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from imports.models import ImportJob, ImportProfile
from prisoners.models import Prisoner
from tests.imports.conftest import import_file

pytestmark = pytest.mark.django_db

GOOD = b"external_id,full_name\nA1,Ales Bialiatski\nA2,Maria Kalesnikava\n"
URL = "/api/v1/imports/"


@pytest.fixture
def api(importer):
    client = APIClient()
    client.force_authenticate(importer)
    return client


def upload(client, content, name="people.csv", **data):
    return client.post(URL, {"file": SimpleUploadedFile(name, content), **data}, format="multipart")


# --- API -------------------------------------------------------------------------------------


def test_post_answers_202_with_location_and_the_job_runs_after_commit(
    api, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(api, GOOD)

    assert response.status_code == 202
    # the task is sent only once the job is committed (the import's writes then refresh the read cache's version)
    assert len([c for c in callbacks if getattr(c, "__module__", "") != "tracker.read_cache"]) == 1
    job_url = response.headers["Location"]
    assert job_url == response.json()["url"] and job_url.endswith(f"/api/v1/imports/{response.json()['id']}/")
    job = api.get(job_url).json()
    assert job["status"] == "succeeded"
    assert job["progress"] == {"done": 2, "total": 2}
    assert job["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    assert job["errors"] == []
    assert Prisoner.objects.count() == 2


def test_post_with_options_dry_run_profile_and_visibility(api, eager_celery, django_capture_on_commit_callbacks):
    ImportProfile.objects.create(name="theirs", column_map={"Name": "full_name"})
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, b"Name\nAles\n", dry_run="true", profile="theirs", default_visibility="private")

    job = api.get(response.headers["Location"]).json()
    assert (job["dry_run"], job["profile"], job["default_visibility"]) == (True, "theirs", "private")
    assert job["counts"]["created"] == 1
    assert job["preview"][0]["full_name"] == "Ales" and job["preview"][0]["visibility"] == "private"
    assert Prisoner.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "options", "field", "fragment"),
    [
        (b"", "empty.csv", {}, "file", "empty"),
        (b"\n\n  \n", "blank.csv", {}, "file", "empty"),
        (b"Ales Bialiatski,1962-09-25\nMaria Kalesnikava,1982\n", "no-header.csv", {}, "file", "no full_name column"),
        (bytes(range(256)) * 20, "binary.csv", {}, "file", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.csv", {}, "file", "binary"),
        ("full_name\nАлесь\n".encode("cp1251"), "people.csv", {"encoding": "utf-8"}, "file", "not utf-8"),
        (GOOD, "people.csv", {"encoding": "klingon"}, "encoding", "Unknown encoding"),
        (b'{"full_name": "x"}', "people.json", {}, "file", "list of objects"),
        (b"PK\x03\x04garbage", "people.xlsx", {}, "file", "cannot be opened"),
        (GOOD, "people.csv", {"profile": "nobody"}, "profile", "No import profile"),
        (GOOD, "people.csv", {"default_visibility": "secret"}, "default_visibility", "must be one of"),
        (GOOD, "people.csv", {"dry_run": "perhaps"}, "dry_run", "true or false"),
    ],
)
def test_plainly_unusable_uploads_answer_400_at_once(api, content, name, options, field, fragment):
    response = upload(api, content, name, **options)

    assert response.status_code == 400, response.content
    assert fragment.lower() in response.json()[field][0].lower()
    assert ImportJob.objects.count() == 0


def test_a_file_over_the_size_limit_answers_400(api, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = upload(api, GOOD * 10)

    assert response.status_code == 400
    assert "limit is 100 bytes" in response.json()["file"][0]


def test_a_post_without_a_file_answers_400(api):
    assert api.post(URL, {}, format="multipart").status_code == 400


def test_errors_csv_lists_every_error_with_formulas_neutralised(api, importer):
    rows = [f"E{n},Person {n},sleeping,x" for n in range(1, 1206)]
    job = import_file("external_id,full_name,status,=SUM(A1:A9)\n" + "\n".join(rows), user=importer)
    assert job.failed_count == 1205

    shown = api.get(f"{URL}{job.pk}/").json()
    assert len(shown["errors"]) == 1000 and shown["error_count"] == 1206
    assert shown["errors"][0] == {
        "row": None,
        "field": "=SUM(A1:A9)",
        "message": "Unknown column '=SUM(A1:A9)': its values are not imported.",
        "kind": "warning",
        "line": None,
        "name": "",
        "external_id": "",
        "column": "=SUM(A1:A9)",
        "value": "",
    }
    assert shown["errors"][1] == {
        "row": 1,
        "field": "status",
        "message": shown["errors"][1]["message"],
        "kind": "error",
        "line": 2,
        "name": "Person 1",
        "external_id": "E1",
        "column": "status",
        "value": "sleeping",
    }
    response = api.get(shown["errors_url"])
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "row,field,message,kind,line,name,external_id,column,value"
    assert len(lines) == 1 + 1206
    assert lines[1].startswith(",'=SUM(A1:A9),")  # a spreadsheet shows it as text, never runs it
    assert lines[2].startswith("1,status,")


def test_list_shows_jobs_with_a_fixed_number_of_queries(api, importer, django_assert_num_queries):
    for n in range(6):
        import_file(f"full_name\nPerson {n}\n", user=importer)
    api.get(URL)  # loads the user's permissions once
    for page_size in (2, 5):
        with django_assert_num_queries(2):  # the count, then the page with its creators joined
            response = api.get(URL, {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size


# --- Permissions on every door ---------------------------------------------------------------


@pytest.fixture
def someone_elses_job(build):
    owner = build.user(username="owner", perms=["imports.import_records"])
    return import_file(b"full_name\n<b>Secret</b>\n", user=owner)


def test_anonymous_callers_get_401_on_every_api_door(someone_elses_job):
    client = APIClient()
    for response in (
        client.get(URL),
        upload(client, GOOD),
        client.get(f"{URL}{someone_elses_job.pk}/"),
        client.get(f"{URL}{someone_elses_job.pk}/errors.csv"),
        client.get(f"{URL}{someone_elses_job.pk}/file"),
    ):
        assert response.status_code == 401


def test_users_without_the_import_permission_get_403(build, someone_elses_job):
    stranger = build.user(username="stranger", perms=["prisoners.add_prisoner"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=stranger).key}")
    for response in (
        client.get(URL),
        upload(client, GOOD),
        client.get(f"{URL}{someone_elses_job.pk}/"),
        client.get(f"{URL}{someone_elses_job.pk}/errors.csv"),
        client.get(f"{URL}{someone_elses_job.pk}/file"),
    ):
        assert response.status_code == 403
    assert ImportJob.objects.count() == 1


def test_the_creator_sees_their_job_and_import_staff_see_every_job(build, someone_elses_job):
    owner_client = APIClient()
    owner_client.force_authenticate(someone_elses_job.created_by)
    assert owner_client.get(f"{URL}{someone_elses_job.pk}/").status_code == 200
    stored = owner_client.get(f"{URL}{someone_elses_job.pk}/file")
    assert b"".join(stored.streaming_content) == b"full_name\n<b>Secret</b>\n"
    colleague = APIClient()
    colleague.force_authenticate(build.user(username="colleague", perms=["imports.import_records"]))
    assert colleague.get(f"{URL}{someone_elses_job.pk}/").status_code == 200
    assert [job["id"] for job in colleague.get(URL).json()["results"]] == [someone_elses_job.pk]


def test_admin_pages_refuse_staff_without_the_import_permission(client, build, someone_elses_job):
    staff = build.user(username="staffer", is_staff=True, perms=["prisoners.view_prisoner"])
    client.force_login(staff)
    assert client.get("/admin/imports/importjob/upload/").status_code == 403
    assert client.get(f"/admin/imports/importjob/{someone_elses_job.pk}/change/").status_code == 403
    assert client.get("/admin/imports/importjob/").status_code == 403


# --- Admin -----------------------------------------------------------------------------------


def test_admin_upload_page_imports_and_shows_progress_and_escaped_errors(
    client, build, eager_celery, django_capture_on_commit_callbacks
):
    editor = build.user(username="editor", is_staff=True, perms=["imports.import_records"])
    client.force_login(editor)
    assert b"Import a file" in client.get("/admin/imports/importjob/upload/").content
    content = b"external_id,full_name,status\nA1,Ales,\nA2,Maria,<img src=x onerror=alert(1)>\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/imports/importjob/upload/",
            {"file": SimpleUploadedFile("people.csv", content), "default_visibility": "anonymized"},
        )

    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"/admin/imports/importjob/{job.pk}/change/"
    page = client.get(response["Location"]).content.decode()
    assert f'data-url="/api/v1/imports/{job.pk}/"' in page and "<progress" in page
    assert "imports/job_progress.js" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert job.counts == {"created": 1, "updated": 0, "unchanged": 0, "failed": 1}
    assert Prisoner.objects.get().visibility == "anonymized"


def test_admin_upload_page_shows_why_a_file_is_refused(client, build):
    client.force_login(build.user(username="editor", is_staff=True, perms=["imports.import_records"]))
    response = client.post("/admin/imports/importjob/upload/", {"file": SimpleUploadedFile("e.csv", b"x\x00y")})
    assert response.status_code == 200
    assert "binary" in response.content.decode()
    assert ImportJob.objects.count() == 0


# --- Command ---------------------------------------------------------------------------------


def run_command(tmp_path, content, *args, name="people.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_records", str(path), *args, stdout=out, stderr=out)
    return exit_info.value.code, out.getvalue()


def test_command_exit_codes(tmp_path):
    assert run_command(tmp_path, GOOD)[0] == 0
    code, output = run_command(tmp_path, b"full_name,birth_date\nAles,1962\nBad,soon\n")
    assert code == 2 and "row 2 birth_date:" in output
    code, output = run_command(tmp_path, b"")
    assert code == 1 and "empty" in output


def test_command_json_prints_the_job_as_the_api_shows_it(tmp_path):
    code, output = run_command(tmp_path, GOOD, "--json", "--dry-run")
    job = json.loads(output)

    assert code == 0
    assert (job["status"], job["dry_run"], job["counts"]["created"]) == ("succeeded", True, 2)
    assert job["url"] == f"/api/v1/imports/{job['id']}/"
    assert [p["full_name"] for p in job["preview"]] == ["Ales Bialiatski", "Maria Kalesnikava"]
    assert Prisoner.objects.count() == 0


def test_command_uses_a_profile_and_a_declared_encoding(tmp_path):
    ImportProfile.objects.create(name="cp", column_map={"Імя": "full_name"})
    code, _output = run_command(tmp_path, "Імя\nАлесь\n".encode("cp1251"), "--profile", "cp", "--encoding", "cp1251")
    assert code == 0
    assert Prisoner.objects.get().full_name == "Алесь"
