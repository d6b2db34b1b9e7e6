"""The import pipeline: formats, row rules, profiles, dry runs, idempotency and history."""

import io
import json
from datetime import date

import pytest
from openpyxl import Workbook

from imports.models import ImportJob, ImportProfile
from prisoners.models import Detention, ExternalId, NameKey, NameVariant, NameWord, Prisoner, Source
from prisoners.names.keys import refresh_name_keys
from releases.models import Destination, Release
from tests.imports.conftest import HEADER, csv_bytes, errors_of, import_file

pytestmark = pytest.mark.django_db

BIALIATSKI = "A1,Ales Bialiatski,Ales Bialiatsky|Алесь Бяляцкі,BY,Belarus,male,1962-09-25,2021-07,120,342|243,,,{event},lt,https://viasna.example/a1,"  # noqa: E501
KALESNIKAVA = "A2,Maria Kalesnikava,,BY,BY,female,1982,2020-09-07,132,,sentenced,,,,https://viasna.example/a2,"


def people_file(event_slug="2025-12-13-release"):
    return csv_bytes(BIALIATSKI.format(event=event_slug), KALESNIKAVA)


def test_csv_rows_become_people_with_their_timeline(december_event, importer):
    job = import_file(people_file(), user=importer)

    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.counts == {"created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    assert (job.rows_done, job.total_rows) == (2, 2)
    ales = Prisoner.objects.get(external_ids__external_id="A1")
    assert ales.full_name == "Ales Bialiatski"
    assert [c.code for c in ales.citizenship] == ["BY"]
    assert (ales.country.code, ales.gender, ales.birth_date) == ("BY", "male", date(1962, 9, 25))
    assert ales.status == "released"  # detained 2021, freed in the December event
    assert sorted(ales.name_variants.values_list("name", flat=True)) == ["Ales Bialiatsky", "Алесь Бяляцкі"]
    detention = ales.detentions.get()
    assert (detention.detained_on, detention.detained_on_precision) == (date(2021, 7, 1), "month")
    assert (detention.charge_list, detention.sentence_months) == (["342", "243"], 120)
    release = ales.releases.get()
    assert (release.event, release.destination.code) == (december_event, "LT")
    assert list(ales.sources.values_list("link", flat=True)) == ["https://viasna.example/a1"]
    maria = Prisoner.objects.get(external_ids__external_id="A2")
    assert (maria.status, maria.birth_date_precision, maria.visibility) == ("sentenced", "year", "public")


def test_created_records_name_the_job_that_the_importing_user_ran(december_event, importer):
    """No history row per created record: each names its import job, which says who and when
    (tests/imports/test_bulk_history.py shows it on the admin's history pages)."""
    job = import_file(people_file(), user=importer)

    for model, count in ((Prisoner, 2), (ExternalId, 2), (Detention, 2), (Release, 1), (NameVariant, 2)):
        assert model.objects.filter(created_by_import_job=job.pk).count() == count, model
        assert model.history.count() == 0, model
    assert job.created_by == importer


def test_importing_the_same_file_twice_creates_nothing_new(december_event, importer):
    first = import_file(people_file(), user=importer)
    again = import_file(people_file(), user=importer)

    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "failed": 0}
    assert Prisoner.objects.count() == 2
    assert (NameVariant.objects.count(), Detention.objects.count(), Release.objects.count()) == (2, 2, 1)
    assert (ExternalId.objects.count(), Source.objects.count()) == (2, 2)
    assert Prisoner.history.count() == 0  # an unchanged row writes no history (nor did the created ones)
    assert set(Prisoner.objects.values_list("created_by_import_job", flat=True)) == {first.pk}


def test_a_changed_row_updates_the_person_and_adds_to_their_timeline(december_event, importer):
    import_file(people_file(), user=importer)
    changed = csv_bytes(
        BIALIATSKI.format(event="2025-12-13-release"),
        "A2,Maria Kalesnikava,Maryia Kalesnikava,BY,BY,female,1982-04-24,2020-09-07,132,,,,"
        "2025-12-13-release,Ukraine,,",
    )
    job = import_file(changed, user=importer)

    assert job.counts == {"created": 0, "updated": 1, "unchanged": 1, "failed": 0}
    maria = Prisoner.objects.get(external_ids__external_id="A2")
    assert (maria.birth_date, maria.birth_date_precision, maria.status) == (date(1982, 4, 24), "day", "released")
    assert maria.releases.get().destination.code == "UA"
    assert maria.detentions.count() == 1  # same detained_on: the same detention, not a new one
    assert list(maria.name_variants.values_list("name", flat=True)) == ["Maryia Kalesnikava"]
    assert maria.history.filter(history_type="~", history_user=importer).count() == 1


