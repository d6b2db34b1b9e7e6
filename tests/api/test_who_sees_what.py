"""A withheld name never reaches a public reader through any door; staff with the permission see all."""

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import WITHHELD_WORDS

pytestmark = pytest.mark.django_db

EVENT = "2025-12-13-belarus-frees-123"
# Also pieces of the names, staff-only notes and identifying free text.
SECRETS = (*WITHHELD_WORDS, "Withheldovich", "Hiddenau", "Privatn", "family asked", "teacher", "Penal colony", "Kyiv")


def doors(world):
    anonymized = world["anonymized"]
    anonymized_release = anonymized.releases.get()
    lists = ["prisoners", "releases", "release-events", "destinations", "deals", "sources"]
    urls = ["/api/v1/", "/api/v1/stats/", "/api/schema/", "/api/docs/"]
    for resource in lists:
        urls += [f"/api/v1/{resource}/", f"/api/v1/{resource}/?format=csv", f"/api/v1/{resource}/?page_size=500"]
        for word in WITHHELD_WORDS:
            urls += [f"/api/v1/{resource}/?search={word}", f"/api/v1/{resource}/?search={word}&format=csv"]
    urls += [
        f"/api/v1/prisoners/{anonymized.pk}/",
        f"/api/v1/prisoners/{anonymized.pk}/?format=csv",
        f"/api/v1/releases/{anonymized_release.pk}/",
        f"/api/v1/release-events/{EVENT}/",
        f"/api/v1/release-events/{EVENT}/?format=csv",
        "/api/v1/destinations/UA/",
        "/api/v1/deals/potash-2025/",
        "/api/v1/prisoners/?ordering=-name&format=csv",
        "/api/v1/prisoners/?release_event=2025-12-13-belarus-frees-123&destination=UA",
        "/api/v1/prisoners/?visibility=private",
    ]
    return urls


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture(params=["anonymous", "logged_in_without_permission"])
def public_reader(request, build):
    api = APIClient()
    if request.param == "logged_in_without_permission":
        api.force_authenticate(build.user(perms=["prisoners.change_prisoner"]))
    return api


def test_every_public_door_keeps_withheld_names_out(public_reader, december):
    urls = doors(december)
    # The browsable API (what a browser gets) renders forms and raw data: crawl it too.
    html = [
        (url, "text/html")
        for url in urls
        if not url.startswith("/api/schema/") and "format=csv" not in url and "search=" not in url
    ]
    for url, accept in [(url, "*/*") for url in urls] + html:
        response = public_reader.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 200, url
        text = body(response)
        for secret in SECRETS:
            assert secret.casefold() not in text.casefold(), f"{secret!r} leaked through {url} ({accept})"


def test_private_records_are_absent_and_withheld_sources_too(public_reader, december):
    private, anonymized = december["private"], december["anonymized"]
    assert public_reader.get(f"/api/v1/prisoners/{private.pk}/").status_code == 404
    assert public_reader.get(f"/api/v1/releases/{private.releases.get().pk}/").status_code == 404
    assert public_reader.get(f"/api/v1/sources/{december['secret_source'].pk}/").status_code == 404
    listed = public_reader.get("/api/v1/prisoners/").json()["results"]
    assert private.pk not in {row["id"] for row in listed}
    shown = next(row for row in listed if row["id"] == anonymized.pk)
    assert shown["full_name"] == "Name withheld" and shown["withheld"] is True
    assert "notes" not in public_reader.get(f"/api/v1/prisoners/{anonymized.pk}/").json()
    # Counted, though: 5 named in the event, the private person included.
    assert public_reader.get("/api/v1/stats/").json()["named_totals"]["named_people"] == 5


def test_ordering_by_name_sorts_a_withheld_person_as_name_withheld(client, build, december):
    build.prisoner("Olga Public")
    names = [row["full_name"] for row in client.get("/api/v1/prisoners/", {"ordering": "name"}).json()["results"]]
    assert names == sorted(names), names  # "Zmitser..." would otherwise sort last, revealing the initial


def test_staff_with_the_permission_see_everything(build, december):
    for user in (build.user(perms=["prisoners.view_withheld"]), build.user(superuser=True)):
        staff = APIClient()
        staff.force_authenticate(user)
        anonymized = staff.get(f"/api/v1/prisoners/{december['anonymized'].pk}/").json()
        assert anonymized["full_name"] == december["anonymized"].full_name
        assert anonymized["notes"] == "staff only: family asked for anonymity"
        assert anonymized["birth_date"] == "1980-05-01"
        assert staff.get(f"/api/v1/prisoners/{december['private'].pk}/").status_code == 200
        found = staff.get("/api/v1/prisoners/", {"search": "Hiddenau"}).json()["results"]
        assert [row["id"] for row in found] == [december["anonymized"].pk]
        people = staff.get(f"/api/v1/release-events/{EVENT}/").json()["people"]
        assert len(people) == 5
