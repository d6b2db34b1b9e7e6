"""End-to-end: the pages in a real headless Chromium, on a 375 px phone and a desktop."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.pages.scenario import build_december_13

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": 375, "desktop": 1280}


@pytest.fixture
def site(live_server, chromium, request):
    data = build_december_13()
    width = WIDTHS[request.param]
    chromium.set_window_size(width, 900)
    assert chromium.execute_script("return window.innerWidth") == width
    return live_server.url, data, request.param


def _wait_for_url(driver, part):
    """Clicks and submits return before the next page is there: wait for it."""
    WebDriverWait(driver, 15).until(EC.url_contains(part))
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _no_horizontal_scroll(driver):
    scroll_width, inner_width = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{driver.current_url} scrolls sideways: {scroll_width} > {inner_width}"


@pytest.mark.parametrize("site", WIDTHS, indirect=True)
def test_no_page_scrolls_sideways(site, chromium, screenshot):
    base, data, width_name = site
    pages = {
        "dashboard": "/",
        "people": "/prisoners/",
        "person": data.bialiatski.get_absolute_url(),
        "releases": "/releases/",
        "release-2025-12-13": data.event.get_absolute_url(),
        "deals": "/deals/",
        "deal": data.deal.get_absolute_url(),
        "destinations": "/destinations/",
        "destination-ua": "/destinations/UA/",
        "not-found": "/no/such/page/",
    }
    for name, path in pages.items():
        chromium.get(base + path)
        assert chromium.find_element(By.TAG_NAME, "h1").text
        _no_horizontal_scroll(chromium)
        screenshot(f"{name}-{width_name}")


@pytest.mark.parametrize("site", WIDTHS, indirect=True)
def test_searching_a_name_shows_that_person(site, chromium, screenshot):
    base, data, width_name = site
    chromium.get(base + "/")
    box = chromium.find_element(By.ID, "header-search-input")
    box.send_keys("Kolesnikova")  # another transliteration of Kalesnikava
    box.submit()
    _wait_for_url(chromium, "search=Kolesnikova")
    results = chromium.find_element(By.ID, "results-heading").find_element(By.XPATH, "..")
    assert "Maria Kalesnikava" in results.text
    assert "Ales Bialiatski" not in results.text
    _no_horizontal_scroll(chromium)
    screenshot(f"search-{width_name}")
    results.find_element(By.LINK_TEXT, "Maria Kalesnikava").click()
    _wait_for_url(chromium, data.kalesnikava.get_absolute_url())
    assert chromium.find_element(By.TAG_NAME, "h1").text == "Maria Kalesnikava"
    assert "Ukraine" in chromium.find_element(By.ID, "timeline-heading").find_element(By.XPATH, "..").text


@pytest.mark.parametrize("site", WIDTHS, indirect=True)
def test_a_filter_changes_the_list(site, chromium, screenshot):
    base, data, width_name = site
    chromium.get(base + "/prisoners/")
    table = chromium.find_element(By.CSS_SELECTOR, "table")
    assert "Ales Bialiatski" in table.text and "Still Heldperson" in table.text
    chromium.find_element(By.CSS_SELECTOR, "details.more-filters > summary").click()  # the filter panel opens
    Select(chromium.find_element(By.ID, "id_status")).select_by_value("sentenced")
    chromium.find_element(By.CSS_SELECTOR, "details.more-filters button[type=submit]").click()
    _wait_for_url(chromium, "status=sentenced")
    # The script sent only what was filled in: a short URL to share.
    assert chromium.current_url == f"{base}/prisoners/?status=sentenced"
    table = chromium.find_element(By.CSS_SELECTOR, "table")
    assert "Still Heldperson" in table.text
    assert "Ales Bialiatski" not in table.text
    assert "1 result" in chromium.find_element(By.CSS_SELECTOR, ".list-tools").text
    assert not chromium.find_element(By.ID, "id_status").is_displayed()  # applied: the panel collapses...
    chip = chromium.find_element(By.CSS_SELECTOR, ".chips a.chip")  # ...and a chip says what is applied
    assert "Status: Sentenced" in " ".join(chip.text.split())
    _no_horizontal_scroll(chromium)
    screenshot(f"filtered-people-{width_name}")


@pytest.mark.parametrize("site", WIDTHS, indirect=True)
def test_the_13_december_2025_event_shows_both_destinations_and_the_deal(site, chromium, screenshot):
    base, data, width_name = site
    chromium.get(base + "/releases/")
    chromium.find_element(By.LINK_TEXT, "Belarus frees 123 and sends them to Ukraine and Lithuania").click()
    _wait_for_url(chromium, data.event.get_absolute_url())
    assert chromium.find_element(By.TAG_NAME, "h1").text == "Belarus frees 123 and sends them to Ukraine and Lithuania"
    where = chromium.find_element(By.ID, "where-heading").find_element(By.XPATH, "..").text
    assert "Lithuania" in where and "Ukraine" in where
    assert "9 reported" in where and "114 reported" in where
    _no_horizontal_scroll(chromium)
    screenshot(f"event-2025-12-13-{width_name}")
    chromium.find_elements(By.LINK_TEXT, "US lifts sanctions on Belarusian potash")[0].click()
    _wait_for_url(chromium, data.deal.get_absolute_url())
    assert chromium.find_element(By.TAG_NAME, "h1").text == "US lifts sanctions on Belarusian potash"
    assert "John Coale" in chromium.find_element(By.TAG_NAME, "main").text
    _no_horizontal_scroll(chromium)
