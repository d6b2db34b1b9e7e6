"""`visibility.prefetch_visible`: a page's sources and reported values in one query per relation, through the
visibility rules, attached without a queryset per instance (the biggest event page's first page of people)."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from prisoners import services as prisoner_services
from prisoners.visibility import prefetch_visible, shown_reported_values, shown_sources
from releases.models import Release

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(build):
    event = build.event("Synthetic prefetch event", date=date(2025, 6, 1))
    shared = build.source("https://example.org/synthetic-shared-source")
    own = build.source("https://example.org/synthetic-own-source")
    public = build.release(build.prisoner("Synthetic Prefetch Public"), event=event, sources=[shared, own])
    build.prisoner("Synthetic Prefetch Withheld", visibility="anonymized", sources=[shared])  # hides `shared`
    prisoner_services.add_reported_value(record=public, field="date", value="2025-06-02", source=own)
    prisoner_services.add_reported_value(record=public, field="date", value="2025-06-03", source=shared)
    others = [build.release(build.prisoner(f"Synthetic Prefetch {n}"), event=event) for n in range(5)]
    return public, others


def _page(*releases):
    return list(Release.objects.filter(pk__in=[release.pk for release in releases]).order_by("id"))


def test_the_public_gets_only_what_it_may_see_in_one_query_per_relation(page, build, django_assert_num_queries):
    public, others = page
    releases, one = _page(public, *others), _page(public)
    prefetch_visible(AnonymousUser(), _page(*others), sources=["sources"])  # the hidden sources' ids, once
    with django_assert_num_queries(2):  # one query per relation, whatever the page's size
        prefetch_visible(AnonymousUser(), releases, sources=["sources"], reported_values=["reported_values"])
    with django_assert_num_queries(2):
        prefetch_visible(AnonymousUser(), one, sources=["sources"], reported_values=["reported_values"])
    with django_assert_num_queries(0):
        shown = {r.pk: [s.link for s in shown_sources(r.sources.all())] for r in releases}
        values = {r.pk: [v.value for v in shown_reported_values(r.reported_values.all())] for r in releases}
    assert shown[public.pk] == ["https://example.org/synthetic-own-source"]  # the withheld person's source hidden
    assert values[public.pk] == ["2025-06-02"]  # the value citing the hidden source left out
    assert all(shown[other.pk] == [] and values[other.pk] == [] for other in others)


def test_a_reader_who_sees_withheld_people_gets_everything(page, build):
    public, _others = page
    staff = build.user(perms=["prisoners.view_withheld"])
    (release,) = prefetch_visible(staff, _page(public), sources=["sources"], reported_values=["reported_values"])
    assert len(shown_sources(release.sources.all())) == 2
    assert len(shown_reported_values(release.reported_values.all())) == 2


def test_a_further_filter_on_what_was_attached_finds_nothing_rather_than_querying_around_the_rules(page):
    public, _others = page
    (release,) = prefetch_visible(AnonymousUser(), _page(public), sources=["sources"])
    assert release.sources.count() == 1 and release.sources.exists()
    assert list(release.sources.filter(link__contains="shared")) == []  # fail closed, never the hidden source
