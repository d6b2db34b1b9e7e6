"""Another tracker's export through a saved profile: what the editor mapped is what gets stored.

The file is built here in the shape such exports have: numbered article columns, the sentence split
over two columns, a literal word for empty, a status with no token of ours, and the person's page
address as the only stable key.
"""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from imports.jobs import ImportRejected
from imports.mapping import term_months
from imports.models import ImportProfile
from prisoners.models import Prisoner
from tests.imports.conftest import import_file

pytestmark = pytest.mark.django_db

SITE = "https://other-tracker.example/people/"

PROFILE = {
    "source_list": "other-tracker",
    "column_map": {
        "page": ["external_id", "sources"],
        "fio": "full_name",
        "born": "birth_date",
        "arrested": "detained_on",
        "term": ["sentence", "sentence_months"],
        "term_more": ["sentence", "sentence_months"],
        "state": "status",
    }
    | {f"article_{n}": "charges" for n in range(1, 6)},
    "value_map": {"status": {"political prisoner": "", "freed": "released"}},
    "empty_values": ["нет"],
    "constants": {"country": "BY"},
    "ignored_columns": ["photo", "updated"],
    "transforms": {"external_id": {"regex": r"/people/(\d+)"}, "sentence_months": {"term": "months"}},
    "separator": "; ",
}


def person(
    number, name, *, born="нет", arrested="нет", term="нет", term_more="нет", state="political prisoner", articles=()
):
    record = {
        "page": f"{SITE}{number}",
        "fio": name,
        "born": born,
        "arrested": arrested,
        "term": term,
        "term_more": term_more,
        "state": state,
        "photo": f"{number}.jpg",
        "updated": "2026-01-01",
    }
    for n in range(1, 6):
        record[f"article_{n}"] = articles[n - 1] if n <= len(articles) else "нет"
    return record


def their_export():
    return [
        person(
            101,
            "Maria Kalesnikava",
            born="1982-04-24",
            arrested="2020-09-07",
            term="11 years",
            articles=("361", "357", "342"),
        ),
        person(
            102, "Ihar Losik", arrested="2020-06-25", term="15 years", term_more="6 months", articles=("342", "293")
        ),
        person(103, "Katsiaryna Andreyeva", arrested="2020-11-15", term="2 1/2 years", term_more="general regime"),
        person(104, "Ryhor Kastusiou", arrested="2020-10-01", term="19 months", state="freed"),
        person(105, "Ales Bialiatski", born="1962-09-25", arrested="2021-07-14", term="10 years", articles=("228",)),
        person(106, "Bad Birthday", born="32.13.1990", arrested="2021-01-01"),
    ]


def save_profile(name="other-tracker", **changes):
    profile = ImportProfile(name=name, **(PROFILE | changes))
    profile.full_clean()
    profile.save()
    return profile


@pytest.fixture
def stored_bialiatski(build):
    return build.prisoner("Ales Bialiatski", birth_date=date(1962, 9, 25))


def by_external_id(number):
    return Prisoner.objects.get(external_ids__source_list="other-tracker", external_ids__external_id=str(number))


def test_their_export_goes_in_through_a_saved_profile_with_nothing_lost(importer, stored_bialiatski):
    save_profile()
    job = import_file(
        json.dumps(their_export(), ensure_ascii=False), name="theirs.json", profile_name="other-tracker", user=importer
    )

    assert job.status == "succeeded"
    assert job.counts == {"created": 4, "updated": 0, "unchanged": 0, "failed": 2}
    maria = by_external_id(101)  # the key taken from the page address
    detention = maria.detentions.get()
    assert detention.charge_list == ["361", "357", "342"]  # every numbered article column
    assert (detention.sentence, detention.sentence_months) == ("11 years", 132)
    assert maria.country.code == "BY"  # the constant
    assert [s.link for s in maria.sources.all()] == [f"{SITE}101"]  # the same column, used as a source
    losik = by_external_id(102).detentions.get()
    assert (losik.sentence, losik.sentence_months) == ("15 years; 6 months", 186)  # both columns, joined and added
    andreyeva = by_external_id(103).detentions.get()
    assert (andreyeva.sentence, andreyeva.sentence_months) == ("2 1/2 years; general regime", 30)
    assert by_external_id(103).status == "sentenced"  # "political prisoner" has no token: the timeline decides

    problems = list(job.row_errors.order_by("row", "id"))
    assert [(p.row, p.kind, p.field) for p in problems] == [
        (4, "error", "status"),  # "freed" with no release on the timeline
        (5, "warning", "full_name"),  # a second Ales Bialiatski is flagged, not silent
        (6, "error", "birth_date"),
    ]
    freed = problems[0]  # their "freed", mapped to our released, but no release on the timeline
    assert (freed.line, freed.name, freed.external_id, freed.column, freed.value) == (
        None,  # a JSON file has no spreadsheet rows
        "Ryhor Kastusiou",
        "104",
        "state",
        "freed",
    )
    duplicate = problems[1]
    assert f"#{stored_bialiatski.pk}" in duplicate.message
    assert (duplicate.name, duplicate.external_id, duplicate.column, duplicate.value) == (
        "Ales Bialiatski",
        "105",
        "fio",
        "Ales Bialiatski",
    )
    assert Prisoner.objects.filter(full_name="Ales Bialiatski").count() == 2
    bad = problems[2]
    assert (bad.row, bad.name, bad.external_id, bad.column, bad.value) == (
        6,
        "Bad Birthday",
        "106",
        "born",
        "32.13.1990",
    )
    assert not job.row_errors.filter(row=None).exists()  # ignored columns raise no warning


