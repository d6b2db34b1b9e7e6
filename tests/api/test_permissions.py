"""Reads are public; every write needs the model permission, by token or session; anonymous throttling."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from prisoners.models import Prisoner

pytestmark = pytest.mark.django_db

EVENT = "2025-12-13-belarus-frees-123"


def write_doors(world):
    release = world["bialiatski"].releases.get()
    return [
        ("post", "/api/v1/prisoners/"),
        ("put", f"/api/v1/prisoners/{world['bialiatski'].pk}/"),
        ("patch", f"/api/v1/prisoners/{world['bialiatski'].pk}/"),
        ("delete", f"/api/v1/prisoners/{world['bialiatski'].pk}/"),
        ("post", "/api/v1/releases/"),
        ("put", f"/api/v1/releases/{release.pk}/"),
        ("patch", f"/api/v1/releases/{release.pk}/"),
        ("delete", f"/api/v1/releases/{release.pk}/"),
        ("post", "/api/v1/release-events/"),
        ("put", f"/api/v1/release-events/{EVENT}/"),
        ("patch", f"/api/v1/release-events/{EVENT}/"),
        ("delete", f"/api/v1/release-events/{EVENT}/"),
        ("post", "/api/v1/deals/"),
        ("put", "/api/v1/deals/potash-2025/"),
        ("patch", "/api/v1/deals/potash-2025/"),
        ("delete", "/api/v1/deals/potash-2025/"),
        ("post", "/api/v1/destinations/"),
        ("put", "/api/v1/destinations/UA/"),
        ("patch", "/api/v1/destinations/UA/"),
        ("delete", "/api/v1/destinations/UA/"),
        ("post", "/api/v1/sources/"),
        ("put", f"/api/v1/sources/{world['news'].pk}/"),
        ("patch", f"/api/v1/sources/{world['news'].pk}/"),
        ("delete", f"/api/v1/sources/{world['news'].pk}/"),
        ("post", "/api/v1/"),
        ("post", "/api/v1/stats/"),
        ("delete", "/api/v1/stats/"),
    ]


def token_client(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


@pytest.fixture(params=["anonymous", "bad_token", "token_without_permission", "session_without_permission"])
def refused_writer(request, build):
    if request.param == "anonymous":
        return APIClient()
    if request.param == "bad_token":
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        return api
    user = build.user(perms=["prisoners.view_withheld"])
    if request.param == "token_without_permission":
        return token_client(user)
    api = APIClient(enforce_csrf_checks=True)
    api.login(username=user.username, password="pw")
    return api


def test_every_write_is_refused_without_the_model_permission(refused_writer, december):
    people_before = Prisoner.objects.count()
    for method, url in write_doors(december):
        response = getattr(refused_writer, method)(url, {"full_name": "Intruder", "title": "x"}, format="json")
        assert response.status_code in (401, 403), (method, url, response.status_code)
    assert Prisoner.objects.count() == people_before
    assert Prisoner.objects.filter(full_name="Ales Bialiatski").exists()


def test_reads_are_public_and_a_bad_token_is_refused(build, december):
    reader = token_client(build.user())
    for url in ("/api/v1/prisoners/", "/api/v1/release-events/", "/api/v1/stats/"):
        assert APIClient().get(url).status_code == 200
        assert reader.get(url).status_code == 200
    liar = APIClient()
    liar.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert liar.get("/api/v1/prisoners/").status_code in (401, 403)


def test_the_model_permission_allows_exactly_its_write(build, december):
    adder = token_client(build.user(perms=["prisoners.add_prisoner"]))
    assert adder.post("/api/v1/prisoners/", {"full_name": "Synthetic Added"}, format="json").status_code == 201
    assert adder.delete(f"/api/v1/prisoners/{december['bialiatski'].pk}/").status_code == 403
    assert adder.post("/api/v1/deals/", {"title": "Synthetic deal"}, format="json").status_code == 403


def test_session_auth_writes_with_the_permission(build):
    user = build.user(perms=["prisoners.add_prisoner"])
    api = APIClient()
    api.login(username=user.username, password="pw")
    assert api.post("/api/v1/prisoners/", {"full_name": "Synthetic Session"}, format="json").status_code == 201


def test_anonymous_readers_are_throttled_with_429(monkeypatch, december):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    address = "198.51.100.7"
    cache.delete(f"throttle_anon_{address}")  # the shared cache may remember an earlier run
    api = APIClient(REMOTE_ADDR=address)
    codes = [api.get("/api/v1/deals/").status_code for _ in range(5)]
    assert codes[-1] == 429, codes
    assert 200 in codes


def test_a_token_of_a_deactivated_account_is_refused(build):
    user = build.user(perms=["prisoners.add_prisoner"])
    api = token_client(user)
    user.is_active = False
    user.save()
    assert api.post("/api/v1/prisoners/", {"full_name": "Synthetic Ghost"}, format="json").status_code in (401, 403)
    assert not Prisoner.objects.filter(full_name="Synthetic Ghost").exists()
