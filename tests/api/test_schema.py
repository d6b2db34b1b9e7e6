"""The published OpenAPI schema describes what the API really answers, and every filter it takes."""

import copy

import jsonschema
import pytest
from rest_framework.test import APIClient

from people.filtersets import PrisonerFilterSet
from prisoners.filtersets import SourceFilterSet
from releases.filtersets import DestinationFilterSet, ReleaseEventFilterSet, ReleaseFilterSet, SanctionsDealFilterSet

pytestmark = pytest.mark.django_db

EVENT = "2025-12-13-belarus-frees-123"
FILTERSETS = {
    "/api/v1/prisoners/": PrisonerFilterSet,
    "/api/v1/release-events/": ReleaseEventFilterSet,
    "/api/v1/releases/": ReleaseFilterSet,
    "/api/v1/deals/": SanctionsDealFilterSet,
    "/api/v1/destinations/": DestinationFilterSet,
    "/api/v1/sources/": SourceFilterSet,
}


def as_json_schema(node):
    """OpenAPI 3.0 -> JSON Schema for responses: `nullable: true` becomes the `null` type, and a required
    writeOnly property is required in requests only (OpenAPI 3.0, "Fixed Fields" of the Schema Object)."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "required" in node and "properties" in node:
        write_only = {name for name, field in node["properties"].items() if field.get("writeOnly")}
        node = {**node, "required": [name for name in node["required"] if name not in write_only]}
    node = {key: as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture
def schema():
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def validate(schema, path_template, method, status, body):
    operation = schema["paths"][path_template][method]
    response_schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    document = as_json_schema({"components": copy.deepcopy(schema["components"]), **response_schema})
    jsonschema.Draft202012Validator(document).validate(body)


def test_real_responses_of_every_endpoint_match_the_schema(schema, staff_client, december):
    release = december["bialiatski"].releases.get()
    cases = [
        ("/api/v1/prisoners/", "/api/v1/prisoners/"),
        (f"/api/v1/prisoners/{december['bialiatski'].pk}/", "/api/v1/prisoners/{id}/"),
        (f"/api/v1/prisoners/{december['anonymized'].pk}/", "/api/v1/prisoners/{id}/"),
        ("/api/v1/release-events/", "/api/v1/release-events/"),
        (f"/api/v1/release-events/{EVENT}/", "/api/v1/release-events/{slug}/"),
        ("/api/v1/releases/", "/api/v1/releases/"),
        (f"/api/v1/releases/{release.pk}/", "/api/v1/releases/{id}/"),
        ("/api/v1/destinations/", "/api/v1/destinations/"),
        ("/api/v1/destinations/UA/", "/api/v1/destinations/{country}/"),
        ("/api/v1/deals/", "/api/v1/deals/"),
        ("/api/v1/deals/potash-2025/", "/api/v1/deals/{slug}/"),
        ("/api/v1/sources/", "/api/v1/sources/"),
        (f"/api/v1/sources/{december['news'].pk}/", "/api/v1/sources/{id}/"),
        ("/api/v1/stats/", "/api/v1/stats/"),
    ]
    for reader in (APIClient(), staff_client):
        for url, template in cases:
            response = reader.get(url)
            assert response.status_code == 200, url
            validate(schema, template, "get", 200, response.json())


def test_write_responses_match_the_schema(schema, staff_client, december):
    created = staff_client.post("/api/v1/prisoners/", {"full_name": "Synthetic Schema"}, format="json")
    validate(schema, "/api/v1/prisoners/", "post", 201, created.json())
    event = staff_client.post(
        "/api/v1/release-events/",
        {"title": "Synthetic schema event", "date": "2025-01-01", "releasing_countries": ["BY"]},
        format="json",
    )
    validate(schema, "/api/v1/release-events/", "post", 201, event.json())
    release = staff_client.post(
        "/api/v1/releases/", {"prisoner_id": created.json()["id"], "date": "2025-01"}, format="json"
    )
    validate(schema, "/api/v1/releases/", "post", 201, release.json())


def test_a_broken_response_would_fail_validation(schema, client, december):
    """The check has teeth: a withheld-name null where a string is promised does not validate."""
    body = client.get("/api/v1/deals/").json()
    body["results"][0]["named_count"] = "many"
    with pytest.raises(jsonschema.ValidationError):
        validate(schema, "/api/v1/deals/", "get", 200, body)


def test_every_filter_and_the_paging_parameters_appear_in_the_schema(schema):
    for path, filterset in FILTERSETS.items():
        documented = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
        expected = set(filterset.base_filters) | {"page", "page_size", "search", "ordering"}
        assert expected <= documented, (path, expected - documented)


def test_design_md_filters_are_all_there():
    assert {
        "status",
        "country",
        "citizenship",
        "gender",
        "detained_after",
        "detained_before",
        "released_after",
        "released_before",
        "release_event",
        "destination",
        "deal",
        "charge",
    } <= set(PrisonerFilterSet.base_filters)
    assert {"date_after", "date_before", "country", "kind", "deal", "destination"} <= set(
        ReleaseEventFilterSet.base_filters
    )
    assert {"status", "sanctioning_party", "target_country"} <= set(SanctionsDealFilterSet.base_filters)


def test_docs_are_served_without_a_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page
