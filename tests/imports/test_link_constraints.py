"""The source links the import writes most (person, detention, release) carry no database foreign keys, so
their checks are not paid at every batch's commit; deleting a record or a source still removes its links."""

import pytest
from django.db import connection

from imports.writer import BatchWriter
from prisoners import services
from prisoners.models import Detention, Prisoner, Source
from releases import services as release_services
from releases.models import Release
from tests.imports.conftest import csv_bytes, import_file

pytestmark = pytest.mark.django_db

LINKS = (Prisoner.sources.through, Detention.sources.through, Release.sources.through)
ROWS = (
    "A1,Ales Bialiatski,,BY,BY,male,1962-09-25,2021-07,120,342,,,2025-12-13-release,lt,"
    "https://viasna.example/a1|https://viasna.example/all,",
    "A2,Maria Kalesnikava,,BY,BY,female,1982,2020-09-07,132,,,,2025-12-13-release,,https://viasna.example/all,",
)


def links_of(source):
    return [through.objects.filter(source=source).count() for through in LINKS]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the constraint is PostgreSQL's")
def test_the_imports_link_tables_have_no_foreign_key_checks():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [[through._meta.db_table for through in LINKS]],
        )
        assert cursor.fetchall() == []


def test_deleting_a_person_removes_the_links_of_their_person_detention_and_release(december_event, importer):
    import_file(csv_bytes(*ROWS), user=importer)
    shared = Source.objects.get(link="https://viasna.example/all")
    assert links_of(shared) == [2, 2, 2]

    services.delete_prisoner(prisoner=Prisoner.objects.get(full_name="Ales Bialiatski"))

    assert links_of(shared) == [1, 1, 1]
    assert links_of(Source.objects.get(link="https://viasna.example/a1")) == [0, 0, 0]


def test_deleting_a_detention_a_release_or_a_source_removes_its_links(december_event, importer):
    import_file(csv_bytes(*ROWS), user=importer)
    shared = Source.objects.get(link="https://viasna.example/all")
    person = Prisoner.objects.get(full_name="Maria Kalesnikava")

    services.delete_detention(detention=person.detentions.get())
    release_services.delete_release(release=person.releases.get())
    assert links_of(shared) == [2, 1, 1]

    services.delete_source(source=shared)
    assert [through.objects.filter(source_id=shared.pk).count() for through in LINKS] == [0, 0, 0]
    assert Prisoner.objects.get(full_name="Ales Bialiatski").sources.count() == 1


def test_a_source_deleted_while_an_import_runs_is_created_again_not_linked_as_a_dangling_id(
    settings, monkeypatch, december_event, importer
):
    """The run remembers each source's id between batches; without foreign keys nothing else would notice
    that an editor deleted that source meanwhile, and the next batch's links would point at nothing."""
    settings.IMPORT_BATCH_SIZE = 1
    deleted = []
    write = BatchWriter.write

    def delete_the_source_before_the_second_batch(self):
        if self.plans and self.plans[0].external_id == "A2" and not deleted:
            services.delete_source(source=Source.objects.get(link="https://viasna.example/all"))
            deleted.append(True)
        return write(self)

    monkeypatch.setattr(BatchWriter, "write", delete_the_source_before_the_second_batch)
    job = import_file(csv_bytes(*ROWS), user=importer)

    assert deleted and job.failed_count == 0
    person = Prisoner.objects.get(full_name="Maria Kalesnikava")
    assert list(person.sources.values_list("link", flat=True)) == ["https://viasna.example/all"]
    assert list(person.detentions.get().sources.values_list("link", flat=True)) == ["https://viasna.example/all"]
    for through in LINKS:
        assert not through.objects.exclude(source_id__in=Source.objects.values("pk")).exists()
