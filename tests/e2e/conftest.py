"""A real headless Chromium (Debian's chromium + chromedriver) driven by Selenium."""

import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (shutil.which("/usr/bin/chromium") and shutil.which("/usr/bin/chromedriver")):
        pytest.skip("chromium and chromedriver are not installed")
    profile = tempfile.mkdtemp(prefix="rt-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def screenshot(chromium):
    """Save the whole page as test-artifacts/screenshots/<name>.png (for a person to judge the design)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(name):
        width = chromium.execute_script("return window.innerWidth")
        height = chromium.execute_script("return document.documentElement.scrollHeight")
        chromium.set_window_size(width, min(max(height, 600), 8000))
        chromium.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
        chromium.set_window_size(width, 900)

    return save
