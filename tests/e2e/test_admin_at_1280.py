"""The editors' workplace in a real headless Chromium at 1280 px: nothing scrolls sideways."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from prisoners import services as prisoner_services
from releases import services as release_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 1280


def _no_horizontal_scroll(driver):
    scroll_width, inner_width = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{driver.current_url} scrolls sideways: {scroll_width} > {inner_width}"


@pytest.fixture
def admin_site(live_server, chromium):
    source = prisoner_services.create_source(
        link="https://example.org/synthetic/a-rather-long-address/of-a-report-about-the-release/" + "x" * 60,
        title="A synthetic report with a long title about the release of one hundred and twenty-three people",
    )
    event = release_services.create_release_event(
        title="Belarus frees 123 political prisoners after talks with the United States envoy",
        date=date(2025, 12, 13),
        releasing_countries=["BY"],
        reported_count=123,
        destination_counts={"LT": 9, "UA": 114},
        sources=[source],
    )
    for n in range(123):
        person = prisoner_services.create_prisoner(
            full_name=f"Synthetic Freed Person Number{chr(97 + n % 26)}{chr(97 + n // 26)} Longsurnamovich",
            native_name="Сінтэтычны Вызвалены Чалавек",
            country="BY",
            citizenship=["BY"],
        )
        prisoner_services.add_detention(prisoner=person, detained_on=date(2021, 1, 1), sentence_months=60)
        release_services.record_release(
            prisoner=person, event=event, destination="UA" if n % 10 else "LT", sources=[source], forced_exile=True
        )
    user = get_user_model().objects.create_superuser("wide-editor", password="pw-wide-editor")
    chromium.set_window_size(WIDTH, 900)
    assert chromium.execute_script("return window.innerWidth") == WIDTH
    chromium.get(live_server.url + "/admin/login/")
    chromium.find_element(By.NAME, "username").send_keys(user.username)
    chromium.find_element(By.NAME, "password").send_keys("pw-wide-editor")
    chromium.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    WebDriverWait(chromium, 15).until(lambda d: "/admin/login/" not in d.current_url)
    return live_server.url, event


def test_the_workplace_fits_1280_px(admin_site, chromium, screenshot):
    base, event = admin_site
    pages = {
        "admin-index": "/admin/",
        "admin-event": f"/admin/releases/releaseevent/{event.pk}/change/",
        "admin-event-people": f"/admin/releases/releaseevent/{event.pk}/people/",
        "admin-event-paste": f"/admin/releases/releaseevent/{event.pk}/people/paste/",
        "admin-events": "/admin/releases/releaseevent/",
        "admin-people": "/admin/prisoners/prisoner/",
        "admin-releases": "/admin/releases/release/",
        "admin-deals": "/admin/releases/sanctionsdeal/",
        "admin-sources": "/admin/prisoners/source/",
        "admin-review": "/admin/prisoners/prisoner/review/",
    }
    for name, path in pages.items():
        chromium.get(base + path)
        WebDriverWait(chromium, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
        assert chromium.find_element(By.ID, "content").text
        _no_horizontal_scroll(chromium)
        screenshot(f"{name}-1280")
    # The event's page stays short: no row per person.
    chromium.get(base + pages["admin-event"])
    assert chromium.execute_script("return document.documentElement.scrollHeight") < 4000
    # The held-in filter is short: only the countries in use.
    chromium.get(base + pages["admin-people"])
    assert chromium.execute_script("return document.documentElement.scrollHeight") < 7000
