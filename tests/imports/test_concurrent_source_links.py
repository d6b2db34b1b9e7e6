"""Two writers citing one new source link at the same moment store one source, not two.

Links are not unique in the database (a link hidden from a writer may be stored again beside it), so the
writers themselves take turns per link: an import batch holds each new link's lock until it commits, and
looks the link up again once it holds it; the services do the same for the one link they store.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from imports.writer import BatchWriter
from prisoners import services
from prisoners.models import Source
from tests.imports.conftest import import_file

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LINK = "https://example.org/synthetic-shared-list"


def people(*names):
    return "external_id,full_name,sources\n" + "".join(f"{key},{name},{LINK}\n" for key, name in names)


class PausedImport:
    """An import whose first batch stops after storing its sources, its transaction still open."""

    def __init__(self, monkeypatch, content, user):
        self.reached, self.go_on = threading.Event(), threading.Event()
        original = BatchWriter.link_sources

        def link_sources(writer, *args, **kwargs):
            if threading.current_thread() is self.thread and not self.reached.is_set():
                self.reached.set()
                self.go_on.wait(30)
            return original(writer, *args, **kwargs)

        monkeypatch.setattr(BatchWriter, "link_sources", link_sources)
        self.thread = threading.Thread(target=self.run, args=(content, user))
        self.thread.start()
        assert self.reached.wait(30), "the first import never reached its sources"

    def run(self, content, user):
        try:
            import_file(content, user=user)
        finally:
            connection.close()

    def finish(self):
        self.go_on.set()
        self.thread.join(60)


def in_thread(work):
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as exc:  # noqa: BLE001 - the test looks at what the other writer met
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_two_imports_citing_one_new_link_at_once_store_one_source(monkeypatch, importer):
    first = PausedImport(monkeypatch, people(("A1", "Synthetic First Person")), importer)
    second, outcome = in_thread(lambda: import_file(people(("B1", "Synthetic Second Person")), user=importer))
    second.join(3)  # without the lock it finishes here, its own source beside the first import's
    first.finish()
    second.join(60)

    assert "error" not in outcome
    assert Source.objects.filter(link=LINK).count() == 1
    assert Source.objects.get(link=LINK).prisoners.count() == 2


def test_an_editor_storing_the_link_an_import_is_storing_is_told_it_exists(monkeypatch, importer, build):
    editor = build.user(username="synthetic-editor", perms=["prisoners.add_source"])
    first = PausedImport(monkeypatch, people(("A1", "Synthetic First Person")), importer)
    second, outcome = in_thread(lambda: services.create_source(actor=editor, link=LINK))
    second.join(3)
    first.finish()
    second.join(60)

    assert Source.objects.filter(link=LINK).count() == 1
    assert isinstance(outcome.get("error"), ValidationError)
    assert "already exists" in str(outcome["error"])
