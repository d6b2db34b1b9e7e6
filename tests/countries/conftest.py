"""Fixtures for the several-countries tests: a staff API client and an anonymous one."""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture(autouse=True)
def no_throttling(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", None)


@pytest.fixture
def staff_api(build):
    api = APIClient()
    api.force_authenticate(build.user(superuser=True))
    return api


@pytest.fixture
def reader_api():
    return APIClient()
