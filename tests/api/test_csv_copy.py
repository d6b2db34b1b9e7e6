"""The people CSV written by PostgreSQL's COPY (tracker/api/csv_copy.py, prisoners/api/csv_copy.py) is the same
file, byte for byte, as the rows built in Python (prisoners/api/csv_rows.py, the SQLite path), for every reader."""

from datetime import date
from unittest import mock

import pytest
from rest_framework.test import APIClient

from people.api.views import PrisonerViewSet
from prisoners.api.viewsets import RecordViewSet
from prisoners.models import Detention, Prisoner
from releases.models import Release, ReleaseEvent
from tracker.api import csv_copy
from tracker.api.csv_export import FORMULA_TRIGGERS

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def people(build):
    event = build.event('Synthetic "day", one', slug="synthetic-copy-day")
    later = build.event('=SUM(A1), "title"', slug="synthetic-copy-later", date=date(2026, 2, 1))
    shared = build.source("https://example.org/copy/shared", title="Shared")
    hidden = build.source("https://example.org/copy/hidden", title="Cites a withheld person")
    public = build.prisoner(
        'Алесь Бяляцкі, "the elder"',
        native_name="Алесь Бяляцкі",
        name_variants=["Ales Bialiatski", "=Bialiatski", "Aleś Bialacki"],
        citizenship=["BY", "LT"],
        country="BY",
        birth_date=date(1962, 9, 1),
        birth_date_precision="month",
        sources=[shared, build.source("https://example.org/copy/public"), build.source("https://example.org/copy/2")],
    )
    build.detention(public, detained_on=date(2020, 1, 1), charges="342|130", sentence="10 years")
    build.detention(public, detained_on=date(2021, 7, 14), charges="342|130", sentence_months=120)
    build.release(public, event=event, destination="LT")
    build.release(public, event=later, destination="DE")
    quirky = build.prisoner("Synthetic Quirky", birth_date=date(1990, 1, 1), birth_date_precision="year")
    build.detention(quirky, detained_on=date(2022, 3, 1), detained_on_precision="month", sentence="x")
    build.detention(quirky, detained_on=None)  # an undated detention counts as the latest
    # Text the forms refuse but the database may hold (imports, old rows): edges, line breaks, formulas.
    Detention.objects.filter(prisoner=quirky, detained_on=None).update(
        charges=" 342 | |130\t|", sentence='-1 year,\r\nthen "more"', place_of_detention="@home\nfar"
    )
    Prisoner.objects.filter(pk=quirky.pk).update(native_name="+375 Кто-то", gender="male")
    withheld = build.prisoner(
        "Synthetic Withheld Name",
        visibility="anonymized",
        native_name="Hidden native",
        name_variants=["Hidden variant"],
        sources=[hidden, shared],
    )
    build.detention(withheld, charges="411", sentence="3 years", place_of_detention="Hidden place")
    build.release(withheld, event=event, destination="LT")
    build.prisoner("Synthetic Private Person", visibility="private", sources=[hidden])
    bare = build.prisoner("Synthetic Bare")
    return [public, quirky, withheld, bare]


def _download(client, params):
    response = client.get("/api/v1/prisoners/", {"format": "csv", **params})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _both(client, params):
    copied = _download(client, params)
    with mock.patch.object(PrisonerViewSet, "csv_response", RecordViewSet.csv_response):
        built = _download(client, params)
    return copied, built


@pytest.mark.parametrize(
    "params", [{}, {"ordering": "-id"}, {"search": "Bialiatski"}, {"status": "released"}, {"ordering": "country"}]
)
@pytest.mark.parametrize("reader", ["public", "staff"])
def test_copy_writes_the_python_rows_byte_for_byte(build, people, reader, params):
    client = APIClient()
    if reader == "staff":
        client.force_authenticate(build.user(perms=["prisoners.view_withheld"]))
    copied, built = _both(client, params)
    assert copied == built
    assert copied.rstrip(b"\r\n").rpartition(b"\r\n")[2].startswith(b"# complete: ")


