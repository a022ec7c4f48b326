"""The token-server example over HTTP, without a browser: routes, headers, every kind of failure
mapped to a safe message, and `python -m examples.token_server` started the way `make example` does."""

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import urllib3
from openai_realtime_client import ApiClient, RealtimeApi
from openai_realtime_client.models import RealtimeSessionCreateRequestGA

from examples.token_server.app import SECURITY_HEADERS, TokenApp, realtime_session
from tests.support.payloads import TEST_API_KEY, session, vendor_error
from tests.support.ports import closed_port
from tests.support.signals import as_from_a_terminal
from tests.support.token_server import TokenServer
from tools import paths
from tools.servers.mock_server import PLACEHOLDER_KEY, MockServer, ScriptedResponse

JSON_HEADERS = {"Content-Type": "application/json"}
SESSION = realtime_session("gpt-realtime", "alloy")
NOW = 1_798_762_140.25  # a minute before the spec example's expires_at
# The GA operation every mint goes to; the beta POST /realtime/sessions is never asked.
MINT_PATH = "/v1/realtime/client_secrets"
# What SESSION (the example's defaults) sends there: a Realtime session in the GA request shape.
MINT_BODY = {"session": {"type": "realtime", "model": "gpt-realtime", "audio": {"output": {"voice": "alloy"}}}}
REQUEST_ID = re.compile(r"req_mock_\d{6}")  # the mock numbers its answers


def serve(base_url: str, **client_options: Any) -> TokenServer:
    client = ApiClient(api_key=TEST_API_KEY, base_url=base_url, **client_options)
    return TokenServer(TokenApp(RealtimeApi(client), SESSION, clock=lambda: NOW))


@pytest.fixture
def token_server(mock_server: MockServer) -> Iterator[TokenServer]:
    with serve(mock_server.url) as server:
        yield server


def mint(server: TokenServer, **headers: str) -> urllib3.BaseHTTPResponse:
    return urllib3.request("POST", server.url + "token", body=b"{}", headers=headers or JSON_HEADERS, retries=False)


def test_a_mint_returns_the_token_its_expiry_and_the_server_clock(
    token_server: TokenServer, mock_server: MockServer
) -> None:
    response = mint(token_server)

    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    minted = response.json()
    assert REQUEST_ID.fullmatch(minted.pop("request_id"))
    assert minted == {
        "token": "ek_example2222222222222222222222",
        "expires_at": 1798762200,
        "server_time": NOW,
        "session_id": "sess_1a2b3c4d5e6f7a8b9c0d1e2f",
        "model": "gpt-realtime",
    }
    (received,) = mock_server.received
    assert (received.method, received.path, received.problems) == ("POST", MINT_PATH, ())
    assert received.header("Authorization") == f"Bearer {TEST_API_KEY}"
    assert received.json() == MINT_BODY


def test_every_load_mints_a_new_session(token_server: TokenServer, mock_server: MockServer) -> None:
    ids = [mint(token_server).json()["request_id"] for _ in range(3)]

    assert len(set(ids)) == 3 and all(REQUEST_ID.fullmatch(i) for i in ids)
    assert [request.path for request in mock_server.received] == [MINT_PATH] * 3


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/", "text/html; charset=utf-8"), ("/app.js", "text/javascript; charset=utf-8"), ("/style.css", "text/css")],
)
def test_the_page_and_its_files_are_served_with_a_strict_policy(
    token_server: TokenServer, path: str, content_type: str
) -> None:
    response = urllib3.request("GET", token_server.url.rstrip("/") + path)

    assert response.status == 200
    assert response.headers["Content-Type"].startswith(content_type)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert b"sk-" not in response.data


