"""Rows of one batch that name the same person are matched against each other, as rows of two batches are.

A row is matched against the people stored before it; rows of one batch used to be matched only against what
was stored before the batch, so 300 rows of one person without an external id made 300 people, and what a file
stored depended on the batch size and on where a resumed job restarted. The writer now cuts a batch where a row
could be matched to a person an earlier row of the same batch writes: what a file stores is what it stores read
one row at a time.
"""

import pytest

from imports.models import ImportProfile
from prisoners.models import ExternalId, Prisoner
from tests.imports.conftest import import_file

pytestmark = pytest.mark.django_db

SHORT_HEADER = "external_id,full_name,aliases,birth_date,sources"


def short_csv(*rows):
    return "\n".join([SHORT_HEADER, *rows]) + "\n"


@pytest.mark.parametrize("batch_size", [1, 7, 2000])
def test_three_hundred_rows_of_one_person_without_an_external_id_store_one_person(settings, importer, batch_size):
    settings.IMPORT_BATCH_SIZE = batch_size
    job = import_file(short_csv(*[",Same Person,,1980-05-01,"] * 300), user=importer)

    assert job.status == "succeeded"
    assert Prisoner.objects.filter(full_name="Same Person").count() == 1
    assert job.counts["created"] == 1
    assert job.counts["updated"] + job.counts["unchanged"] == 299


def test_a_new_external_id_with_the_name_and_birth_date_of_an_earlier_row_is_flagged(importer):
    job = import_file(
        short_csv("N1,Ales Bialiatski,,1962-09-25,", "N2,Ales Bialiatski,,1962-09-25,", "N3,Other Person,,1962-09-25,"),
        user=importer,
    )

    first = Prisoner.objects.get(external_ids__external_id="N1")
    assert Prisoner.objects.filter(full_name="Ales Bialiatski").count() == 2  # flagged, not merged
    warning = job.row_errors.get()
    assert (warning.row, warning.line, warning.kind, warning.field) == (2, 3, "warning", "full_name")
    assert f"#{first.pk}" in warning.message and "N2" in warning.message


def test_a_profile_that_attaches_attaches_to_a_person_an_earlier_row_created(importer):
    ImportProfile.objects.create(
        name="attach",
        source_list="attach-list",
        column_map={name: name for name in SHORT_HEADER.split(",")},
        on_name_match="attach",
    )
    job = import_file(
        short_csv("N1,Ales Bialiatski,,1962-09-25,", "N2,Ales Bialiatski,,1962-09-25,"),
        user=importer,
        profile_name="attach",
    )

    person = Prisoner.objects.get(full_name="Ales Bialiatski")
    assert sorted(ExternalId.objects.filter(prisoner=person).values_list("external_id", flat=True)) == ["N1", "N2"]
    assert job.counts["created"] == 1 and "attached" in job.row_errors.get().message


def test_the_same_name_with_another_birth_date_in_one_batch_is_a_warning_not_a_silent_second_person(importer):
    job = import_file(short_csv(",Ales Bialiatski,,1962-09-25,", ",Ales Bialiatski,,1970-01-01,"), user=importer)

    first = Prisoner.objects.get(birth_date="1962-09-25")
    assert Prisoner.objects.filter(full_name="Ales Bialiatski").count() == 2
    warning = job.row_errors.get()
    assert (warning.row, warning.kind) == (2, "warning") and f"#{first.pk}" in warning.message


def test_an_alias_given_by_an_earlier_row_is_matched_by_a_later_row(importer):
    job = import_file(
        short_csv(",Maria Kalesnikava,Maryia Kalesnikava,1982-04-24,", ",Maryia Kalesnikava,,1982-04-24,"),
        user=importer,
    )

    assert Prisoner.objects.count() == 1 and job.counts["created"] == 1


MIXED = [
    "A1,Ales Bialiatski,Ales Byaliatski,1962-09-25,https://example.org/a",
    ",Ales Byaliatski,,1962-09-25,https://example.org/b",
    "A2,Ales Bialiatski,,1962-09-25,",
    ",Maria Kalesnikava,,1982-04-24,",
    ",Kalesnikava Maria,,,https://example.org/c",
    ",Maria Kalesnikava,,1990-01-01,",
    "A3,Ihar Losik,,,",
    ",Ihar Losik,,1992-06-12,",
    "A4,Ihar Losik,,1992-06-12,",
    ",Maria Kalesnikava Aliaksandrauna,,1982,",
]


def stored_state(job):
    def who(pk):
        person = Prisoner.objects.get(pk=pk)
        return (person.full_name, str(person.birth_date))

    people = sorted(
        (
            p.full_name,
            str(p.birth_date),
            tuple(sorted(p.external_ids.values_list("external_id", flat=True))),
            tuple(sorted(p.name_variants.values_list("name", flat=True))),
            tuple(sorted(p.sources.values_list("link", flat=True))),
        )
        for p in Prisoner.objects.all()
    )
    warnings = []
    for error in job.row_errors.order_by("row", "id"):
        message = error.message
        for person in Prisoner.objects.all():
            message = message.replace(f"#{person.pk}", f"#{who(person.pk)}")
        warnings.append((error.row, error.kind, message))
    return people, warnings, job.counts


def test_what_a_file_stores_does_not_depend_on_the_batch_size(settings, importer):
    settings.IMPORT_BATCH_SIZE = 1
    one_by_one = stored_state(import_file(short_csv(*MIXED), user=importer))
    Prisoner.objects.all().delete()

    settings.IMPORT_BATCH_SIZE = 2000
    all_at_once = stored_state(import_file(short_csv(*MIXED), user=importer))

    assert all_at_once[0] == one_by_one[0]
    assert all_at_once[1:] == one_by_one[1:]