def test_the_file_holds_what_the_test_means_it_to(build, people):
    """The scenario reaches the cases it is for: a withheld person masked, quoting, formulas, non-ASCII."""
    public_file, _built = _both(APIClient(), {})
    text = public_file.decode()
    assert "Name withheld" in text and "Hidden" not in text and "Synthetic Private" not in text
    assert '"Алесь Бяляцкі, ""the elder"""' in text
    assert "'=Bialiatski" in text and "'+375 Кто-то" in text and '\'=SUM(A1), ""title""' in text
    assert '"\'-1 year,\r\nthen ""more"""' in text and "342|130" in text and "1962-09" in text
    assert "https://example.org/copy/public|https://example.org/copy/2" in text
    assert "https://example.org/copy/hidden" not in text and "copy/shared" not in text
    client = APIClient()
    client.force_authenticate(build.user(perms=["prisoners.view_withheld"]))
    staff_file, _built = _both(client, {})
    assert b"Synthetic Private Person" in staff_file and b"https://example.org/copy/hidden" in staff_file


def test_formula_triggers_are_the_python_ones():
    assert csv_copy.FORMULA_CODES == ", ".join(str(ord(trigger)) for trigger in FORMULA_TRIGGERS)


def test_a_failed_copy_ends_without_the_completeness_line(people, monkeypatch):
    """A COPY that fails half way raises: the transfer is cut and lacks `# complete`, never a short file."""
    monkeypatch.setattr(csv_copy, "PIECE_BYTES", 1)

    def broken(self, row):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(csv_copy._RowWriter, "write", broken)
    response = APIClient().get("/api/v1/prisoners/", {"format": "csv"})
    pieces = []
    with pytest.raises(RuntimeError):
        for piece in response.streaming_content:
            pieces.append(piece)
    assert b"# complete" not in b"".join(pieces)


def test_the_rows_are_cut_into_bounded_pieces(people, monkeypatch):
    monkeypatch.setattr(csv_copy, "PIECE_BYTES", 1)
    response = APIClient().get("/api/v1/prisoners/", {"format": "csv"})
    pieces = list(response.streaming_content)
    assert len(pieces) == 2 + 4  # the header, one piece per person, the last line


@pytest.mark.django_db(transaction=True)
def test_a_reader_who_goes_away_leaves_the_connection_as_it_was(build, monkeypatch):
    """Closing the response half way stops the COPY; the connection keeps its own settings."""
    from django.db import connection

    for n in range(3):
        build.prisoner(f"Synthetic Leaver {n}")
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        (before,) = cursor.fetchone()
    monkeypatch.setattr(csv_copy, "PIECE_BYTES", 1)  # a piece per row
    response = APIClient().get("/api/v1/prisoners/", {"format": "csv"})
    pieces = iter(response.streaming_content)
    header, first_row = next(pieces), next(pieces)
    response.close()
    assert header.startswith(b"id,url,full_name") and b"Synthetic Leaver" in first_row
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone() == (before,)
        cursor.execute("SELECT count(*) FROM prisoners_prisoner")
        assert cursor.fetchone() == (3,)


@pytest.fixture
def drafts(build, people):
    """Drafts beside the published records: a draft person with a release, a draft release of a published person
    and a release in a draft event, both later than the published ones (the latest release a reader sees)."""
    public, quirky, _withheld, _bare = people
    draft_person = build.prisoner("Synthetic Draft Person", country="BY")
    build.detention(draft_person, charges="342")
    draft_event = build.event("Synthetic draft event", slug="synthetic-copy-draft", date=date(2026, 6, 1))
    build.release(draft_person, event=draft_event, destination="LT")
    draft_release = build.release(quirky, event=draft_event, destination="PL")
    build.release(public, event=draft_event, destination="UA")
    Prisoner.objects.filter(pk=draft_person.pk).update(is_draft=True)
    Release.objects.filter(pk=draft_release.pk).update(is_draft=True)
    ReleaseEvent.objects.filter(pk=draft_event.pk).update(is_draft=True)
    return draft_person


@pytest.mark.parametrize("params", [{}, {"status": "released"}, {"ordering": "-id"}])
@pytest.mark.parametrize("reader", ["public", "staff", "editor"])
def test_drafts_are_left_out_as_the_python_rows_leave_them(build, drafts, reader, params):
    """The latest release each reader sees, drafts decided by the same rules on both paths; an editor sees them."""
    client = APIClient()
    perms = {"public": None, "staff": ["prisoners.view_withheld"], "editor": ["prisoners.change_prisoner"]}[reader]
    if perms:
        client.force_authenticate(build.user(perms=perms))
    copied, built = _both(client, params)
    assert copied == built
    drafts_shown = b"synthetic-copy-draft" in copied
    assert drafts_shown == (reader == "editor")
    if "status" not in params:
        assert (b"Synthetic Draft Person" in copied) == (reader == "editor")