def test_the_page_loads_its_script_and_styles_from_this_server_only(token_server: TokenServer) -> None:
    page = urllib3.request("GET", token_server.url).data.decode()

    assert '<script src="/app.js" defer></script>' in page
    assert '<link rel="stylesheet" href="/style.css">' in page
    assert "<script>" not in page and "style=" not in page  # nothing inline for the policy to block


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/token", {}, 405),
        ("POST", "/token", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
        ("POST", "/token", {"Content-Type": "text/plain"}, 415),
        ("POST", "/", JSON_HEADERS, 405),
        ("GET", "/../app.py", {}, 404),
        ("GET", "/static/app.js", {}, 404),
        ("GET", "/favicon.ico", {}, 404),
    ],
)
def test_anything_else_is_refused_without_minting(
    token_server: TokenServer, mock_server: MockServer, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    response = urllib3.request(method, token_server.url.rstrip("/") + path, body=b"{}", headers=headers)

    assert response.status == status
    assert mock_server.received == []


# The API's 401 message quotes the start and end of the key it was given.
LEAKY_401 = vendor_error(
    f"Incorrect API key provided: {TEST_API_KEY[:8]}****{TEST_API_KEY[-8:]}.", code="invalid_api_key"
)
FAST_RETRY = {"retry-after-ms": "1"}


@pytest.mark.parametrize(
    ("answers", "status", "message", "upstream_status"),
    [
        ([ScriptedResponse(401, LEAKY_401)], 502, "The API refused this server's API key (HTTP 401).", 401),
        (
            [ScriptedResponse(403, vendor_error("You may not."))],
            502,
            "This server's API key may not create Realtime sessions (HTTP 403).",
            403,
        ),
        (
            [ScriptedResponse(400, vendor_error("Unknown parameter."))],
            502,
            "The API rejected the session request (HTTP 400).",
            400,
        ),
        (
            [ScriptedResponse(429, vendor_error("Slow down."), headers=FAST_RETRY)] * 3,
            502,
            "The API is limiting this server's requests; reload in a moment (HTTP 429, after 2 retries).",
            429,
        ),
        (
            [ScriptedResponse(503, "<html>busy</html>", headers=FAST_RETRY)] * 2 + [ScriptedResponse(500, b"")],
            502,
            "The API failed to mint a session (HTTP 500, after 2 retries).",
            500,
        ),
        (
            [ScriptedResponse(200, "<html>a proxy's login page</html>")],
            502,
            "The API's answer could not be read (HTTP 200).",
            200,
        ),
        (
            [ScriptedResponse(200, {"id": "sess_1", "object": "realtime.session"})],
            502,
            "The API's answer could not be read (HTTP 200).",
            200,
        ),
        (
            # The beta operation's answer: its secret is under client_secret, not at the top.
            [ScriptedResponse(200, session())],
            502,
            "The API's answer could not be read (HTTP 200).",
            200,
        ),
    ],
    ids=["401", "403", "400", "429-retried", "5xx-retried", "html-200", "no-client-secret", "beta-shaped-200"],
)
def test_an_api_failure_becomes_a_safe_json_error(
    token_server: TokenServer,
    mock_server: MockServer,
    caplog: pytest.LogCaptureFixture,
    answers: list[ScriptedResponse],
    status: int,
    message: str,
    upstream_status: int,
) -> None:
    caplog.set_level(logging.DEBUG, logger="openai_realtime_client")
    caplog.set_level(logging.DEBUG, logger="examples.token_server")
    # Each answer its own request id: the error must name the last attempt's.
    mock_server.script(*(replace(a, headers={**a.headers, "x-request-id": f"req_{i}"}) for i, a in enumerate(answers)))

    response = mint(token_server)

    assert response.status == status
    assert response.headers["Cache-Control"] == "no-store"
    request_id = f"req_{len(answers) - 1}"
    assert response.json() == {
        "error": {"message": message, "upstream_status": upstream_status, "request_id": request_id}
    }
    assert len(mock_server.received) == len(answers)
    assert f"request id {request_id}" in caplog.text
    for where in (response.data.decode(), caplog.text):
        assert TEST_API_KEY not in where and TEST_API_KEY[-8:] not in where


def test_an_unreachable_api_is_reported_without_the_address_or_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="examples.token_server")
    port = closed_port()
    with serve(f"http://127.0.0.1:{port}/v1", max_retries=1) as server:
        response = mint(server)

    assert response.status == 502
    assert response.json()["error"] == {
        "message": "The token server could not reach the API, after 1 retry.",
        "upstream_status": None,
        "request_id": None,
    }
    assert str(port) not in response.data.decode()
    assert "minting failed: APIConnectionError" in caplog.text and TEST_API_KEY not in caplog.text