def test_empty_cells_never_clear_stored_values(december_event, importer):
    import_file(people_file(), user=importer)
    import_file(csv_bytes("A2,Maria Kalesnikava,,,,,,,,,,,,,,", header=HEADER), user=importer)

    maria = Prisoner.objects.get(external_ids__external_id="A2")
    assert (maria.gender, maria.country.code, maria.status) == ("female", "BY", "sentenced")


def test_every_bad_row_is_reported_and_the_good_rows_go_in(december_event, importer):
    content = csv_bytes(
        KALESNIKAVA,
        "A3,,,,,,,,,,,,,,,",
        "A4,Bad Dates,,,,,1990-13-01,someday,,,,,,,,",
        "A5,Unknown Event,,,,,,2021,,,,,no-such-event,,,",
        "A2,Maria Again,,,,,,,,,,,,,,",
        "A6,Contradiction,,,,,,2021,,,released,,,,,",
        "A7,Bad Tokens,,XX,Atlantis,robot,,,-3,,jailed,,,,,",
        "A8,Destination Alone,,,,,,,,,,,,LT,,",
    )
    job = import_file(content, user=importer)

    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.counts == {"created": 1, "updated": 0, "unchanged": 0, "failed": 7}
    errors = errors_of(job)
    fields_by_row = {}
    for row, field, _message in errors:
        fields_by_row.setdefault(row, []).append(field)
    fields_by_row = {row: sorted(fields) for row, fields in fields_by_row.items()}
    assert fields_by_row == {
        2: ["full_name"],
        3: ["birth_date", "detained_on"],
        4: ["release_event"],
        5: ["external_id"],
        6: ["status"],
        7: ["citizenship", "country", "gender", "sentence_months", "status"],
        8: ["destination"],
    }
    assert ("release_event", "No release event with the slug 'no-such-event'.") in [(f, m) for _r, f, m in errors]
    assert Prisoner.objects.count() == 1


def test_a_row_contradicting_the_stored_timeline_is_an_error(december_event, importer):
    import_file(people_file(), user=importer)  # Ales: released in December
    job = import_file(csv_bytes("A1,Ales Bialiatski,,,,,,,,,detained,,,,,"), user=importer)

    assert job.counts["failed"] == 1
    assert errors_of(job)[0][1] == "status"
    assert Prisoner.objects.get(external_ids__external_id="A1").status == "released"


def test_html_and_formula_payloads_are_stored_as_plain_text(importer):
    content = csv_bytes(
        'X1,"<script>alert(1)</script>",,,,,,,,,,,,,,', 'X2,"=HYPERLINK(""http://evil"")",,,,,,,,,,,,,,'
    )
    import_file(content, user=importer)

    names = sorted(Prisoner.objects.values_list("full_name", flat=True))
    assert names == ["<script>alert(1)</script>", '=HYPERLINK("http://evil")']


def test_headers_match_case_insensitively_and_unknown_columns_are_reported(importer):
    content = "Full_Name,EXTERNAL_ID,Shoe Size\nAles Bialiatski,A1,44\n"
    job = import_file(content, user=importer)

    assert job.counts["created"] == 1
    assert errors_of(job) == [(None, "Shoe Size", "Unknown column 'Shoe Size': its values are not imported.")]
    assert job.failed_count == 0


def test_utf8_with_bom_and_windows_1251_are_read(importer):
    bom = "\ufefffull_name,external_id\nАлесь Бяляцкі,A1\n".encode()
    cp1251 = "full_name,external_id\nМарыя Калеснікава,A2\n".replace("і", "i").encode("windows-1251")
    first = import_file(bom, user=importer)
    second = import_file(cp1251, user=importer)

    assert (first.encoding, second.encoding) == ("utf-8-sig", "windows-1251")
    assert set(Prisoner.objects.values_list("full_name", flat=True)) == {"Алесь Бяляцкі", "Марыя Калеснiкава"}


def test_a_declared_encoding_is_used(importer):
    content = "full_name\nАлесь\n".encode("cp1251")
    job = import_file(content, encoding="cp1251", user=importer)
    assert job.encoding == "windows-1251"
    assert Prisoner.objects.get().full_name == "Алесь"


