"""The API's JSON encoded by orjson (tracker/api/renderers.py) is DRF's JSON, byte for byte: for every kind of value
the API puts in an answer, and for whole answers of every list, detail and error."""

import datetime
import decimal
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from tracker.api.renderers import OrjsonRenderer

VALUES = [
    {"a": 1, "b": [1, 2.5, None, True, False], "c": {"d": "e"}},
    ["Алесь Бяляцкі", "Łukasz Żółć", "emoji 🕊", 'quote " backslash \\ tab \t newline \n', "\x00\x1f"],
    "separators \u2028 and \u2029 in a name",
    {1: "int key", 2: "another"},
    {"aware": datetime.datetime(2025, 12, 13, 10, 30, 15, 123456, tzinfo=datetime.UTC)},
    {"aware_minsk": datetime.datetime(2025, 12, 13, 10, 30, tzinfo=ZoneInfo("Europe/Minsk"))},
    {"naive": datetime.datetime(2025, 12, 13, 10, 30, 15)},
    {"date": datetime.date(2025, 12, 13), "time": datetime.time(10, 30, 15, 500000)},
    {"decimal": decimal.Decimal("12.50"), "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    {"lazy": gettext_lazy("Name withheld"), "error": [ErrorDetail("Enter a date.", code="invalid")]},
    {"set": {3}, "tuple": (1, "two")},
    {"big": 2**70},
    {"float": 0.1, "third": 1 / 3, "negative": -0.0, "whole": 2.0},
    [],
    {},
    0,
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_orjson_renders_what_drf_renders(value):
    assert OrjsonRenderer().render(value, "application/json", {}) == JSONRenderer().render(
        value, "application/json", {}
    )


def test_a_float_in_exponent_form_is_the_same_number():
    """The one difference: orjson writes 0.00001 where Python writes 1e-05 (the same number to any JSON reader)."""
    value = {"small": 1e-05, "large": 1.5e300}
    fast, reference = OrjsonRenderer().render(value), JSONRenderer().render(value)
    assert fast == b'{"small":0.00001,"large":1.5e+300}' and reference == b'{"small":1e-05,"large":1.5e+300}'
    assert json.loads(fast) == json.loads(reference) == value


def test_an_indented_answer_is_drfs():
    value = {"a": [1, {"b": 2}]}
    indented = OrjsonRenderer().render(value, "application/json; indent=4", {})
    assert indented == JSONRenderer().render(value, "application/json; indent=4", {})
    assert b"\n    " in indented


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/prisoners/",
        "/api/v1/releases/",
        "/api/v1/release-events/",
        "/api/v1/release-events/orjson-event/",
        "/api/v1/stats/",
        "/api/v1/releases/?date_after=nope",
        "/api/v1/prisoners/999999/",
        "/api/v1/",
    ],
)
def test_whole_answers_are_drfs(build, monkeypatch, url):
    event = build.event("Orjson event", slug="orjson-event", date=datetime.date(2025, 12, 13))
    for n in range(3):
        person = build.prisoner(f"Алесь Orjson {n}\u2028", visibility="anonymized" if n == 1 else "public")
        build.release(person, event=event, destination="LT")
    client = APIClient()
    fast = client.get(url)
    monkeypatch.setattr(OrjsonRenderer, "render", JSONRenderer.render)
    reference = client.get(url)
    assert fast.status_code == reference.status_code
    assert fast["Content-Type"] == reference["Content-Type"] == "application/json"
    assert fast.content == reference.content
