"""Which writes change who sees what. The read cache may serve the page of a moment ago while one process
rebuilds it only after a write that changed nobody's view (`tracker.read_cache.visibility_version` did not
move); every other write (withholding, un-withholding, drafts, deletions, a withheld person's records and
sources, reported values, anything it cannot tell) moves it. Each case goes through the services."""

from datetime import date

import pytest

from prisoners import services as prisoner_services
from releases import services as release_services
from tracker.read_cache import records_version, visibility_version

pytestmark = pytest.mark.django_db


def _moves(write):
    """(records version moved, visibility version moved) by `write()`."""
    records, seen = records_version(), visibility_version()
    write()
    return records_version() != records, visibility_version() != seen


@pytest.fixture
def public(build):
    return build.prisoner("Synthetic Neutral Public")


@pytest.fixture
def withheld(build):
    return build.prisoner("Synthetic Neutral Withheld", visibility="anonymized")


@pytest.fixture
def event(build):
    return build.event("Synthetic neutral event", slug="synthetic-neutral", date=date(2025, 5, 1))


def test_what_shows_more_without_hiding_anything_leaves_the_visibility_version(build, public, event):
    assert _moves(lambda: build.prisoner("Synthetic Neutral Newcomer")) == (True, False)
    assert _moves(lambda: build.release(public, event=event, destination="LT")) == (True, False)
    assert _moves(lambda: prisoner_services.update_prisoner(prisoner=public, notes="Moved to a new colony.")) == (
        True,
        False,
    )
    assert _moves(lambda: build.detention(public, sources=[build.source()])) == (True, False)
    assert _moves(lambda: prisoner_services.add_name_variant(prisoner=public, name="Synthetic Variant")) == (
        True,
        False,
    )
    assert _moves(lambda: build.source("https://example.org/synthetic-neutral-source")) == (True, False)
    assert _moves(lambda: build.event("Synthetic second neutral event", date=date(2025, 6, 1))) == (True, False)
    release = build.release(build.prisoner("Synthetic Neutral Released"), event=event)
    assert _moves(lambda: release_services.update_release(release=release, destination="UA")) == (True, False)


def test_withholding_and_unwithholding_move_it(build, public, withheld):
    assert _moves(lambda: prisoner_services.update_prisoner(prisoner=public, visibility="anonymized")) == (True, True)
    assert _moves(lambda: prisoner_services.update_prisoner(prisoner=withheld, visibility="public")) == (True, True)
    assert _moves(lambda: build.prisoner("Synthetic Neutral Private", visibility="private")) == (True, True)


def test_a_withheld_persons_records_and_sources_move_it(build, withheld, event):
    # a new record of a withheld person can hide the sources it cites, and masks texts naming them
    assert _moves(lambda: build.release(withheld, event=event, sources=[build.source()])) == (True, True)
    assert _moves(lambda: build.detention(withheld)) == (True, True)
    assert _moves(lambda: prisoner_services.add_name_variant(prisoner=withheld, name="Synthetic Hidden Variant")) == (
        True,
        True,
    )
    assert _moves(lambda: prisoner_services.update_prisoner(prisoner=withheld, notes="Any change of theirs.")) == (
        True,
        True,
    )


def test_drafts_deletions_and_reported_values_move_it(build, public, event):
    release = build.release(public, event=event)

    def back_to_draft():  # no service does it; the rule holds for any door that would
        release.is_draft = True
        release.save()

    assert _moves(back_to_draft) == (True, True)
    publisher = build.user(perms=["prisoners.publish_record"])
    assert _moves(lambda: release_services.publish_records(actor=publisher, releases=[release])) == (True, True)
    assert _moves(lambda: release_services.delete_release(release=release)) == (True, True)
    source = build.source()
    assert _moves(
        lambda: prisoner_services.add_reported_value(record=public, field="full_name", value="Other", source=source)
    ) == (True, True)
    assert _moves(lambda: prisoner_services.delete_prisoner(prisoner=public)) == (True, True)


def test_moving_a_record_to_another_person_moves_it(build, public, event):
    release = build.release(public, event=event)
    other = build.prisoner("Synthetic Neutral Other")
    assert _moves(lambda: release_services.update_release(release=release, prisoner=other)) == (True, True)


def test_linking_a_source_from_its_own_side_moves_it(build, public, event):
    release = build.release(public, event=event)
    source = build.source()
    assert _moves(lambda: source.releases.add(release)) == (True, True)  # reverse: cannot tell cheaply
    assert _moves(lambda: release.sources.add(build.source())) == (True, False)


def test_a_bulk_write_that_names_no_record_moves_it():
    from tracker.read_cache import bump_records_version

    assert _moves(bump_records_version) == (True, True)


def test_a_source_linked_to_a_person_withheld_since_the_instance_was_read_moves_it(build, public):
    from prisoners.models import Prisoner

    old_copy = Prisoner.objects.get(pk=public.pk)  # read before someone withheld them
    prisoner_services.update_prisoner(prisoner=public, visibility="anonymized")
    assert old_copy.visibility == "public"
    assert _moves(lambda: old_copy.sources.add(build.source())) == (True, True)
