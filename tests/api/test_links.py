"""Row links from plain values (`tracker.api.links.url_maker`): the path of each kind of link reversed once and
kept, made absolute per request; every link must be the one DRF's `reverse` gives for that request."""

import pytest
from django.urls import set_script_prefix
from rest_framework.request import Request
from rest_framework.reverse import reverse
from rest_framework.test import APIRequestFactory

from tracker.api import links
from tracker.api.links import url_maker

KINDS = [
    ("api-prisoner-detail", "pk", 42),
    ("api-release-detail", "pk", 7),
    ("api-release-event-detail", "slug", "belarus-2025-12-13"),
    ("api-destination-detail", "country", "LT"),
]


def _request(path="/api/v1/prisoners/", **extra):
    return Request(APIRequestFactory().get(path, **extra))


@pytest.fixture(autouse=True)
def nothing_kept(monkeypatch):
    monkeypatch.setattr(links, "_PATHS", {})
    yield
    set_script_prefix("/")


@pytest.mark.parametrize(
    ("path", "extra", "format"),
    [
        ("/api/v1/prisoners/", {}, None),
        ("/api/v1/prisoners/", {"HTTP_HOST": "tracker.example.org"}, None),
        ("/api/v1/prisoners/", {"secure": True}, None),
        ("/api/v1/prisoners/?format=json", {}, None),
        ("/api/v1/prisoners/?format=api&page=2", {"HTTP_HOST": "other.example.org"}, None),
    ],
)
def test_each_link_is_the_one_drf_reverses(path, extra, format, settings):
    settings.ALLOWED_HOSTS = ["testserver", "tracker.example.org", "other.example.org"]
    for _round in range(2):  # the second round from the kept paths
        request = _request(path, **extra)
        for view_name, kwarg, value in KINDS:
            expected = reverse(view_name, kwargs={kwarg: value}, request=request, format=format)
            assert url_maker(request, view_name, kwarg, format=format)(value) == expected


def test_a_script_prefix_has_its_own_paths(settings):
    request = _request()
    plain = url_maker(request, "api-prisoner-detail")(1)
    set_script_prefix("/tracker/")
    prefixed = url_maker(request, "api-prisoner-detail")(1)
    assert prefixed == reverse("api-prisoner-detail", kwargs={"pk": 1}, request=request)
    assert "/tracker/api/" in prefixed and "/tracker/" not in plain


def test_a_kept_path_is_not_reversed_again(monkeypatch):
    request = _request()
    first = url_maker(request, "api-release-detail")(3)
    monkeypatch.setattr(links, "django_reverse", None)  # a second reverse would fail
    assert url_maker(_request(HTTP_HOST="testserver"), "api-release-detail")(3) == first
