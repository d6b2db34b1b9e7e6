"""Hostile query strings on every list (API and pages): a 4xx naming the parameter or a page, never a 500."""

import pytest
from django.test import Client
from django.urls import resolve
from rest_framework.throttling import SimpleRateThrottle

from tracker.api.pagination import MAX_OFFSET

API_LISTS = [
    "/api/v1/prisoners/",
    "/api/v1/sources/",
    "/api/v1/release-events/",
    "/api/v1/releases/",
    "/api/v1/destinations/",
    "/api/v1/deals/",
]
PAGES = ["/prisoners/", "/releases/", "/deals/", "/destinations/"]
HOSTILE = ["%", "%s", "%(value)s", "%d%%", "\x00", "9" * 30, "-1", "ä" * 3000, "' OR 1=1 --"]


def filter_names(url):
    view = resolve(url).func
    filterset = getattr(getattr(view, "cls", None), "filterset_class", None)
    names = set(filterset.base_filters) if filterset else set()
    return sorted(names | {"search", "ordering", "page", "page_size"})


@pytest.fixture
def client():
    return Client()


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_LISTS)
def test_every_api_filter_answers_hostile_values_without_a_server_error(client, url, build, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", None)
    build.prisoner(full_name="Synthetic Person")
    for name in filter_names(url):
        for value in HOSTILE:
            response = client.get(url, {name: value})
            assert response.status_code < 500, (url, name, value, response.content[:300])
            if response.status_code == 400:
                assert name in response.json(), (url, name, value, response.json())


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["country", "citizenship", "destination"])
def test_a_percent_sign_in_a_country_filter_is_a_400_naming_it(client, name):
    response = client.get("/api/v1/prisoners/", {name: "%"})
    assert response.status_code == 400
    assert "'%' is not a country code" in response.json()[name][0]


@pytest.mark.django_db
def test_a_percent_sign_in_target_country_is_a_400(client):
    response = client.get("/api/v1/deals/?target_country=%25")
    assert response.status_code == 400
    assert "target_country" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_LISTS)
def test_a_page_beyond_any_database_offset_is_a_400_naming_page(client, url):
    response = client.get(url, {"page": "99999999999999999999"})
    assert response.status_code == 400
    assert "page" in response.json()


@pytest.mark.django_db
def test_the_deepest_allowed_page_is_an_empty_page_not_an_error(client):
    response = client.get("/api/v1/prisoners/", {"page": MAX_OFFSET // 500 + 1, "page_size": 500})
    assert response.status_code == 200
    assert response.json()["results"] == []
    response = client.get("/api/v1/prisoners/", {"page": MAX_OFFSET // 500 + 2, "page_size": 500})
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_list_page_answers_hostile_values_without_a_server_error(client, url, build):
    build.prisoner(full_name="Synthetic Person")
    for name in filter_names("/api/v1" + ("/release-events/" if url == "/releases/" else url)):
        for value in HOSTILE:
            response = client.get(url, {name: value})
            assert response.status_code in (200, 400), (url, name, value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "body"),
    [("/api/v1/deals/", {"title": "Synthetic deal"}), ("/api/v1/destinations/", {"country": "BY"})],
)
def test_a_created_record_is_answered_as_its_schema_says(build, url, body):
    """Found by the fuzzer: a new deal or destination came back without its named_count."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(build.user(superuser=True))
    response = api.post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["named_count"] == 0
