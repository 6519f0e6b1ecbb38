"""`/docs` in Debian's Chromium, against a real `taskhub serve`, with no internet.

The browser resolves no name but 127.0.0.1 (`--host-resolver-rules`), so a page that
still reached for a CDN would stay blank and this test would fail. It loads the page,
authorises with an access token through swagger-ui's own dialog, runs `GET
/api/v1/users/me` with "Try it out" and reads the result; then checks that every
request the browser made went to this server and that the page's
Content-Security-Policy refused nothing (a refused inline script or style would show
up in the console).
"""

import json
import shutil
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import service_unavailable
from tests.integration.platform.serve_child import ServedTaskhub

pytestmark = pytest.mark.process

WAIT_SECONDS = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedTaskhub]:
    served = ServedTaskhub(tmp_path_factory.mktemp("docs-server"))
    yield served
    served.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium")
    driver_binary = shutil.which("chromedriver")
    if chromium is None or driver_binary is None:
        service_unavailable(
            "Chromium",
            "`chromium` and `chromedriver` are not installed "
            "(apt-get install chromium chromium-driver)",
        )

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--window-size=1280,2000",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # An explicit driver: selenium would otherwise try to download one.
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_binary))
    try:
        yield driver
    finally:
        driver.quit()


def _register(server: ServedTaskhub) -> tuple[str, str]:
    email = f"docs-{uuid.uuid4().hex[:8]}@example.com"
    request = urllib.request.Request(
        f"{server.base}/api/v1/auth/register",
        data=json.dumps({"email": email, "password": "correct horse 1", "name": "Docs"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return email, json.loads(response.read())["access_token"]


def test_the_docs_page_authorises_and_runs_a_request_offline(
    server: ServedTaskhub, browser: Any
) -> None:

    email, token = _register(server)
    wait = WebDriverWait(browser, WAIT_SECONDS)
    browser.get(f"{server.base}/docs")
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".info .title"), "taskhub API"))

    browser.find_element(By.CSS_SELECTOR, ".auth-wrapper .authorize").click()
    field = wait.until(ec.visibility_of_element_located((By.ID, "auth-bearer-value")))
    field.send_keys(token)
    browser.find_element(By.CSS_SELECTOR, ".modal-ux .auth-btn-wrapper .authorize").click()
    # Authorised, the dialog offers to log out instead.
    wait.until(
        ec.presence_of_element_located(
            (By.XPATH, "//div[@class='auth-btn-wrapper']/button[normalize-space()='Logout']")
        )
    )
    browser.find_element(By.CSS_SELECTOR, ".modal-ux .btn-done").click()

    operation = browser.find_element(By.ID, "operations-users-get_me")
    operation.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait.until(lambda _: operation.find_element(By.CSS_SELECTOR, ".try-out__btn")).click()
    wait.until(lambda _: operation.find_element(By.CSS_SELECTOR, ".execute")).click()
    status = wait.until(
        lambda _: operation.find_element(
            By.CSS_SELECTOR, ".live-responses-table .response .response-col_status"
        )
    )
    assert status.text.strip() == "200"
    body = operation.find_element(By.CSS_SELECTOR, ".live-responses-table .microlight").text
    assert json.loads(body)["email"] == email

    requested = [
        json.loads(entry["message"])["message"]["params"]["request"]["url"]
        for entry in browser.get_log("performance")
        if '"Network.requestWillBeSent"' in entry["message"]
    ]
    assert f"{server.base}/openapi.json" in requested
    assert f"{server.base}/api/v1/users/me" in requested
    elsewhere = [url for url in requested if not url.startswith((server.base, "data:"))]
    assert elsewhere == []
    refused = [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"] or entry["level"] == "SEVERE"
    ]
    assert refused == []


def test_the_page_and_its_files_carry_their_headers(server: ServedTaskhub) -> None:
    with urllib.request.urlopen(f"{server.base}/docs", timeout=10) as page:
        html = page.read().decode()
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "'unsafe-inline'" not in policy
        assert page.headers["Cache-Control"] == "no-cache"
    assert "<script>" not in html
    assert "http" not in html.replace("http-equiv", "")  # nothing from another origin
    scripts = [line.split('"')[1] for line in html.splitlines() if "<script src=" in line]
    for path in scripts:
        request = urllib.request.Request(server.base + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as script:
            assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
            etag = script.headers["ETag"]
            if "swagger-ui-" in path:
                assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
                assert script.headers["Content-Encoding"] == "gzip"
        again = urllib.request.Request(server.base + path, headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as unchanged:
            urllib.request.urlopen(again, timeout=10)
        assert unchanged.value.code == 304
