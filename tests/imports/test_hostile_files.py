"""Files built to hurt: each is refused at upload (400 naming the field), fails its job with one clear
file-level error, or costs one row error, always in bounded memory and with the lease kept alive."""

import io
import json
import tracemalloc
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook
from rest_framework.test import APIClient

from imports.jobs import create_import_job
from imports.models import ImportJob
from imports.readers import open_records, sniff_upload
from imports.run import run_import
from prisoners.models import Prisoner
from tests.imports.conftest import errors_of, import_file

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/"
MiB = 1024 * 1024


def xlsx_with_sheet(rows, dimension=None):
    """An XLSX whose first sheet's <sheetData> is written from `rows` (bytes pieces), streamed into the zip."""
    template = io.BytesIO()
    Workbook().save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info.filename))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for piece in rows:
                sheet.write(piece)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def text_row(number, *values):
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>' for i, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def many_rows(count, start=2):
    for number in range(start, start + count):
        yield text_row(number, f"X{number}", f"Person number {number}")


@pytest.fixture
def api(importer):
    client = APIClient()
    client.force_authenticate(importer)
    return client


def upload(api, content, name, **options):
    handle = io.BytesIO(content)
    handle.name = name
    return api.post(URL, {"file": handle, **options}, format="multipart")


# --- XLSX bombs ----------------------------------------------------------------------------------


def test_an_xlsx_sheet_expanding_past_the_limit_is_refused_at_upload(api, settings):
    settings.IMPORT_XLSX_MAX_SHEET_BYTES = 1 * MiB
    content = xlsx_with_sheet([text_row(1, "external_id", "full_name"), *many_rows(40_000)])
    assert len(content) < MiB

    response = upload(api, content, "bomb.xlsx")

    assert response.status_code == 400, response.content
    assert "limit is 1048576 bytes" in response.json()["file"][0]
    assert ImportJob.objects.count() == 0


