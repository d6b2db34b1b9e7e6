"""Shared fixtures, and the service markers: skipped on a laptop without the service, failed in CI.

In the PostgreSQL pass of `.ci/run`, REQUIRE_SERVICES=1 turns any service skip into a failure.
"""

import os
import shutil
import socket

import pytest
from django.conf import settings
from django.db import connection

from tests import builders


def _port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _redis_available():
    if not settings.REDIS_URL:
        return False, "REDIS_URL is not set"
    from urllib.parse import urlparse

    url = urlparse(settings.REDIS_URL)
    if not _port_open(url.hostname or "127.0.0.1", url.port or 6379):
        return False, f"no Redis at {settings.REDIS_URL}"
    return True, ""


def _postgres_available():
    if connection.vendor != "postgresql":
        return False, "the database is not PostgreSQL (set DATABASE_URL)"
    return True, ""


def _browser_available():
    for binary in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
        if not shutil.which(binary):
            return False, f"{binary} is not installed (apt-get install chromium chromium-driver)"
    return True, ""


SERVICE_CHECKS = {
    "postgres": _postgres_available,
    "redis": _redis_available,
    "celery_worker": _redis_available,
    "browser": _browser_available,
}


@pytest.fixture(autouse=True)
def _reads_cache_off(settings):
    """The cached reads (tracker/read_cache.py) are off in tests, except where a test turns them on; a test that
    does sees each write's numbers at once, unless it sets the refresh interval itself."""
    settings.READ_CACHE_PAGE_SECONDS = 0
    settings.READ_CACHE_SUMMARY_SECONDS = 0
    settings.READ_CACHE_SUMMARY_REFRESH_SECONDS = 0
    settings.READ_CACHE_PAGE_REFRESH_SECONDS = 0
    settings.READ_CACHE_BACKGROUND_REFRESH = False


def pytest_runtest_setup(item):
    for marker, check in SERVICE_CHECKS.items():
        if item.get_closest_marker(marker) is None:
            continue
        available, why = check()
        if available:
            continue
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{marker} test cannot run, and REQUIRE_SERVICES=1 forbids skipping it: {why}")
        pytest.skip(why)


@pytest.fixture
def build():
    """Small builders for records: `build.prisoner(...)`, `build.event(...)`, ..."""
    return builders


@pytest.fixture(autouse=True)
def no_page_throttle(settings):
    """The whole suite reads pages from one address: the page throttle is off unless a test turns it on."""
    settings.PAGE_THROTTLE_RATE = None


@pytest.fixture(autouse=True, scope="session")
def fast_password_hasher():
    """Tests create and log in many users: a fast hasher, for tests only (production keeps PBKDF2)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