def test_a_stalled_api_is_a_timeout(mock_server: MockServer) -> None:
    mock_server.script(ScriptedResponse(200, {}, delay=1.0))
    with serve(mock_server.url, timeout=0.2, max_retries=0) as server:
        response = mint(server)

    assert response.status == 504
    assert response.json()["error"]["message"] == "The API did not answer in time."


def test_settings_the_description_forbids_are_refused_before_anything_is_sent(mock_server: MockServer) -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url)
    app = TokenApp(RealtimeApi(client), RealtimeSessionCreateRequestGA(model="gpt-realtime", max_output_tokens=5000))
    with client, TokenServer(app) as server:
        response = mint(server)

    assert response.status == 500
    assert response.json()["error"]["message"] == "The token server's session settings are invalid."
    assert mock_server.received == []


def _start_example(env: dict[str, str], *, beside_the_mock: bool = False) -> subprocess.Popen[str]:
    """The example as ``make example`` starts it (beside the mock), or alone; in a process group of
    its own, as a terminal would start it."""
    env = {**env, "PYTHONPATH": os.pathsep.join([str(paths.GENERATED), str(paths.REPO)])}
    mock = [sys.executable, "-m", "tools.servers", "--"] if beside_the_mock else []
    return subprocess.Popen(
        [*mock, sys.executable, "-m", "examples.token_server", "--port", "0"],
        cwd=paths.REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=as_from_a_terminal,
    )


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Ctrl-C as a terminal sends it: to the whole process group."""
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=10)
    return process.returncode, out + err


def _environment_without_api_settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}


def test_one_command_starts_it_against_its_own_mock_and_prints_the_address() -> None:
    process = _start_example(_environment_without_api_settings(), beside_the_mock=True)
    try:
        assert process.stdout is not None
        mock_line = process.stdout.readline()
        assert mock_line.startswith("mock server listening on http://127.0.0.1:"), mock_line
        mock_url = mock_line.split()[-1]
        first_line = process.stdout.readline()
        assert first_line.startswith("token server: open http://127.0.0.1:"), first_line
        url = first_line.split()[-1]
        assert f"minting at {mock_url};" in process.stdout.readline()
        page = urllib3.request("GET", url)
        minted = urllib3.request("POST", url + "token", body=b"{}", headers=JSON_HEADERS)
    finally:
        returncode, output = _stop(process)

    assert page.status == 200 and b"Realtime session token" in page.data
    assert minted.status == 200 and minted.json()["token"] == "ek_example2222222222222222222222"
    assert returncode == 0
    assert "minted session sess_1a2b3c4d5e6f7a8b9c0d1e2f" in output
    assert "ek_example2222222222222222222222" not in output  # the secret is never logged
    assert PLACEHOLDER_KEY not in output and PLACEHOLDER_KEY not in minted.data.decode()


def test_copied_out_of_the_repository_it_runs_with_the_generated_package_alone(
    mock_server: MockServer, tmp_path: Path
) -> None:
    shutil.copytree(paths.REPO / "examples" / "token_server", tmp_path / "token_server")
    env = {
        **_environment_without_api_settings(),
        "PYTHONPATH": str(paths.GENERATED),
        "OPENAI_BASE_URL": mock_server.url,
        "OPENAI_API_KEY": TEST_API_KEY,
    }
    # What the copy could lean on is gone: nothing of this repository but generated/ is importable.
    lean = subprocess.run([sys.executable, "-c", "import tools"], cwd=tmp_path, env=env, capture_output=True)
    assert lean.returncode != 0
    process = subprocess.Popen(
        [sys.executable, "-m", "token_server", "--port", "0"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=as_from_a_terminal,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        minted = urllib3.request("POST", url + "token", body=b"{}", headers=JSON_HEADERS)
    finally:
        returncode, output = _stop(process)

    assert minted.status == 200 and minted.json()["token"].startswith("ek_"), output
    assert returncode == 0
    assert [request.path for request in mock_server.received] == [MINT_PATH]


def test_with_openai_base_url_it_mints_there_with_openai_api_key(mock_server: MockServer) -> None:
    env = {**_environment_without_api_settings(), "OPENAI_BASE_URL": mock_server.url, "OPENAI_API_KEY": TEST_API_KEY}
    process = _start_example(env)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        assert f"minting at {mock_server.url};" in process.stdout.readline()
        minted = urllib3.request("POST", url + "token", body=b"{}", headers=JSON_HEADERS)
    finally:
        returncode, output = _stop(process)

    assert minted.status == 200
    [request] = mock_server.received
    assert (request.path, request.header("Authorization")) == (MINT_PATH, f"Bearer {TEST_API_KEY}")
    # --model and --voice left at their defaults, in the GA request shape.
    assert request.json() == MINT_BODY
    assert returncode == 0 and TEST_API_KEY not in output and minted.json()["token"] not in output


def test_without_a_key_it_is_refused_at_start() -> None:
    env = {**_environment_without_api_settings(), "OPENAI_BASE_URL": f"http://127.0.0.1:{closed_port()}/v1"}
    process = _start_example(env)
    out, err = process.communicate(timeout=30)

    assert process.returncode == 2
    assert out == ""
    assert err.strip() == "token_server: OPENAI_API_KEY is not set; export your key"


# --- POST /call: the browser's SDP offer in, the answer and the call id out ----------------------

OFFER = "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=setup:actpass\r\n"


def call(server: TokenServer, body: bytes = OFFER.encode(), **headers: str) -> urllib3.BaseHTTPResponse:
    headers = headers or {"Content-Type": "application/sdp"}
    return urllib3.request("POST", server.url + "call", body=body, headers=headers, retries=False)


def test_a_call_sends_the_offer_as_multipart_and_answers_with_sdp_and_the_call_id(
    token_server: TokenServer, mock_server: MockServer
) -> None:
    response = call(token_server)

    assert response.status == 201
    assert response.headers["Content-Type"].startswith("application/sdp")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Call-Id"].startswith("rtc_")
    answer = response.data.decode()
    assert answer.startswith("v=0\r\n") and "a=setup:active" in answer  # the mock answers the offer
    (received,) = mock_server.received
    assert received.problems == ()
    assert received.header("Authorization") == f"Bearer {TEST_API_KEY}"
    assert (received.header("content-type") or "").startswith("multipart/form-data; boundary=")
    assert OFFER.encode() in received.body
    for where in (response.data.decode(), str(response.headers)):
        assert TEST_API_KEY not in where


@pytest.mark.parametrize(
    ("method", "body", "headers", "status"),
    [
        ("GET", b"", {}, 405),
        ("POST", OFFER.encode(), {"Content-Type": "text/plain"}, 415),
        ("POST", b"hello", {"Content-Type": "application/sdp"}, 400),
        ("POST", b"v=0\r\n\xff", {"Content-Type": "application/sdp"}, 400),
        ("POST", b"v=0\r\n" + b"a=x\r\n" * 20_000, {"Content-Type": "application/sdp"}, 413),
    ],
    ids=["get", "wrong-type", "not-sdp", "not-utf8", "too-large"],
)
def test_a_bad_call_request_is_refused_without_calling_the_api(
    token_server: TokenServer,
    mock_server: MockServer,
    method: str,
    body: bytes,
    headers: dict[str, str],
    status: int,
) -> None:
    response = urllib3.request(method, token_server.url + "call", body=body or None, headers=headers, retries=False)

    assert response.status == status
    assert "error" in response.json()
    assert mock_server.received == []


def test_a_failed_call_becomes_a_safe_json_error(token_server: TokenServer, mock_server: MockServer) -> None:
    mock_server.script(ScriptedResponse(401, LEAKY_401, headers={"x-request-id": "req_call_401"}))

    response = call(token_server)

    assert response.status == 502
    assert response.json() == {
        "error": {
            "message": "The API refused this server's API key (HTTP 401).",
            "upstream_status": 401,
            "request_id": "req_call_401",
        }
    }
    assert TEST_API_KEY[-8:] not in response.data.decode()