def test_checking_an_xlsx_without_dimension_reads_its_header_only(settings):
    content = xlsx_with_sheet([text_row(1, "external_id", "full_name"), *many_rows(300_000)])
    tracemalloc.start()
    try:
        sniffed = sniff_upload(io.BytesIO(content), file_name="big.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert sniffed.header == ["external_id", "full_name"]
    assert peak < 4 * MiB, peak


def test_an_xlsx_claiming_the_whole_sheet_costs_only_its_real_rows(importer):
    content = xlsx_with_sheet([text_row(1, "external_id", "full_name"), *many_rows(2)], dimension="A1:XFD1048576")
    job = create_import_job(user=importer, fileobj=io.BytesIO(content), file_name="tiny.xlsx", enqueue=False)
    stream = open_records(job)
    assert stream.count_rows() == 2
    assert [(row, values["full_name"]) for row, values, _problem in stream] == [
        (1, "Person number 2"),
        (2, "Person number 3"),
    ]

    job = run_import(job.pk)
    assert (job.status, job.total_rows, job.created_count) == ("succeeded", 2, 2)


def huge_cell_rows(length):
    yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>X2</t></is></c><c r="B2" t="inlineStr"><is><t>'
    piece = b"a" * MiB
    for _ in range(length // MiB):
        yield piece
    yield b"</t></is></c></row>"
    yield text_row(3, "X3", "Ales Bialiatski")


def test_a_huge_xlsx_cell_is_one_row_error_read_in_bounded_memory(importer):
    content = xlsx_with_sheet([text_row(1, "external_id", "full_name"), *huge_cell_rows(64 * MiB)])
    tracemalloc.start()
    try:
        job = import_file(content, name="cell.xlsx", user=importer)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (job.status, job.created_count, job.failed_count) == ("succeeded", 1, 1)
    assert errors_of(job) == [(1, "", "The cell in column 'full_name' has 67108864 characters; the limit is 32767.")]
    assert peak < 24 * MiB, peak


def with_shared_strings(content, strings):
    """Add a sharedStrings part (and its relationship and content type) to an XLSX built above."""
    out = io.BytesIO()
    shared = "".join(f"<si><t>{text}</t></si>" for text in strings)
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings"/></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            target.writestr(info, data)
        target.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + shared + "</sst>",
        )
    return out.getvalue()


def shared_row(number, *indexes):
    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="s"><v>{index}</v></c>' for i, index in enumerate(indexes))
    return f'<row r="{number}">{cells}</row>'.encode()


def test_a_huge_shared_string_is_one_row_error(importer):
    strings = ["external_id", "full_name", "X1", "b" * 40_000, "X2", "Maria Kalesnikava"]
    sheet = xlsx_with_sheet([shared_row(1, 0, 1), shared_row(2, 2, 3), shared_row(3, 4, 5)])

    job = import_file(with_shared_strings(sheet, strings), name="shared.xlsx", user=importer)

    assert (job.status, job.created_count, job.failed_count) == ("succeeded", 1, 1)
    assert errors_of(job) == [(1, "", "The cell in column 'full_name' has 40000 characters; the limit is 32767.")]


# --- The lease while reading -----------------------------------------------------------------------


def heartbeats(queries):
    return [q for q in queries if q["sql"].startswith("UPDATE") and "heartbeat_at" in q["sql"]]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_empty_rows_renew_the_lease_so_no_second_worker_takes_a_live_job(importer, settings, kind):
    settings.IMPORT_HEARTBEAT_SECONDS = 0
    if kind == "csv":
        content = ("external_id,full_name\n" + ",\n" * 500 + "X1,Ales Bialiatski\n").encode()
    else:
        empty = (f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t></t></is></c></row>'.encode() for n in range(2, 502))
        content = xlsx_with_sheet([text_row(1, "external_id", "full_name"), *empty, text_row(502, "X1", "Ales B")])
    job = create_import_job(user=importer, fileobj=io.BytesIO(content), file_name=f"empty.{kind}", enqueue=False)

    with CaptureQueriesContext(connection) as queries:
        job = run_import(job.pk)

    assert job.status == "succeeded" and job.created_count == 1
    assert len(heartbeats(queries.captured_queries)) >= 500


# --- Encodings -----------------------------------------------------------------------------------

GOOD = b"external_id,full_name\nX1,Ales Bialiatski\n"


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-32", "rot13", "base64", "hex", "zlib", "bz2", "uu", "undefined", "utf-7", "idna"]
)
def test_an_encoding_that_is_not_ascii_compatible_text_is_a_400_naming_encoding(api, encoding):
    response = upload(api, GOOD, "people.csv", encoding=encoding)

    assert response.status_code == 400, response.content
    assert "cannot be read here" in response.json()["encoding"][0]
    assert ImportJob.objects.count() == 0


def test_utf8_declared_as_windows_1251_is_refused_not_garbled(api):
    content = "external_id,full_name\nX1,Алесь Бяляцкі\n".encode()
    response = upload(api, content, "people.csv", encoding="windows-1251")

    assert response.status_code == 400
    assert "reads as UTF-8" in response.json()["encoding"][0]


def test_utf8_rows_past_the_sample_of_a_windows_1251_file_are_row_errors(importer):
    ascii_rows = "".join(f"A{n},Person {n}\n" for n in range(1, 6000))
    content = ("external_id,full_name\n" + ascii_rows + "U1,Алесь Бяляцкі\n").encode()
    assert len(content) > 70_000

    job = import_file(content, user=importer, encoding="windows-1251")

    assert job.status == "succeeded" and job.failed_count == 1
    assert "UTF-8 text, not windows-1251" in errors_of(job)[0][2]
    assert not Prisoner.objects.filter(full_name__startswith="Р").exists()


# --- JSON ----------------------------------------------------------------------------------------


def test_json_nested_200000_deep_is_refused_at_upload(api):
    response = upload(api, b"[" * 200_000 + b"]" * 200_000, "deep.json")

    assert response.status_code == 400
    assert "more than 32 levels deep" in response.json()["file"][0]


def test_json_nested_deep_past_the_sample_fails_the_job_with_a_clear_error(importer):
    objects = [{"external_id": f"J{n}", "full_name": f"Person {n}"} for n in range(3000)]
    text = json.dumps(objects)[:-1] + ', {"full_name": ' + "[" * 100_000 + "]" * 100_000 + "}]"

    job = import_file(text, name="deep.json", user=importer)

    assert job.status == "failed"
    assert "too deep to read" in job.message
    assert "unexpected" not in job.message


def test_a_list_inside_a_list_column_is_a_row_error(importer):
    text = json.dumps([{"full_name": "Ales", "aliases": [["nested"]]}, {"full_name": "Maria"}])

    job = import_file(text, name="people.json", user=importer)

    assert (job.status, job.created_count, job.failed_count) == ("succeeded", 1, 1)


# --- Cells, columns and rows ---------------------------------------------------------------------


def test_a_10_mb_csv_cell_is_one_row_error_and_the_other_rows_go_in(importer):
    content = b"external_id,full_name,notes\nX1,Ales,ok\nX2,Maria," + b"n" * (10 * MiB) + b"\nX3,Pavel,ok\n"

    job = import_file(content, user=importer)

    assert (job.status, job.created_count, job.failed_count) == ("succeeded", 2, 1)
    assert errors_of(job) == [(2, "", "The cell in column 'notes' has 10485760 characters; the limit is 32767.")]


def test_a_csv_line_past_the_row_limit_is_one_row_error(importer, settings):
    settings.IMPORT_MAX_ROW_CHARS = 1000
    content = b"external_id,full_name,notes\nX1,Ales,ok\nX2,Maria," + b"n" * 5000 + b"\nX3,Pavel,ok\n"

    job = import_file(content, user=importer)

    assert (job.status, job.created_count, job.failed_count) == ("succeeded", 2, 1)
    assert errors_of(job) == [(2, "", "This row is longer than 1000 characters; it is not read.")]


def test_a_header_of_100000_columns_is_refused_at_upload(api):
    header = "full_name," + ",".join(f"c{n}" for n in range(99_999))
    response = upload(api, f"{header}\nAles\n".encode(), "wide.csv")

    assert response.status_code == 400
    assert "columns; the limit is 1000" in response.json()["file"][0]


def test_many_unknown_columns_make_one_warning(importer, settings):
    settings.IMPORT_MAX_COLUMNS = 200_000
    header = "full_name," + ",".join(f"c{n}" for n in range(99_999))

    job = import_file(f"{header}\nAles\n", user=importer)

    assert job.status == "succeeded" and job.created_count == 1
    warnings = errors_of(job)
    assert len(warnings) == 1
    assert warnings[0][2].startswith("99999 unknown columns ('c0', 'c1',")
    assert "and 99979 more" in warnings[0][2]


def test_a_file_past_the_row_limit_fails_before_writing(importer, settings):
    settings.IMPORT_MAX_ROWS = 5
    content = "external_id,full_name\n" + "".join(f"X{n},Person {n}\n" for n in range(10))

    job = import_file(content, user=importer)

    assert job.status == "failed"
    assert "the limit is 5" in job.message
    assert Prisoner.objects.count() == 0
