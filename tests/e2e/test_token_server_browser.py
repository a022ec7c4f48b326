"""The token-server example (examples/token_server/) in headless Chromium, against the mock server.

Debian's chromium and chromium-driver are driven through selenium with the driver's path given,
so selenium-manager never runs (and SE_OFFLINE forbids it to download anything besides). Each test
saves a screenshot under its tmp path and copies it to build/screenshots/. The two programs are
required: without them these tests fail, unless SKIP_BROWSER=1 skips them (tests/support/browser.py).
"""

import itertools
import logging
import math
import secrets
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openai_realtime_client import ApiClient, RealtimeApi
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from examples.token_server.app import TokenApp, realtime_session
from tests.support import browser as browser_requirement
from tests.support.browser import CHROMEDRIVER, CHROMIUM
from tests.support.payloads import TEST_API_KEY, client_secret, vendor_error
from tests.support.ports import closed_port
from tests.support.token_server import TokenServer
from tools import paths
from tools.servers.mock_server import MockServer, ScriptedResponse

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
SCREENSHOTS = paths.REPO / "build" / "screenshots"

REQUIREMENT = browser_requirement.decide()
if REQUIREMENT.action == "skip":
    pytest.skip(REQUIREMENT.reason, allow_module_level=True)


@pytest.fixture(autouse=True)
def _chromium_is_required() -> None:
    """Without Chromium each test here fails at its setup instead of skipping."""
    if REQUIREMENT.action == "fail":
        pytest.fail(REQUIREMENT.reason, pytrace=False)


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    monkeypatch.setenv("SE_OFFLINE", "true")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    # The flags above still leave Chromium fetching the network time, extension updates, a Google
    # account list and a search engine's start page (seen with strace: DNS queries for them leave
    # the machine). A proxy on a closed port of 127.0.0.1, for the profile and for the browser's
    # own requests, refuses all of that before any name is looked up; Chromium never proxies
    # 127.0.0.1, so the token server is reached directly.
    nowhere = {"mode": "fixed_servers", "server": f"127.0.0.1:{closed_port()}"}
    options.add_experimental_option("prefs", {"proxy": nowhere})
    options.add_experimental_option("localState", {"proxy": nowhere})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_window_size(900, 620)
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def token_server(mock_server: MockServer) -> Iterator[TokenServer]:
    """The example's server on a free port of 127.0.0.1, minting at the mock with the test key."""
    with ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url) as client:
        app = TokenApp(RealtimeApi(client), realtime_session("gpt-realtime", "alloy"))
        with TokenServer(app) as server:
            yield server


def minted_session(token: str, expires_at: int) -> dict[str, Any]:
    """The GA answer: the secret and its expiry at the top, the session it opens beside them."""
    return client_secret(token, expires_at, id="sess_e2e_0001", audio={"output": {"voice": "alloy"}})


def text_of(driver: WebDriver, element_id: str) -> str:
    text: str = driver.find_element(By.ID, element_id).text
    return text


def wait_for_state(driver: WebDriver, state: str, timeout: float = 10) -> None:
    body = driver.find_element(By.TAG_NAME, "body")
    WebDriverWait(driver, timeout).until(lambda _: body.get_attribute("data-state") == state)


def seconds_left(driver: WebDriver) -> int:
    return int(text_of(driver, "seconds-left"))


def read_countdown(driver: WebDriver) -> tuple[float, int, float]:
    started = time.monotonic()
    value = seconds_left(driver)
    return started, value, time.monotonic()


def screenshot(driver: WebDriver, tmp_path: Path, name: str) -> Path:
    """Save the page as tmp_path/screenshots/<name>.png and copy it to build/screenshots/."""
    target = tmp_path / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(target))
    assert target.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target, SCREENSHOTS / target.name)
    return target


def browser_console(driver: WebDriver) -> list[dict[str, Any]]:
    # selenium leaves get_log without annotations.
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return entries


