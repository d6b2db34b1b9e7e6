"""`?format=csv`: the whole filtered list, streamed, with a header, safe to open in a spreadsheet."""

import csv
import io

import pytest

from tests.csv_download import csv_text
from tracker.api.csv_export import neutralise

pytestmark = pytest.mark.django_db


def rows_of(response):
    assert response.status_code == 200
    assert response.streaming, "a CSV export must stream, not sit in memory"
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(csv_text(response))))  # a whole list ends with its row count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Ales Bialiatski", "Ales Bialiatski"),
        (-5, "-5"),
        (None, ""),
        (["228", "243"], "228|243"),
    ],
)
def test_formula_injection_is_neutralised(text, expected):
    assert neutralise(text) == expected


def test_the_whole_filtered_list_not_one_page(client, build):
    for n in range(7):
        build.prisoner(f"Synthetic Csv {n}", country="BY")
    build.prisoner("Synthetic Elsewhere", country="RU")
    rows = rows_of(client.get("/api/v1/prisoners/", {"format": "csv", "page_size": 2, "country": "BY"}))
    assert rows[0][:4] == ["id", "url", "full_name", "withheld"]
    assert [row[2] for row in rows[1:]] == [f"Synthetic Csv {n}" for n in range(7)]


def test_a_formula_typed_into_a_record_is_neutralised_in_the_export(client, build):
    build.prisoner('=HYPERLINK("http://evil.example","click")', native_name="+cmd|' /C calc'!A0")
    (header, row) = rows_of(client.get("/api/v1/prisoners/", {"format": "csv"}))
    record = dict(zip(header, row, strict=True))
    assert record["full_name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert record["native_name"].startswith("'+")


@pytest.mark.parametrize("resource", ["prisoners", "releases", "release-events", "destinations", "deals", "sources"])
def test_every_list_exports_csv_with_a_header(client, december, resource):
    rows = rows_of(client.get(f"/api/v1/{resource}/", {"format": "csv"}))
    assert rows[0][0] == "id" and len(rows) > 1
    assert all(len(row) == len(rows[0]) for row in rows)


def test_release_csv_of_the_december_event_narrowed_to_ukraine(client, december):
    rows = rows_of(
        client.get(
            "/api/v1/releases/", {"format": "csv", "release_event": "2025-12-13-belarus-frees-123", "destination": "UA"}
        )
    )
    header = rows[0]
    assert sorted(dict(zip(header, row, strict=True))["full_name"] for row in rows[1:]) == [
        "Andrei Ukrainau",
        "Maria Kalesnikava",
        "Name withheld",
    ]


def test_a_whole_list_ends_with_its_row_count_so_a_cut_file_is_told_apart(client, build):
    for n in range(3):
        build.prisoner(f"Synthetic Counted {n}")
    text = b"".join(client.get("/api/v1/prisoners/", {"format": "csv"}).streaming_content).decode()
    assert text.endswith("\r\n# complete: 3 rows\r\n")
    cut = text[: len(text) // 2]
    assert "# complete:" not in cut


def test_the_people_export_builds_no_model_instance_per_row(client, build, monkeypatch):
    from people.api.views import PrisonerViewSet
    from prisoners.models import Prisoner

    for n in range(3):
        build.prisoner(f"Synthetic Plain {n}")
    built = []
    original = Prisoner.from_db.__func__
    monkeypatch.setattr(Prisoner, "from_db", classmethod(lambda cls, *a: built.append(1) or original(cls, *a)))
    rows = rows_of(client.get("/api/v1/prisoners/", {"format": "csv"}))
    assert len(rows) == 4 and built == []
    assert PrisonerViewSet.csv_rows is not PrisonerViewSet.__mro__[1].csv_rows
