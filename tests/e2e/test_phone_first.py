"""Issue 17 in a real Chromium at 375 px (and 1280 px): results within the first screen, chart labels that
do not overlap, a map with its table, event titles not squeezed."""

import pytest
from selenium.webdriver.common.by import By

from tests.pages.scenario import build_december_13

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = (375, 800)


@pytest.fixture
def phone(live_server, chromium):
    data = build_december_13()
    chromium.set_window_size(*PHONE)
    return live_server.url, data


def _boxes(driver, selector):
    return driver.execute_script(
        """return Array.from(document.querySelectorAll(arguments[0]))
            .filter(el => el.getClientRects().length)
            .map(el => {
                const r = el.getBoundingClientRect();
                const scale = r.height / el.getBBox().height || 1;  // SVG units to screen pixels
                const size = parseFloat(getComputedStyle(el).fontSize) * scale;
                return {text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom, size};
            });""",
        selector,
    )


def _overlapping(boxes):
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["left"] < b["right"] - 0.5
                and b["left"] < a["right"] - 0.5
                and a["top"] < b["bottom"] - 0.5
                and b["top"] < a["bottom"] - 0.5
            ):
                pairs.append((a["text"], b["text"]))
    return pairs


def test_a_filtered_list_shows_its_first_result_within_the_first_screen(phone, chromium, screenshot):
    base, data = phone
    chromium.get(base + "/prisoners/?destination=Lithuania")  # typed by name: lands on the clean URL
    assert chromium.current_url == base + "/prisoners/?destination=LT"
    first = chromium.find_element(By.CSS_SELECTOR, "table.stacked tbody tr")
    assert "Ales Bialiatski" in first.text
    top = chromium.execute_script("return arguments[0].getBoundingClientRect().top", first)
    height = chromium.execute_script("return window.innerHeight")
    assert top < height - 60, f"the first result starts at {top} px on a {height} px screen"
    assert chromium.find_element(By.CSS_SELECTOR, ".chips").is_displayed()
    screenshot("phone-first-filtered-people")


def test_chart_labels_do_not_overlap_and_stay_readable(phone, chromium, screenshot):
    base, data = phone
    chromium.get(base + "/")
    assert not chromium.find_element(By.CSS_SELECTOR, "svg.chart-wide").is_displayed()
    narrow = _boxes(chromium, "svg.chart-narrow text")
    assert len(narrow) >= 4 and not _overlapping(narrow)
    assert min(box["size"] for box in narrow) >= 11, narrow  # readable on a phone
    screenshot("phone-first-dashboard")
    chromium.set_window_size(1280, 900)
    chromium.get(base + "/")
    wide = _boxes(chromium, "svg.chart-wide text.month, svg.chart-wide text.value, svg.chart-wide text.year")
    months = [box["text"] for box in wide]
    assert "Jun" in months and "Dec" in months
    assert not _overlapping(wide), _overlapping(wide)


def test_the_map_has_its_table(phone, chromium):
    base, data = phone
    for path in ("/", "/destinations/"):
        chromium.get(base + path)
        figure = chromium.find_element(By.CSS_SELECTOR, "figure.map")
        assert figure.is_displayed()
        outline = figure.find_element(By.TAG_NAME, "img")
        assert chromium.execute_script("return arguments[0].naturalWidth", outline) > 0  # the shipped outline loaded
        markers = {a.get_dom_attribute("href") for a in figure.find_elements(By.CSS_SELECTOR, "svg a")}
        table = chromium.find_element(By.CSS_SELECTOR, "#where-table table, table.stacked")
        links = {a.get_dom_attribute("href") for a in table.find_elements(By.CSS_SELECTOR, "a[href*='/destinations/']")}
        assert markers and markers <= links, (markers, links)
        marker = figure.find_element(By.CSS_SELECTOR, "svg a")
        assert marker.get_attribute("aria-label").count(":") == 1  # "Ukraine: 114 reported, 3 named"


def test_event_titles_are_not_squeezed_on_a_desktop(live_server, chromium):
    build_december_13()
    chromium.set_window_size(1280, 900)
    chromium.get(live_server.url + "/releases/")
    link = chromium.find_element(By.LINK_TEXT, "Belarus frees 123 and sends them to Ukraine and Lithuania")
    height = chromium.execute_script("return arguments[0].getClientRects().length", link)
    assert height <= 2, f"the title wraps onto {height} lines"
    scroll_width, client_width = chromium.execute_script(
        "const w = document.querySelector('.table-wrap'); return [w.scrollWidth, w.clientWidth]"
    )
    assert scroll_width <= client_width, "the events table scrolls sideways at 1280 px"