def watch_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Capture everything the client and the token server log, down to DEBUG."""
    for name in ("openai_realtime_client", "examples.token_server"):
        caplog.set_level(logging.DEBUG, logger=name)


def assert_no_key_reached_the_browser(driver: WebDriver, caplog: pytest.LogCaptureFixture) -> None:
    page = driver.page_source
    console = " ".join(str(entry.get("message")) for entry in browser_console(driver))
    for where in (page, console, caplog.text):
        assert TEST_API_KEY not in where
        assert TEST_API_KEY[-8:] not in where  # not even the tail an error message might quote


def test_a_minted_token_is_shown_masked_and_counts_down_to_its_expiry(
    browser: WebDriver,
    token_server: TokenServer,
    mock_server: MockServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    watch_logs(caplog)
    token = "ek_" + secrets.token_hex(16)
    expires_at = int(time.time()) + 60
    mock_server.script(ScriptedResponse(200, minted_session(token, expires_at), headers={"x-request-id": "req_e2e_ok"}))

    browser.get(token_server.url)
    wait_for_state(browser, "ready")
    # (started reading, seconds shown, done reading), every 0.2 s for 3.3 s.
    samples = [read_countdown(browser)]
    while samples[-1][0] - samples[0][0] < 3.3:
        time.sleep(0.2)
        samples.append(read_countdown(browser))
    shot = screenshot(browser, tmp_path, "token-ready")

    assert text_of(browser, "status") == "Session token ready."
    shown = [value for _, value, _ in samples]
    assert 55 <= shown[0] <= 60, samples
    # Never up, and down by one a second: between two readings, by no more than the whole seconds
    # that could have passed between them, and over the run, by about the time it took.
    assert shown == sorted(shown, reverse=True), samples
    for (started, high, _), (_, low, done) in itertools.pairwise(samples):
        assert high - low <= math.ceil(done - started), samples
    (first_started, _, first_done), (last_started, _, last_done) = samples[0], samples[-1]
    assert math.floor(last_started - first_done) - 1 <= shown[0] - shown[-1] <= math.ceil(last_done - first_started)
    assert len(set(shown)) >= 3, samples
    expiry = datetime.fromtimestamp(expires_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert text_of(browser, "expires-at") == expiry
    assert text_of(browser, "token-masked") == f"{token[:6]}\u2026 ({len(token)} characters)"
    assert text_of(browser, "session") == "sess_e2e_0001, gpt-realtime"
    assert not browser.find_element(By.ID, "error").is_displayed()
    assert token not in browser.page_source  # the page holds it, but shows only its start
    # No console errors: the script ran under the server's Content-Security-Policy untouched.
    assert [e for e in browser_console(browser) if e.get("level") == "SEVERE"] == []
    # The key went from the token server to the API's GA operation (not the retired beta
    # /realtime/sessions), and nowhere near the browser.
    [request] = mock_server.received
    assert (request.path, request.problems) == ("/v1/realtime/client_secrets", ())
    assert request.header("Authorization") == f"Bearer {TEST_API_KEY}"
    assert request.json() == {
        "session": {"type": "realtime", "model": "gpt-realtime", "audio": {"output": {"voice": "alloy"}}}
    }
    assert "minted session sess_e2e_0001" in caplog.text  # the logs checked below were captured
    assert token not in caplog.text
    assert_no_key_reached_the_browser(browser, caplog)
    assert shot.stat().st_size > 5_000


def test_a_token_that_runs_out_says_so(
    browser: WebDriver, token_server: TokenServer, mock_server: MockServer, tmp_path: Path
) -> None:
    expires_at = int(time.time()) + 2
    mock_server.script(ScriptedResponse(200, minted_session("ek_" + secrets.token_hex(16), expires_at)))

    browser.get(token_server.url)
    wait_for_state(browser, "expired", timeout=15)
    screenshot(browser, tmp_path, "token-expired")

    assert seconds_left(browser) == 0
    assert text_of(browser, "status") == "The token has expired. Reload the page to mint a new one."


@pytest.mark.parametrize(
    ("name", "answers", "expected"),
    [
        pytest.param(
            "refused-key",
            [
                ScriptedResponse(
                    401,
                    vendor_error(
                        f"Incorrect API key provided: {TEST_API_KEY[:8]}****{TEST_API_KEY[-8:]}.",
                        code="invalid_api_key",
                    ),
                    headers={"x-request-id": "req_e2e_401"},
                )
            ],
            "The API refused this server's API key (HTTP 401). Request id: req_e2e_401.",
            id="401",
        ),
        pytest.param(
            "server-error",
            # 500 is retried twice; retry-after-ms keeps the waits short.
            [
                ScriptedResponse(
                    500,
                    vendor_error("The server had an error while processing your request.", "server_error"),
                    headers={"x-request-id": "req_e2e_500", "retry-after-ms": "10"},
                )
            ]
            * 3,
            "The API failed to mint a session (HTTP 500, after 2 retries). Request id: req_e2e_500.",
            id="500",
        ),
    ],
)
def test_a_failed_mint_shows_a_safe_message(
    browser: WebDriver,
    token_server: TokenServer,
    mock_server: MockServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    name: str,
    answers: list[ScriptedResponse],
    expected: str,
) -> None:
    watch_logs(caplog)
    mock_server.script(*answers)

    browser.get(token_server.url)
    wait_for_state(browser, "error")
    screenshot(browser, tmp_path, f"token-error-{name}")

    assert text_of(browser, "status") == "Could not mint a session token."
    assert text_of(browser, "error") == expected
    assert not browser.find_element(By.ID, "details").is_displayed()
    assert len(mock_server.received) == len(answers)
    assert "minting failed: " in caplog.text and "request id req_e2e_" in caplog.text
    page = browser.page_source
    # Not the key, and not the API's own message, which is where a fragment of the key would come from.
    assert "Incorrect API key" not in page and "The server had an error" not in page
    assert_no_key_reached_the_browser(browser, caplog)


def test_a_call_posts_the_browsers_offer_and_shows_the_call_id(
    browser: WebDriver,
    token_server: TokenServer,
    mock_server: MockServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    watch_logs(caplog)
    browser.get(token_server.url)
    wait_for_state(browser, "ready")
    mock_server.reset()

    browser.find_element(By.ID, "start-call").click()
    body = browser.find_element(By.TAG_NAME, "body")
    WebDriverWait(browser, 15).until(lambda _: body.get_attribute("data-call") in ("answered", "unanswered", "error"))
    browser.execute_script("document.getElementById('call-panel').scrollIntoView()")
    shot = screenshot(browser, tmp_path, "call-started")

    (received,) = mock_server.received
    assert received.problems == ()
    assert received.path.endswith("/realtime/calls")
    assert received.header("Authorization") == f"Bearer {TEST_API_KEY}"
    # What reached the API is the offer Chromium's RTCPeerConnection made, sent as a multipart part.
    assert (received.header("content-type") or "").startswith("multipart/form-data; boundary=")
    assert b"Content-Type: application/sdp" in received.body
    assert b"a=fingerprint:" in received.body and b"m=audio " in received.body and b"m=application " in received.body
    call_id = text_of(browser, "call-id")
    assert call_id.startswith("rtc_") and f"started call {call_id}" in caplog.text
    # The mock's answer, built from the offer, is one the browser takes as its remote description.
    assert body.get_attribute("data-call") == "answered", text_of(browser, "call-remote")
    assert text_of(browser, "call-status") == "Call started."
    assert text_of(browser, "call-remote") == "accepted as the remote description"
    assert [e for e in browser_console(browser) if e.get("level") == "SEVERE"] == []
    assert_no_key_reached_the_browser(browser, caplog)
    assert shot.stat().st_size > 5_000
