"""The people list's release filters and its "released" order count only the releases the reader may see: a
release awaiting review (a draft) must not make a published person match `?release_event=`, `?destination=`,
`?deal=` or a release date for the public, nor move them up a list ordered by release, or the public learns that
the draft exists (and when, and where to). Editors who may see drafts still find them."""

from datetime import date

import pytest
from django.test import Client

from releases.models import Release

pytestmark = pytest.mark.django_db

EDITOR_PERMS = [
    *(f"prisoners.{verb}_prisoner" for verb in ("view", "add", "change")),
    *(f"releases.{verb}_release" for verb in ("view", "add", "change")),
]
ONLY_DRAFT = "Synthetic Only Draft Release"
PUBLISHED = "Synthetic Published Release"


@pytest.fixture
def world(build):
    deal = build.deal("Synthetic draft filter deal", slug="synthetic-draft-filter-deal")
    event = build.event("Synthetic draft filter event", slug="synthetic-draft-filter", date=date(2026, 1, 5), deal=deal)
    build.release(build.prisoner(PUBLISHED), date=date(2025, 1, 1), destination="UA")
    editor = build.user("draft-filter-editor", is_staff=True, perms=EDITOR_PERMS)
    person = build.prisoner(ONLY_DRAFT)
    build.release(person, event=event, destination="LT", actor=editor)  # awaiting review
    assert Release.objects.get(prisoner=person).is_draft and not person.is_draft
    return {"event": event, "deal": deal, "person": person}


FILTERS = (
    "release_event=synthetic-draft-filter",
    "destination=LT",
    "deal=synthetic-draft-filter-deal",
    "released_after=2026-01-01",
)


@pytest.mark.parametrize("query", FILTERS)
def test_a_draft_release_never_makes_a_person_match_a_release_filter_for_the_public(world, query):
    reader = Client()
    api = reader.get(f"/api/v1/prisoners/?{query}")
    assert api.status_code == 200 and [row["full_name"] for row in api.json()["results"]] == []
    page = reader.get(f"/prisoners/?{query}")
    assert page.status_code == 200 and ONLY_DRAFT not in page.content.decode()
    csv = reader.get(f"/api/v1/prisoners/?{query}&format=csv")
    assert ONLY_DRAFT not in b"".join(csv.streaming_content).decode()


def test_a_draft_release_does_not_move_a_person_up_the_list_ordered_by_release(world):
    names = [row["full_name"] for row in Client().get("/api/v1/prisoners/?ordering=-released").json()["results"]]
    assert names.index(PUBLISHED) < names.index(ONLY_DRAFT)  # the draft's 2026 date counts for nobody outside


def test_an_editor_who_may_see_drafts_still_finds_the_person_by_the_draft_release(world, build):
    reviewer = build.user("draft-filter-reviewer", superuser=True)
    client = Client()
    client.force_login(reviewer)
    names = [row["full_name"] for row in client.get(f"/api/v1/prisoners/?{FILTERS[0]}").json()["results"]]
    assert names == [ONLY_DRAFT]