def test_the_same_export_as_csv_names_the_spreadsheet_row(importer):
    save_profile()
    rows = their_export()
    header = list(rows[0])
    lines = [",".join(header)] + [",".join(f'"{row[h]}"' for h in header) for row in rows]
    job = import_file("\n".join(lines), name="theirs.csv", profile_name="other-tracker", user=importer)

    bad = job.row_errors.get(field="birth_date")
    assert (bad.row, bad.line, bad.column, bad.value, bad.name) == (6, 7, "born", "32.13.1990", "Bad Birthday")
    assert by_external_id(102).detentions.get().sentence_months == 186


def test_a_profile_can_attach_a_new_external_id_to_the_person_with_that_name_and_birth_date(
    importer, stored_bialiatski
):
    save_profile(on_name_match="attach")
    job = import_file(json.dumps(their_export()[4:5]), name="theirs.json", profile_name="other-tracker", user=importer)

    assert job.counts == {"created": 0, "updated": 1, "unchanged": 0, "failed": 0}
    assert Prisoner.objects.filter(full_name="Ales Bialiatski").count() == 1
    assert by_external_id(105) == stored_bialiatski
    assert "attached" in job.row_errors.get().message and job.row_errors.get().kind == "warning"


def test_a_profile_can_keep_a_row_whose_one_field_is_bad(importer):
    save_profile(keep_bad_fields=True)
    job = import_file(json.dumps(their_export()[5:6]), name="theirs.json", profile_name="other-tracker", user=importer)

    assert job.counts == {"created": 1, "updated": 0, "unchanged": 0, "failed": 0}
    stored = by_external_id(106)
    assert (stored.birth_date, stored.detentions.get().detained_on) == (None, date(2021, 1, 1))
    warning = job.row_errors.get()
    assert (warning.kind, warning.field, warning.column, warning.value) == (
        "warning",
        "birth_date",
        "born",
        "32.13.1990",
    )
    assert "not stored" in warning.message


def test_two_columns_into_one_single_value_field_are_refused_when_the_profile_is_saved():
    with pytest.raises(ValidationError) as refused:
        save_profile(column_map={"fio": "full_name", "born": "birth_date", "born_again": "birth_date"})
    assert "born, born_again" in str(refused.value)
    with pytest.raises(ValidationError):
        save_profile(column_map={"fio": "full_name", "land": "country"})  # a column and a constant
    with pytest.raises(ValidationError):
        save_profile(transforms={"external_id": {"regex": "("}})


def test_a_file_giving_one_single_value_column_twice_is_refused_at_upload(importer):
    with pytest.raises(ImportRejected) as refused:
        import_file("full_name,birth_date,birth_date\nA,1990,1991\n", user=importer)
    assert "birth_date" in refused.value.message


def test_two_text_columns_into_one_field_are_joined_not_overwritten(importer):
    save_profile(name="notes", column_map={"fio": "full_name", "note_a": "notes", "note_b": "notes"}, constants={})
    import_file("fio,note_a,note_b\nSomebody,first,second\n", profile_name="notes", user=importer)
    assert Prisoner.objects.get(full_name="Somebody").notes == "first; second"


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("2 1/2 years", 30),
        ("19 months", 19),
        ("1 year 6 months", 18),
        ("3 года 6 месяцев", 42),
        ("12", 12),
        ("life", None),
    ],
)
def test_a_sentence_term_becomes_months(text, months):
    assert term_months(text) == months