def test_json_list_of_objects_with_lists_as_arrays(december_event, importer):
    content = json.dumps(
        [
            {"external_id": "J1", "full_name": "Ihar Losik", "aliases": ["Ігар Лосік"], "charges": ["342", "361"],
             "detained_on": "2020-06-25", "release_event": "2025-12-13-release", "sentence_months": 180},
            {"external_id": "J2", "full_name": "Siarhei Tsikhanouski", "status": "sentenced", "detained_on": "2020"},
            {"external_id": "J3", "full_name": None},
        ]
    )  # fmt: skip
    job = import_file(content, name="people.json", user=importer)

    assert job.file_format == "json"
    assert job.counts == {"created": 2, "updated": 0, "unchanged": 0, "failed": 1}
    losik = Prisoner.objects.get(full_name="Ihar Losik")
    assert losik.detentions.get().charge_list == ["342", "361"]
    assert losik.detentions.get().sentence_months == 180
    assert losik.status == "released"
    assert errors_of(job)[0][:2] == (3, "full_name")


def test_xlsx_first_sheet(importer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["External_ID", "Full_Name", "Birth_Date", "Sentence_Months"])
    sheet.append(["X1", "Mikalai Statkevich", date(1956, 8, 12), 168])
    sheet.append([None, None, None, None])
    sheet.append(["X2", "Pavel Seviarynets", "1976", 84.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = import_file(buffer.getvalue(), name="people.xlsx", user=importer)

    assert (job.file_format, job.status) == ("xlsx", "succeeded")
    assert job.counts["created"] == 2
    statkevich = Prisoner.objects.get(full_name="Mikalai Statkevich")
    assert statkevich.birth_date == date(1956, 8, 12)
    assert statkevich.detentions.get().sentence_months == 168


def test_a_profile_maps_their_columns_and_values_to_ours(importer):
    ImportProfile.objects.create(
        name="other-tracker",
        source_list="other-tracker",
        column_map={"ID": "external_id", "Name": "full_name", "State": "status", "Arrested": "detained_on"}
        | {f"charge_{n}": "charges" for n in range(1, 13)},
        value_map={"status": {"former": "released", "current": "detained"}},
        empty_values=["FALSE", "n/a"],
    )
    header = "ID,Name,State,Arrested," + ",".join(f"charge_{n}" for n in range(1, 13))
    content = "\n".join(
        [
            header,
            "7,Ales Bialiatski,current,2021-07-14,342,243," + ",".join(["FALSE"] * 10),
            "8,Natallia Hersche,FALSE,n/a," + ",".join(["n/a"] * 12),
        ]
    )
    job = import_file(content, profile_name="other-tracker", user=importer)

    assert job.counts == {"created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    assert job.source_list == "other-tracker"
    ales = Prisoner.objects.get(external_ids__source_list="other-tracker", external_ids__external_id="7")
    assert ales.status == "detained"
    assert ales.detentions.get().charge_list == ["342", "243"]
    natallia = Prisoner.objects.get(full_name="Natallia Hersche")
    assert (natallia.status, natallia.detentions.count()) == ("unknown", 0)


def test_dry_run_previews_and_counts_but_writes_nothing(december_event, importer):
    import_file(people_file(), user=importer)
    before = (Prisoner.objects.count(), Prisoner.history.count(), Release.objects.count())
    content = csv_bytes(
        BIALIATSKI.format(event="2025-12-13-release"),
        "A2,Maria Kalesnikava,,,,,,,,,,,2025-12-13-release,UA,,",
        "A9,New Person,,,,,,2022,,,,,,,,",
        "A10,,,,,,,,,,,,,,,",
    )
    job = import_file(content, dry_run=True, user=importer)

    assert job.counts == {"created": 1, "updated": 1, "unchanged": 1, "failed": 1}
    assert [(p["row"], p["action"]) for p in job.preview] == [(1, "unchanged"), (2, "update"), (3, "create")]
    new_person = job.preview[2]
    assert (new_person["full_name"], new_person["status"], new_person["visibility"]) == (
        "New Person",
        "detained",
        "public",
    )
    assert new_person["detention"]["detained_on"] == "2022"
    assert (Prisoner.objects.count(), Prisoner.history.count(), Release.objects.count()) == before
    assert not Destination.objects.filter(country="UA").exists()


def test_default_visibility_applies_to_rows_that_do_not_say(importer):
    content = "full_name,visibility\nSaid Public,public\nNot Said,\n"
    import_file(content, default_visibility="anonymized", user=importer)

    assert dict(Prisoner.objects.values_list("full_name", "visibility")) == {
        "Said Public": "public",
        "Not Said": "anonymized",
    }


def test_rows_without_external_id_attach_to_the_same_person_by_name_and_birth_date(build, importer):
    existing = build.prisoner(full_name="Ales Bialiatski", birth_date=date(1962, 9, 25))
    job = import_file(
        "full_name,birth_date,detained_on\n"
        "Ales Byalyatski,1962,2021-07-14\n"  # another spelling, a year-only birth date: the same person
        "Ales Bialiatski,1970-01-01,\n"  # same name, another birth date: flagged, imported as new
        "Synthetic Newcomer,,\n",
        user=importer,
    )

    assert job.counts == {"created": 2, "updated": 1, "unchanged": 0, "failed": 0}
    existing.refresh_from_db()
    assert existing.detentions.count() == 1
    assert existing.full_name == "Ales Bialiatski"
    assert existing.name_variants.filter(name="Ales Byalyatski").exists()
    # A vaguer date that agrees with the stored one does not overwrite it.
    assert (existing.birth_date, existing.birth_date_precision) == (date(1962, 9, 25), "day")
    assert [(row, field) for row, field, _m in errors_of(job)] == [(2, "full_name")]
    assert job.row_errors.get().kind == "warning"
    assert Prisoner.objects.filter(full_name="Ales Bialiatski").count() == 2


def test_imported_names_are_indexed_in_the_same_pass_as_the_names_index_would(importer):
    """Keys written with the new rows equal what `refresh_name_keys` computes: nothing to redo after."""
    import_file(
        "external_id,full_name,native_name,aliases\n"
        "A1,Ales Bialiatski,Алесь Бяляцкі,Ales Byalyatski\n"
        "A2,Maria Kalesnikava,,\n",
        user=importer,
    )

    def index_state():
        people = sorted(Prisoner.objects.values_list("pk", "name_keys"))
        keys = sorted(NameKey.objects.values_list("prisoner_id", "key", "whole"))
        return people, keys, sorted(NameWord.objects.values_list("word", flat=True))

    written = index_state()
    assert written[0][0][1] and written[1]
    refresh_name_keys(Prisoner.objects.values_list("pk", flat=True))
    assert index_state() == written


def test_rows_are_written_in_batches_with_a_checkpoint(settings, importer):
    settings.IMPORT_BATCH_SIZE = 3
    rows = [f"B{n},Person {n}" for n in range(1, 11)]
    job = import_file("external_id,full_name\n" + "\n".join(rows) + "\n", user=importer)

    assert (job.rows_done, job.total_rows, job.counts["created"]) == (10, 10, 10)
    assert set(job.timings) >= {"read", "validate", "match", "write", "checkpoint"}


@pytest.mark.postgres
def test_postgres_copy_path_writes_what_simple_history_bulk_functions_write(settings, december_event, importer):
    """The COPY fast path and bulk_create_with_history give the same rows and the same history rows."""

    def snapshot():
        def rows(model, *exclude):
            skip = {"id", "created_at", "updated_at", "history_id", "history_date", "created_by_import_job"}
            skip |= {"history_change_reason", *exclude}  # the job ids differ between the two runs
            names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
            return sorted(tuple(str(v) for v in row) for row in model.objects.values_list(*names))

        tables = [Prisoner, Detention, Release, NameVariant, ExternalId]
        keep = {"prisoner_id", "name_keys"}
        result = [rows(model, *keep) for model in tables]
        result += [rows(model.history.model, *keep) for model in tables]
        result.append(sorted(Prisoner.sources.through.objects.values_list("source__link", flat=True)))
        return result

    content = people_file()
    settings.IMPORT_USE_COPY = False
    import_file(content, user=importer)
    with_orm = snapshot()
    Prisoner.objects.all().delete()
    Source.objects.all().delete()
    for model in (Prisoner, Source, NameVariant, Detention, Release, ExternalId):
        model.history.all().delete()

    settings.IMPORT_USE_COPY = True
    import_file(content, user=importer)
    assert snapshot() == with_orm
    job = ImportJob.objects.latest("pk")
    assert Prisoner.objects.get(full_name="Ales Bialiatski").created_by_import_job == job.pk
    assert Prisoner.history.count() == 0


@pytest.mark.postgres
def test_postgres_copy_path_and_orm_agree_on_updates_search_keys_and_source_links(settings, december_event, importer):
    """Plain tuples to COPY: a second file that updates stored people (a new release, a new alias, a new source, a
    person attached by name) and creates others writes what the ORM path writes, keys, words and links included."""
    changed = csv_bytes(
        BIALIATSKI.format(event="2025-12-13-release"),
        "A2,Maria Kalesnikava,Maryia Kalesnikava,BY,BY,female,1982,2020-09-07,132,,,,2025-12-13-release,Ukraine,"
        "https://viasna.example/a2|https://press.example/a2,",
        "A3,Maksim Znak,Максім Знак,BY,BY,male,1981,2020-09-09,120,342,,,2025-12-13-release,LT,"
        "https://press.example/a3,",
        ",Ales Bialiatski,Ales Byalyatski,,,,1962-09-25,,,,,,,,https://press.example/a1,",
    )

    def snapshot():
        def rows(model, *exclude):
            skip = {"id", "created_at", "updated_at", "history_id", "history_date", "created_by_import_job"}
            skip |= {"history_change_reason", *exclude}  # the job ids differ between the two runs
            names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
            if "prisoner_id" in names:
                names[names.index("prisoner_id")] = "prisoner__full_name"
            return sorted(tuple(str(v) for v in row) for row in model.objects.values_list(*names))

        tables = [Prisoner, Detention, Release, NameVariant, ExternalId]
        result = [rows(model) for model in tables] + [rows(model.history.model, "prisoner_id") for model in tables]
        result.append(rows(NameKey))
        result.append(sorted(NameWord.objects.values_list("word", flat=True)))
        for model, owner in (
            (Prisoner, "full_name"),
            (Detention, "prisoner__full_name"),
            (Release, "prisoner__full_name"),
        ):
            result.append(sorted(str(pair) for pair in model.objects.values_list(owner, "sources__link")))
        return result

    def run_both_files():
        import_file(people_file(), user=importer)
        second = import_file(changed, user=importer)
        assert second.counts == {"created": 1, "updated": 2, "unchanged": 1, "failed": 0}

    settings.IMPORT_USE_COPY = False
    run_both_files()
    with_orm = snapshot()
    Prisoner.objects.all().delete()
    Source.objects.all().delete()
    NameWord.objects.all().delete()
    for model in (Prisoner, Source, NameVariant, Detention, Release, ExternalId):
        model.history.all().delete()

    settings.IMPORT_USE_COPY = True
    run_both_files()
    assert snapshot() == with_orm
    maria = Prisoner.objects.get(full_name="Maria Kalesnikava")
    assert maria.releases.get().destination.code == "UA"
    assert sorted(maria.sources.values_list("link", flat=True)) == [
        "https://press.example/a2",
        "https://viasna.example/a2",
    ]
    assert NameKey.objects.filter(prisoner__full_name="Maksim Znak").exists()


def test_a_name_word_is_written_again_after_its_batch_was_rolled_back(settings, importer, monkeypatch):
    """Each name word is sent once per run, but only counted as sent once its batch committed."""
    from imports.writer import WRITE_CONFLICTS, BatchWriter

    settings.IMPORT_BATCH_SIZE = 50
    failures = []
    original = BatchWriter.write_new_name_keys

    def conflict_once(self, new_keys, cursor=None):
        original(self, new_keys, cursor)
        if not failures:
            failures.append(True)
            raise WRITE_CONFLICTS[0]("another import wrote the same rows")  # the batch is retried

    monkeypatch.setattr(BatchWriter, "write_new_name_keys", conflict_once)
    job = import_file("external_id,full_name\nW1,Ales Bialiatski\nW2,Ales Kalesnik\n", user=importer)

    assert failures and job.counts["created"] == 2
    written = {word for keys in Prisoner.objects.values_list("name_keys", flat=True) for word in keys.split()}
    assert len(written) == 3 and written <= set(NameWord.objects.values_list("word", flat=True))


@pytest.mark.postgres
def test_a_table_the_import_more_than_doubles_is_analyzed_for_its_foreign_key_checks(settings, importer):
    """A first import into empty tables: without fresh statistics every foreign-key check scans the table."""
    from django.db import connection

    settings.IMPORT_BATCH_SIZE = 60
    rows = [f"D{n},Person {chr(65 + n % 26)}{n:04d} Dalgi,,,,,,2021-0{1 + n % 9}-01" for n in range(1, 301)]
    job = import_file(
        "external_id,full_name,aliases,citizenship,country,gender,birth_date,detained_on\n" + "\n".join(rows) + "\n",
        user=importer,
    )

    assert job.counts["created"] == 300 and "analyze" in job.timings and "constraints" in job.timings
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'prisoners_prisoner'::regclass")
        assert cursor.fetchone()[0] >= 100  # the planner knows the rows the import wrote


def test_tabs_newlines_and_backslashes_in_values_survive(importer):
    awkward = "Back\\slash\tTab\nNew line \\N"
    import_file(json.dumps([{"full_name": awkward, "notes": "\\.\r\nline two"}]), name="p.json", user=importer)
    assert Prisoner.objects.values_list("full_name", "notes").get() == (awkward, "\\.\r\nline two")


def test_seen_keys_remembers_every_key_through_growth():
    from imports.run import SeenKeys

    seen = SeenKeys(capacity=4)
    keys = [hash(f"id-{n}") for n in range(5000)] + [0, -1, 2**63 - 1, -(2**63)]
    assert not any(seen.add(key) for key in keys)
    assert all(seen.add(key) for key in keys)
    assert len(seen) == len(keys)


def test_an_editor_fixes_the_broken_rows_and_uploads_again_ending_with_everyone_once(december_event, importer):
    """The issue's "done when", small: a spreadsheet with broken rows, their list, the corrected file."""

    def spreadsheet(fixed):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["external_id", "full_name", "detained_on", "release_event", "destination"])
        for n in range(1, 601):
            broken = n % 40 == 0 and not fixed
            sheet.append(
                [
                    f"P{n}",
                    f"Person {n}",
                    "2021-02-30" if broken and n % 80 else "2021-02-03",
                    "no-such-event" if broken and not n % 80 else ("2025-12-13-release" if n % 3 == 0 else None),
                    "LT" if n % 3 == 0 else None,
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    first = import_file(spreadsheet(fixed=False), name="list.xlsx", user=importer)
    broken_rows = [n for n in range(1, 601) if n % 40 == 0]
    assert first.counts == {"created": 585, "updated": 0, "unchanged": 0, "failed": 15}
    assert sorted({row for row, _field, _message in errors_of(first)}) == broken_rows
    assert {field for _row, field, _message in errors_of(first)} == {"detained_on", "release_event"}

    second = import_file(spreadsheet(fixed=True), name="list-fixed.xlsx", user=importer)
    assert second.counts == {"created": 15, "updated": 0, "unchanged": 585, "failed": 0}
    assert Prisoner.objects.count() == ExternalId.objects.count() == 600
    assert Detention.objects.count() == 600 and Release.objects.filter(event=december_event).count() == 200


def test_errors_of_many_batches_are_those_of_one_pass_and_the_keys_those_of_the_names_index(settings, importer):
    """Rows are checked batch by batch: the errors are those of one pass in file order (an external id
    repeated batches later, a missing name), in the language of the run, and the keys written with the
    rows are those the names index would compute."""
    from django.utils import translation

    settings.IMPORT_BATCH_SIZE = 50
    rows = [f"T{n},Person {'abcdefghij'[n % 10]}{'klmnoprstu'[n // 10 % 10]}sky,,,,,,,,,,,,,," for n in range(1, 300)]
    rows[120] = "T5,Repeated Earlier,,,,,,,,,,,,,,"  # row 121: T5 is row 5, four batches before
    rows[60] = "T61,,,,,,,,,,,,,,,"  # row 61, in the second batch: no name
    with translation.override("ru"):
        job = import_file(csv_bytes(*rows), user=importer)
    assert job.counts == {"created": 297, "updated": 0, "unchanged": 0, "failed": 2}
    errors = errors_of(job)
    assert [(row, field) for row, field, _message in errors] == [(61, "full_name"), (121, "external_id")]
    assert errors[0][2] == "Имя обязательно."
    assert job.timings["validate"] > 0
    person = Prisoner.objects.get(external_ids__external_id="T42")
    stored_keys = set(NameKey.objects.filter(prisoner=person).values_list("key", "whole"))
    refresh_name_keys([person.pk])
    assert set(NameKey.objects.filter(prisoner=person).values_list("key", "whole")) == stored_keys
