"""The filter menus list the countries in use: a record written a moment ago is in them at once.

The menus are cached (a running server computes them once), under the records' version, so a write
makes the next page compute them afresh instead of serving a list up to five minutes old.
"""

import pytest

pytestmark = pytest.mark.django_db


def _menu(response, field):
    return {code for code, _label in response.context["filterset"].form.fields[field].widget.choices if code}


def test_event_country_menu_lists_a_country_written_after_it_was_cached(client, build):
    build.event(releasing_countries=["BY"])
    assert _menu(client.get("/releases/"), "country") == {"BY"}
    build.event(releasing_countries=["VE"])
    assert _menu(client.get("/releases/"), "country") == {"BY", "VE"}


def test_deal_country_menu_lists_a_country_written_after_it_was_cached(client, build):
    build.deal(target_country="BY")
    assert _menu(client.get("/deals/"), "target_country") == {"BY"}
    build.deal(target_country="RU")
    assert _menu(client.get("/deals/"), "target_country") == {"BY", "RU"}


def test_people_country_menu_lists_a_country_written_after_it_was_cached(client, build):
    build.prisoner(country="BY")
    assert _menu(client.get("/prisoners/"), "country") == {"BY"}
    build.prisoner(country="AZ")
    assert _menu(client.get("/prisoners/"), "country") == {"BY", "AZ"}
