"""The staff console in a real browser: Debian's chromium, headless, with every address but
127.0.0.1 unreachable, signs in as the admin persona through the form, runs the payer queue
and reads the docs. Skipped (with the reason) only where chromium is not installed; .ci/run
installs it when it can."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from tests.graph.conftest import start_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="no chromium/chromedriver installed (apt-get install chromium chromium-driver)",
)

# Names resolve to nothing but 127.0.0.1, and anything that still tries goes to a proxy
# that refuses (port 9, discard: nothing listens); loopback bypasses the proxy.
_OFFLINE = (
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@pytest.fixture(scope="module")
def console(db_url):
    settings = {"CONSOLE_ENABLED": "1", "CONSOLE_PERSONAS": "1", "PYTHONPATH": str(ROOT)}
    process, base = start_server(db_url, **settings)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,900", *_OFFLINE):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # both paths given: selenium never looks for (or downloads) a driver of its own
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def _requested(driver) -> set[str]:
    urls = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    return urls


def test_sign_in_run_the_payer_queue_and_read_the_docs(console, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    started = time.monotonic()
    wait = WebDriverWait(browser, 20)
    css = By.CSS_SELECTOR
    screenshot = tmp_path / "console.png"
    try:
        browser.get(f"{console}/console")
        # the demo personas are offered (one click each); this test signs in through the form
        wait.until(shown.presence_of_element_located((css, "[data-persona='admin@example.com']")))
        browser.find_element(By.NAME, "email").send_keys("admin@example.com")
        browser.find_element(By.NAME, "password").send_keys("demo-password")
        browser.find_element(css, "form button[type=submit]").click()
        wait.until(shown.text_to_be_present_in_element((css, ".cg-who"), "admin@example.com"))
        assert browser.find_element(css, ".cg-signout").is_displayed()

        wait.until(shown.element_to_be_clickable((css, "[data-example='payer-queue']"))).click()
        browser.find_element(css, ".graphiql-execute-button").click()
        wait.until(shown.text_to_be_present_in_element((css, ".graphiql-response"), "claimNumber"))
        result = browser.find_element(css, ".graphiql-response").text
        assert '"claimQueue"' in result and '"CLM-' in result and '"errors"' not in result

        browser.find_element(css, "[aria-label='Show Documentation Explorer']").click()
        wait.until(shown.text_to_be_present_in_element((css, ".graphiql-doc-explorer"), "query"))
        docs = browser.find_element(css, ".graphiql-doc-explorer").text
        assert "query: Query" in docs and "ClaimStatus" in docs
    finally:
        browser.save_screenshot(str(screenshot))
        print(f"\nscreenshot: {screenshot}")

    browser.find_element(css, ".cg-signout").click()  # the session ends; the form is back
    wait.until(shown.presence_of_element_located((By.NAME, "password")))

    off_host = {
        url for url in _requested(browser)
        if not url.startswith((f"{console}/", "data:", "blob:"))
    }  # fmt: skip
    assert off_host == set(), "the page asked for something off this server"
    complaints = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert complaints == []  # a Content-Security-Policy refusal or a failed load shows here
    assert time.monotonic() - started < 30


async def test_a_subscription_runs_live_from_the_console(console, browser, engine):
    """One click signs in as a demo persona; the live example subscribes over the WebSocket
    with the page's token, and a claim changing status shows in the result pane."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.graph.subscriptions_access_support import _claim_of, _event, _scalar

    wait = WebDriverWait(browser, 20)
    css = By.CSS_SELECTOR
    claim_id = await _claim_of(engine, "NOT c.is_sensitive")
    number = await _scalar(engine, "SELECT claim_number FROM claims WHERE id = :i", i=claim_id)

    browser.get(f"{console}/console")
    wait.until(shown.element_to_be_clickable((css, "[data-persona='adjudicator@example.com']")))
    browser.find_element(css, "[data-persona='adjudicator@example.com']").click()
    wait.until(shown.text_to_be_present_in_element((css, ".cg-who"), "adjudicator@example.com"))
    wait.until(shown.element_to_be_clickable((css, "[data-example='claim-updates']"))).click()
    browser.find_element(css, ".graphiql-execute-button").click()

    # the subscription is live once the server has it: until then an event passes it by
    for _ in range(15):
        await _event(engine, claim_id, "approved")
        try:
            WebDriverWait(browser, 2).until(
                shown.text_to_be_present_in_element((css, ".graphiql-response"), number)
            )
            break
        except TimeoutException:
            continue
    else:
        pytest.fail("no event reached the console's result pane")
    result = browser.find_element(css, ".graphiql-response").text
    assert '"claimStatusChanged"' in result and '"newStatus": "approved"' in result
    assert '"errors"' not in result

    browser.find_element(css, ".graphiql-execute-button").click()  # stop
    browser.find_element(css, ".cg-signout").click()
    wait.until(shown.presence_of_element_located((By.NAME, "password")))
    complaints = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert complaints == []  # a WebSocket the Content-Security-Policy refused shows here
