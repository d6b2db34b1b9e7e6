"""The stylesheet is served by the app itself (WhiteNoise), so gunicorn with DEBUG off needs no web server."""

import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_the_stylesheet_is_served_without_debug(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert b"{" in b"".join(response.streaming_content)
