"""Security tests send many requests: each starts and ends with an empty cache (throttle counts live there)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()
