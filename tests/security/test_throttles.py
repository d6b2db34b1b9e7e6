"""Throttles that count the real client, on the API and on the pages, with a limit per door."""

import io

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


def test_a_forged_forwarded_for_header_is_not_a_new_client(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "5/minute")
    api = APIClient(REMOTE_ADDR="203.0.113.9")
    codes = [api.get("/api/v1/deals/", HTTP_X_FORWARDED_FOR=f"10.1.{n}.{n}").status_code for n in range(20)]

    assert codes[:5] == [200] * 5
    assert set(codes[5:]) == {429}


def test_behind_num_proxies_each_forwarded_client_counts_alone(monkeypatch, settings):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = APIClient(REMOTE_ADDR="10.0.0.1")
    first = [proxy.get("/api/v1/deals/", HTTP_X_FORWARDED_FOR="forged, 198.51.100.1").status_code for _ in range(4)]
    other = proxy.get("/api/v1/deals/", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code

    assert first == [200, 200, 200, 429]
    assert other == 200


def test_pages_are_throttled_per_client_with_retry_after(client, settings):
    settings.PAGE_THROTTLE_RATE = "5/minute"
    codes = [client.get("/prisoners/", REMOTE_ADDR="203.0.113.10").status_code for _ in range(7)]

    assert codes == [200] * 5 + [429, 429]
    response = client.get("/releases/", REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
    assert client.get("/prisoners/", REMOTE_ADDR="203.0.113.11").status_code == 200
    assert client.get("/health/", REMOTE_ADDR="203.0.113.10").status_code == 200


def test_a_forged_header_does_not_escape_the_page_throttle(client, settings):
    settings.PAGE_THROTTLE_RATE = "3/minute"
    codes = [
        client.get("/", REMOTE_ADDR="203.0.113.12", HTTP_X_FORWARDED_FOR=f"10.2.0.{n}").status_code for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_import_uploads_have_their_own_limit(build, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "imports", "2/hour")
    api = APIClient()
    api.force_authenticate(build.user(username="importer", perms=["imports.import_records"]))

    def post():
        handle = io.BytesIO(b"full_name\nAles Bialiatski\n")
        handle.name = "people.csv"
        return api.post("/api/v1/imports/", {"file": handle, "dry_run": "true"}, format="multipart").status_code

    assert [post(), post(), post()] == [202, 202, 429]
    assert api.get("/api/v1/imports/").status_code == 200  # reading the jobs is not an upload
