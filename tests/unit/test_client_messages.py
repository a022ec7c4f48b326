"""client.py's helpers pinned exactly, without a server: the words of each connection failure and
timeout, what a 2xx body that does not parse is described as, the debug log line, and the controls
of a call run by a worker thread. The fault and contract tests reach the same code through real
sockets, where most of these texts cannot be provoked on demand."""

import http.client
import itertools
import logging
import socket
import ssl
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import urllib3
from openai_realtime_client import (
    ApiClient,
    APIConnectionError,
    APIKeyMissingError,
    APITimeoutError,
    InternalServerError,
)
from openai_realtime_client import client as client_module
from openai_realtime_client.client import CallControl
from openai_realtime_client.errors import ConfigurationError, InvalidAPIKeyError, ResponseShapeError
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ProtocolError, ReadTimeoutError

from tests.support.jitter import control_jitter
from tests.support.payloads import TEST_API_KEY

TIMEOUT = urllib3.Timeout(connect=5.0, read=60.0)
URL = "https://api.example.test/v1/realtime/sessions"


def _with_cause(cause: BaseException) -> ProtocolError:
    # As urllib3 wraps what http.client raised: the original error as an argument.
    return ProtocolError("Connection aborted.", cause)


def _refused() -> NewConnectionError:
    # A subclass of ConnectTimeoutError in urllib3 2.x, raised from the refusal.
    err = NewConnectionError(None, "Failed to establish a new connection")  # type: ignore[arg-type]
    err.__cause__ = ConnectionRefusedError(111, "Connection refused")
    return err


def _certificate_error() -> ssl.SSLCertVerificationError:
    err = ssl.SSLCertVerificationError(1, "certificate verify failed")
    err.verify_message = "self-signed certificate"
    return err


def _handshake_error(reason: str | None) -> ssl.SSLError:
    err = ssl.SSLError(1, "handshake")
    err.reason = reason  # type: ignore[assignment]
    return err


@pytest.mark.parametrize(
    ("err", "reason"),
    [
        (_with_cause(ConnectionRefusedError(111, "refused")), "connection refused by api.example.test:443"),
        (_with_cause(socket.gaierror(-2, "unknown")), "cannot resolve the host name 'api.example.test'"),
        (_with_cause(ConnectionResetError(104, "reset")), "connection reset by api.example.test:443"),
        (
            _with_cause(http.client.RemoteDisconnected("Remote end closed connection without response")),
            "api.example.test:443 closed the connection without answering",
        ),
        (
            _with_cause(http.client.BadStatusLine("two hundred")),
            "api.example.test:443 answered with something that is not HTTP",
        ),
        (
            _with_cause(_certificate_error()),
            "the TLS certificate of api.example.test:443 could not be verified: self-signed certificate",
        ),
        (
            _with_cause(_handshake_error("WRONG_VERSION_NUMBER")),
            "the TLS handshake with api.example.test:443 failed: WRONG_VERSION_NUMBER",
        ),
        (_with_cause(_handshake_error(None)), "the TLS handshake with api.example.test:443 failed: SSLError"),
        (ReadTimeoutError(None, URL, "Read timed out."), "no answer from api.example.test:443 within 60.0 s"),  # type: ignore[arg-type]
        (ConnectTimeoutError("timed out"), "no connection to api.example.test:443 within 5.0 s"),
        (ProtocolError("the server said nonsense"), "the server said nonsense"),
        (ProtocolError(), "ProtocolError"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else None,
)
def test_a_connection_failure_is_told_in_words_with_where(err: urllib3.exceptions.HTTPError, reason: str) -> None:
    assert client_module._connection_reason(err, "api.example.test:443", "api.example.test", TIMEOUT) == reason


def test_a_cause_raised_from_is_found_as_well_as_one_carried_as_an_argument() -> None:
    outer = ProtocolError("outer")
    outer.__cause__ = ConnectionRefusedError()
    assert client_module._connection_reason(outer, "h:1", "h", TIMEOUT) == "connection refused by h:1"
    context = ProtocolError("outer")
    context.__context__ = ConnectionResetError()
    assert client_module._connection_reason(context, "h:1", "h", TIMEOUT) == "connection reset by h:1"


def test_the_causes_are_walked_once_each_and_at_most_sixteen() -> None:
    first, second = ValueError("a"), ValueError("b")
    first.__context__, second.__context__ = second, first  # a cycle
    assert client_module._causes(first) == [first, second]
    chain = [ValueError(str(n)) for n in range(20)]
    for current, cause in itertools.pairwise(chain):
        current.__cause__ = cause
    assert client_module._causes(chain[0]) == chain[:16]
    shared, last = ValueError("twice"), ValueError("after the repeat")
    carrier = ProtocolError(shared, shared, last)
    assert client_module._causes(carrier) == [carrier, shared, last]


@pytest.mark.parametrize(
    ("url", "err", "kind", "message"),
    [
        (
            "http://127.0.0.1:8123/v1/x",
            _refused(),
            APIConnectionError,
            "GET http://127.0.0.1:8123/v1/x failed before a response arrived: connection refused by 127.0.0.1:8123 "
            "(NewConnectionError)",
        ),
        (
            "http://127.0.0.1/v1/x",
            ReadTimeoutError(None, "/v1/x", "Read timed out."),  # type: ignore[arg-type]
            APITimeoutError,
            "GET http://127.0.0.1/v1/x timed out: no answer from 127.0.0.1:80 within 60.0 s (ReadTimeoutError)",
        ),
        (
            "https://127.0.0.1/v1/x",
            ConnectTimeoutError("slow"),
            APITimeoutError,
            "GET https://127.0.0.1/v1/x timed out: no connection to 127.0.0.1:443 within 5.0 s (ConnectTimeoutError)",
        ),
        (
            "https://127.0.0.1/v1/x",
            _with_cause(ConnectionResetError()),
            APIConnectionError,
            "GET https://127.0.0.1/v1/x failed before a response arrived: connection reset by 127.0.0.1:443 "
            "(ProtocolError)",
        ),
    ],
)
def test_a_failed_attempt_is_a_timeout_only_when_it_timed_out(
    url: str, err: urllib3.exceptions.HTTPError, kind: type[Exception], message: str
) -> None:
    failure = client_module._connection_failure("GET", url, err, TIMEOUT, TEST_API_KEY)
    assert type(failure) is kind
    assert str(failure) == message


def test_a_host_that_does_not_resolve_is_named() -> None:
    err = _with_cause(socket.gaierror(-2, "Name or service not known"))
    failure = client_module._connection_failure("GET", URL, err, TIMEOUT, None)
    assert str(failure) == (
        f"GET {URL} failed before a response arrived: cannot resolve the host name 'api.example.test' (ProtocolError)"
    )


def test_the_key_in_a_url_is_hidden_in_every_failure_text() -> None:
    url = f"http://127.0.0.1:8123/v1/x?key={TEST_API_KEY}"
    shown = "http://127.0.0.1:8123/v1/x?key=<redacted>"
    refused = client_module._connection_failure("GET", url, ConnectTimeoutError("slow"), TIMEOUT, TEST_API_KEY)
    assert str(refused) == f"GET {shown} timed out: no connection to 127.0.0.1:8123 within 5.0 s (ConnectTimeoutError)"
    reset = client_module._connection_failure("GET", url, _with_cause(ConnectionResetError()), TIMEOUT, TEST_API_KEY)
    assert str(reset) == (
        f"GET {shown} failed before a response arrived: connection reset by 127.0.0.1:8123 (ProtocolError)"
    )
    pool = client_module._pool_wait_failure("GET", url, TIMEOUT, 4, TEST_API_KEY)
    assert type(pool) is APITimeoutError
    assert str(pool) == (
        f"GET {shown} timed out waiting for a free connection: all 4 were in use for the whole connect timeout (5.0 s)"
    )


# --- the wait of a call run by a worker thread --------------------------------------------------------


def test_the_first_attempt_gets_what_is_left_of_the_connect_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "monotonic", lambda: 100.0)
    timeout = urllib3.Timeout(connect=2.0, read=30.0, total=40.0)
    left = client_module._first_attempt_timeout(CallControl(99.5), "POST", URL, timeout, TEST_API_KEY)
    assert (left.connect_timeout, left.read_timeout, left.total) == (1.5, 30.0, 40.0)
    unbounded = urllib3.Timeout(connect=None, read=30.0)
    assert client_module._first_attempt_timeout(CallControl(0.0), "POST", URL, unbounded, TEST_API_KEY) is unbounded


def test_a_call_that_waited_its_whole_connect_timeout_for_a_worker_is_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "monotonic", lambda: 100.0)
    timeout = urllib3.Timeout(connect=0.5, read=30.0)
    url = f"{URL}?k={TEST_API_KEY}"
    with pytest.raises(APITimeoutError) as caught:
        client_module._first_attempt_timeout(CallControl(99.5), "POST", url, timeout, TEST_API_KEY)
    assert str(caught.value) == (
        f"POST {URL}?k=<redacted> timed out: waited 0.50 s for a worker, the connect timeout is 0.5 s"
    )


def test_a_call_cancelled_before_it_was_sent_is_not_sent() -> None:
    control = CallControl(time.monotonic())
    control.cancel()
    with pytest.raises(APIConnectionError) as caught:
        client_module._first_attempt_timeout(control, "POST", f"{URL}?k={TEST_API_KEY}", TIMEOUT, TEST_API_KEY)
    assert type(caught.value) is APIConnectionError
    assert str(caught.value) == f"POST {URL}?k=<redacted> was cancelled before it was sent"


def _paused(control: CallControl, seconds: float) -> tuple[list[bool], threading.Thread]:
    result: list[bool] = []
    worker = threading.Thread(target=lambda: result.append(control._pause(seconds)), daemon=True)
    worker.start()
    return result, worker


def test_a_pause_before_a_retry_lasts_its_seconds_unless_cancelled() -> None:
    control = CallControl(time.monotonic())
    assert control.cancelled is False
    started = time.monotonic()
    result, worker = _paused(control, 0.05)
    worker.join(5.0)
    assert result == [False]
    assert 0.05 <= time.monotonic() - started < 5.0
    # A second pause reuses the control's event and waits as long again.
    result, worker = _paused(control, 0.05)
    worker.join(5.0)
    assert result == [False]


def test_cancelling_ends_a_pause_at_once_and_any_later_one_before_it_starts() -> None:
    control = CallControl(time.monotonic())
    result, worker = _paused(control, 30.0)
    deadline = time.monotonic() + 5.0
    while control._wake is None and time.monotonic() < deadline:
        time.sleep(0.001)
    control.cancel()
    worker.join(5.0)
    assert result == [True]
    assert control._pause(30.0) is True


def test_cancelling_shuts_the_socket_of_the_attempt_under_way_and_copes_with_one_already_gone() -> None:
    control = CallControl(time.monotonic())
    control.cancel()  # no attempt under way: nothing to shut
    left, right = socket.socketpair()

    class Connection:
        sock = left

    right.settimeout(5.0)
    with left, right:
        control._attach(Connection())
        control.cancel()
        assert right.recv(1) == b""  # the other end sees the shutdown
        assert left.fileno() != -1  # shut, not closed: the worker's urllib3 closes it
        control.cancel()  # shut already: the second shutdown fails quietly
    unconnected = socket.socket()
    with unconnected:
        control._attach(Connection())
        Connection.sock = unconnected
        control.cancel()
    control._detach()
    control.cancel()


# --- a 2xx body that does not parse -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "raw", "message"),
    [
        ("Text/HTML; charset=utf-8", b"  \n ", "expected JSON, got an empty body (text/html)"),
        ("", b"", "expected JSON, got an empty body (no Content-Type)"),
        ("", b"nope", "expected JSON, got no Content-Type (4 bytes starting 'nope')"),
        ("text/html; charset=utf-8; q=1", b"\xff<p>", "expected JSON, got text/html (4 bytes starting '\ufffd<p>')"),
        (
            "application/problem+json",
            b"{oops",
            "expected JSON, got application/problem+json that does not parse (ERR); 5 bytes starting '{oops'",
        ),
        ("text/plain", b"a\n\n  b" + b"c" * 100, f"expected JSON, got text/plain (106 bytes starting 'a b{'c' * 54}')"),
    ],
)
def test_a_body_that_is_not_json_is_described_by_its_type_and_start(
    content_type: str, raw: bytes, message: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    assert client_module._not_json(raw, headers, ValueError("ERR")) == message


def test_the_answer_media_type_decides_how_a_2xx_body_is_read() -> None:
    def parse(data: Any) -> Any:
        return ("parsed", data)

    assert client_module._parse_body(b'{"a": 1}', {}, "application/json", parse, None) == ("parsed", {"a": 1})
    assert client_module._parse_body(b'{"a": 1}', {}, "application/scim+json", parse, None) == ("parsed", {"a": 1})
    assert client_module._parse_body(b"anything", {}, None, parse, None) == ("parsed", None)
    assert client_module._parse_body(b"v=0", {}, "application/sdp", parse, None) == ("parsed", "v=0")
    headers = {"x-request-id": "req_1"}
    assert client_module._parse_body(b"1", headers, "application/json", None, lambda d, h: (d, h)) == (1, headers)


@pytest.mark.parametrize(
    ("err", "message"),
    [
        (KeyError("id"), "the body: KeyError: 'id'"),
        (TypeError(), "the body: TypeError"),
        (
            AttributeError("'list' object has no attribute 'get'"),
            "the body: AttributeError: 'list' object has no attribute 'get'",
        ),
        (ResponseShapeError("a.b", "is wrong"), "a.b: is wrong"),
    ],
)
def test_a_parser_failure_is_reported_with_what_and_where(err: Exception, message: str) -> None:
    def parse(data: Any) -> Any:
        raise err

    failed = client_module._parse_body(b"{}", {}, "application/json", parse, None)
    assert isinstance(failed, client_module._Failed)
    assert (failed.message, failed.cause) == (message, err)


def test_a_parser_failure_outside_the_shape_errors_is_not_swallowed() -> None:
    def parse(data: Any) -> Any:
        raise LookupError("a bug in the parser")

    with pytest.raises(LookupError):
        client_module._parse_body(b"{}", {}, "application/json", parse, None)


def test_a_body_that_is_not_json_or_not_its_text_type_fails_with_the_decoders_error() -> None:
    not_json = client_module._parse_body(b"{", {}, "application/json", lambda d: d, None)
    assert isinstance(not_json, client_module._Failed) and isinstance(not_json.cause, ValueError)
    assert not_json.message == "expected JSON, got no Content-Type (1 bytes starting '{')"
    not_text = client_module._parse_body(b"\xff", {}, "application/sdp", lambda d: d, None)
    assert isinstance(not_text, client_module._Failed) and isinstance(not_text.cause, ValueError)
    assert not_text.message == str(not_text.cause)


# --- response headers, the debug log ------------------------------------------------------------------


def test_response_headers_are_copied_only_when_a_piece_of_the_key_shows() -> None:
    clean = urllib3.HTTPHeaderDict({"x-request-id": "req_1"})
    assert client_module._redacted_headers(clean, TEST_API_KEY) is clean
    assert client_module._redacted_headers(clean, None) is clean
    leaky = urllib3.HTTPHeaderDict({"x-echo": f"Bearer {TEST_API_KEY}", "x-request-id": "req_1"})
    leaky.add("x-echo", "second")
    leaky[f"x-{TEST_API_KEY}"] = "by name"
    shown = client_module._redacted_headers(leaky, TEST_API_KEY)
    assert list(shown.items()) == [
        ("x-echo", "Bearer <redacted>"),
        ("x-echo", "second"),
        ("x-request-id", "req_1"),
        ("x-<redacted>", "by name"),
    ]


def test_an_attempt_is_logged_in_one_line_without_the_key(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(time, "monotonic", lambda: 10.5)
    headers = {"authorization": "Bearer anything", "X-Echo": TEST_API_KEY, "Accept": "application/json"}
    with caplog.at_level(logging.DEBUG, logger="openai_realtime_client"):
        client_module._log_attempt(
            "POST",
            f"{URL}?k={TEST_API_KEY}",
            headers,
            1,
            10.25,
            f"failed: {TEST_API_KEY}",
            f"req_{TEST_API_KEY}",
            TEST_API_KEY,
        )
        client_module._log_attempt("GET", URL, {}, 0, 10.5, "HTTP 200", None, TEST_API_KEY)
    assert [record.getMessage() for record in caplog.records] == [
        f"POST {URL}?k=<redacted> -> failed: <redacted> in 250.0 ms (attempt 2, request id req_<redacted>, headers "
        "{'authorization': 'Bearer <redacted>', 'X-Echo': '<redacted>', 'Accept': 'application/json'})",
        f"GET {URL} -> HTTP 200 in 0.0 ms (attempt 1, request id None, headers {{}})",
    ]
    assert [record.name for record in caplog.records] == ["openai_realtime_client"] * 2


# --- the constructor's and request()'s own refusals ------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "is empty"),
        ("sk-abc\n", "ends with a line break: strip it (a key read from a file keeps the file's newline)"),
        ("sk-abc\r", "ends with a line break: strip it (a key read from a file keeps the file's newline)"),
        ("sk-\u00e9bc", "has a non-ASCII character at position 4 of 6: API keys are plain ASCII"),
        ("sk\x00abc", "has a control character (U+0000) at position 3 of 6"),
        ("sk-abc\x7f", "has a control character (U+007F) at position 7 of 7"),
        (" sk-abc", "starts or ends with whitespace: strip it"),
        ("sk-abc\t", "has a control character (U+0009) at position 7 of 7"),
    ],
    # Plain ids: an id made by repr() has escaped backslashes that mutmut cannot pass back to pytest.
    ids=["empty", "newline", "carriage-return", "non-ascii", "nul", "del", "leading-space", "tab"],
)
def test_a_key_that_cannot_be_sent_is_refused_saying_why(key: str, problem: str) -> None:
    with pytest.raises(InvalidAPIKeyError) as caught:
        ApiClient(api_key=key)
    assert (caught.value.argument, caught.value.problem) == ("api_key", problem)


def test_a_key_of_the_wrong_type_or_from_the_environment_is_named_by_where_it_came_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(InvalidAPIKeyError) as caught:
        ApiClient(api_key=123)  # type: ignore[arg-type]
    assert str(caught.value) == "api_key must be a string, got int"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env ")
    with pytest.raises(InvalidAPIKeyError) as caught:
        ApiClient()
    assert str(caught.value) == "OPENAI_API_KEY starts or ends with whitespace: strip it"
    monkeypatch.setenv("OPENAI_API_KEY", "")
    assert not ApiClient().has_api_key  # empty counts as unset


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "max_connections must be a whole number of 1 or more, got 0"),
        (-3, "max_connections must be a whole number of 1 or more, got -3"),
        (True, "max_connections must be a whole number of 1 or more, got True"),
        (2.0, "max_connections must be a whole number of 1 or more, got 2.0"),
        ("8", "max_connections must be a whole number of 1 or more, got '8'"),
    ],
)
def test_max_connections_must_be_a_whole_number_of_one_or_more(value: object, message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        ApiClient(api_key=TEST_API_KEY, max_connections=value)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_max_connections_sizes_the_clients_own_pool_or_comes_from_the_callers() -> None:
    assert ApiClient(api_key=TEST_API_KEY, max_connections=1).max_connections == 1
    own = ApiClient(api_key=TEST_API_KEY, max_connections=3)
    assert own.pool_manager.connection_pool_kw["maxsize"] == 3
    assert own.pool_manager.connection_pool_kw["block"] is True
    assert ApiClient(api_key=TEST_API_KEY).max_connections == client_module.DEFAULT_MAX_CONNECTIONS == 512
    assert ApiClient(api_key=TEST_API_KEY, pool_manager=urllib3.PoolManager()).max_connections == 1
    sized = urllib3.PoolManager(maxsize=7)
    assert ApiClient(api_key=TEST_API_KEY, pool_manager=sized, max_connections=7).max_connections == 7
    with pytest.raises(ConfigurationError) as caught:
        ApiClient(api_key=TEST_API_KEY, pool_manager=sized, max_connections=8)
    assert str(caught.value) == (
        "max_connections is 8 but the pool_manager's maxsize is 7: "
        "give the pool manager the size you want and leave max_connections out"
    )


def test_a_header_that_is_not_a_string_is_refused_by_name() -> None:
    with pytest.raises(ConfigurationError) as caught:
        ApiClient(api_key=TEST_API_KEY, default_headers={"X-Count": 3})  # type: ignore[dict-item]
    assert str(caught.value) == "header X-Count must be a string, got int"
    with pytest.raises(ConfigurationError) as caught:
        ApiClient(api_key=TEST_API_KEY, default_headers={"X-Team": "a\tb\nc"})
    assert str(caught.value) == "header X-Team has a control character (U+0009) at position 2"
    with pytest.raises(ConfigurationError) as caught:
        ApiClient(api_key=TEST_API_KEY, default_headers={"X-Team": "\u2615"})
    assert str(caught.value) == "header X-Team has a character that cannot be sent in a header (only Latin-1 can)"
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    with pytest.raises(ConfigurationError) as caught:
        ApiClient(api_key=TEST_API_KEY, default_headers={"X-Team": "\u0100"})
    assert caught.value.argument == "header X-Team"
    # Every Latin-1 character can be sent, up to the last one.
    assert (
        ApiClient(api_key=TEST_API_KEY, default_headers={"X-Team": "caf\u00e9 \u00ff"})._headers["X-Team"]
        == "caf\u00e9 \u00ff"
    )
    with pytest.raises(ConfigurationError) as caught:
        ApiClient(api_key=TEST_API_KEY, default_headers={f"X-{TEST_API_KEY}": 1})  # type: ignore[dict-item]
    assert str(caught.value) == "header X-<redacted> must be a string, got int"
    client = ApiClient(api_key=TEST_API_KEY)
    with pytest.raises(ConfigurationError) as caught:
        client.request("GET", "/x", body=None, parse=lambda d: d, extra_headers={f"X-{TEST_API_KEY}": "\n"})
    assert str(caught.value) == "header X-<redacted> has a control character (U+000A) at position 1"


def test_request_refuses_to_send_without_a_key_or_without_exactly_one_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(APIKeyMissingError) as missing:
        ApiClient(base_url="http://127.0.0.1:9").request("GET", "/x", body=None, parse=lambda d: d)
    assert str(missing.value) == (
        "no API key: pass api_key= to ApiClient or set the OPENAI_API_KEY environment variable"
    )
    client = ApiClient(api_key=TEST_API_KEY, base_url="http://127.0.0.1:9")
    for parsers in ({}, {"parse": lambda d: d, "parse_with_headers": lambda d, h: d}):
        with pytest.raises(TypeError) as caught:
            client.request("GET", "/x", body=None, **parsers)  # type: ignore[arg-type]
        assert str(caught.value) == "request() takes exactly one of parse and parse_with_headers"


def test_a_url_without_a_scheme_or_host_has_no_route_of_its_own() -> None:
    assert client_module._route("http://127.0.0.1:8123/v1/x?a=1") == (("http", "127.0.0.1", 8123), "/v1/x?a=1")
    assert client_module._route("https://api.example.test/v1") == (("https", "api.example.test", None), "/v1")
    assert client_module._route("/v1/x") is None
    assert client_module._route("http:///v1/x") is None


# --- the rest of the constructor -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timeout": float("inf")}, "timeout must be a finite number of seconds above 0, got inf"),
        ({"timeout": -0.5}, "timeout must be a finite number of seconds above 0, got -0.5"),
        ({"timeout": True}, "timeout must be seconds (a number above 0) or a urllib3.Timeout, got bool True"),
        (
            {"base_url": " \t"},
            "base_url is empty: leave it out for https://api.example.test/v1, or give the server's URL",
        ),
        (
            {"base_url": " http://127.0.0.1/v1"},
            "base_url has whitespace or a control character: ' http://127.0.0.1/v1'",
        ),
    ],
    ids=["timeout-inf", "timeout-negative", "timeout-bool", "base-url-blank", "base-url-leading-space"],
)
def test_more_arguments_the_client_refuses(
    monkeypatch: pytest.MonkeyPatch, arguments: dict[str, Any], message: str
) -> None:
    monkeypatch.setattr(client_module, "DEFAULT_BASE_URL", "https://api.example.test/v1")
    with pytest.raises(ConfigurationError) as caught:
        ApiClient(api_key=TEST_API_KEY, **arguments)
    assert str(caught.value) == message


def test_a_small_timeout_and_a_url_with_trailing_slashes_are_taken() -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url="http://127.0.0.1:9/v1//", timeout=0.001)
    assert (client.timeout.connect_timeout, client.timeout.read_timeout) == (0.001, 0.001)
    assert client.base_url == "http://127.0.0.1:9/v1"


def test_the_key_never_shows_in_the_repr_even_inside_the_base_url() -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url=f"http://127.0.0.1:9/{TEST_API_KEY}")
    assert repr(client) == str(client) == "ApiClient(base_url='http://127.0.0.1:9/<redacted>', api_key=<set>)"


def test_the_headers_sent_are_built_once_with_the_key_last(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    from_env = ApiClient(api_key=TEST_API_KEY, default_headers={"Authorization": "Bearer other", "X-A": "1"})
    assert from_env._headers == {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": client_module.USER_AGENT,
        "OpenAI-Organization": "org-env",
        "OpenAI-Project": "proj-env",
        "X-A": "1",
        "Authorization": f"Bearer {TEST_API_KEY}",
    }
    given = ApiClient(api_key=TEST_API_KEY, organization="org-1", project="proj-1")
    assert (given._headers["OpenAI-Organization"], given._headers["OpenAI-Project"]) == ("org-1", "proj-1")
    monkeypatch.delenv("OPENAI_ORG_ID")
    monkeypatch.delenv("OPENAI_PROJECT_ID")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    bare = ApiClient()
    assert set(bare._headers) == {"Content-Type", "Accept", "User-Agent"}


def test_the_clients_own_pool_verifies_tls_and_lets_a_cancelled_call_find_its_connection(tmp_path: Any) -> None:
    bundle = str(tmp_path / "ca.pem")
    manager = ApiClient(api_key=TEST_API_KEY, ca_certs=bundle).pool_manager
    assert (manager.connection_pool_kw["cert_reqs"], manager.connection_pool_kw["ca_certs"]) == (
        "CERT_REQUIRED",
        bundle,
    )
    assert manager.pool_classes_by_scheme == {
        "http": client_module._TrackedHTTPPool,
        "https": client_module._TrackedHTTPSPool,
    }


def test_close_clears_only_a_pool_the_client_made(monkeypatch: pytest.MonkeyPatch) -> None:
    cleared: list[object] = []
    callers = urllib3.PoolManager()
    monkeypatch.setattr(urllib3.PoolManager, "clear", lambda self: cleared.append(self))
    with ApiClient(api_key=TEST_API_KEY) as own:
        pass
    assert cleared == [own.pool_manager]
    ApiClient(api_key=TEST_API_KEY, pool_manager=callers).close()
    assert cleared == [own.pool_manager]
    assert own._host_pool is None


def test_a_retry_after_date_in_another_format_is_read_as_utc_when_it_has_no_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    soon = (datetime.now(UTC) + timedelta(seconds=30)).replace(tzinfo=None)
    assert 28.0 < client_module._retry_after({"retry-after": soon.isoformat()}) <= 30.0  # type: ignore[operator]
    assert client_module._retry_after({"retry-after": "in a little while"}) is None
    assert client_module._retry_after({}) is None
    assert client_module._retry_after({"retry-after-ms": "oops"}) is None


# --- request()'s handling of an attempt, the attempt itself stood in for -----------------------------------


def _scripted(client: ApiClient, *outcomes: object) -> list[urllib3.Timeout]:
    """Makes each attempt of ``client`` return the next outcome (a urllib3 error, as _attempt
    returns it); records each attempt's timeout."""
    timeouts: list[urllib3.Timeout] = []
    pending = list(outcomes)

    def attempt(method: str, url: str, body: object, headers: object, timeout: urllib3.Timeout) -> object:
        timeouts.append(timeout)
        return pending.pop(0)

    client._attempt = attempt  # type: ignore[assignment,method-assign]
    return timeouts


def test_an_attempt_that_found_no_free_connection_is_a_timeout_naming_the_pool(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(client_module, "_sleep", slept.append)
    control_jitter(monkeypatch, 0.0)
    client = ApiClient(api_key=TEST_API_KEY, base_url="http://127.0.0.1:9/v1", timeout=0.25, max_connections=3)
    empty = urllib3.exceptions.EmptyPoolError(None, "Pool is empty.")  # type: ignore[arg-type]
    timeouts = _scripted(client, empty, empty)
    with caplog.at_level(logging.DEBUG, logger="openai_realtime_client"), pytest.raises(APITimeoutError) as caught:
        client.request("DELETE", f"/x?k={TEST_API_KEY}", body=None, parse=lambda d: d, max_retries=1)

    message = (
        "DELETE http://127.0.0.1:9/v1/x?k=<redacted> timed out waiting for a free connection: all 3 were in use "
        "for the whole connect timeout (0.25 s)"
    )
    assert str(caught.value) == message
    assert caught.value.retries_taken == 1
    assert isinstance(caught.value.__cause__, urllib3.exceptions.EmptyPoolError)
    assert slept == [0.375] and timeouts == [client.timeout] * 2
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2
    for attempt, line in enumerate(lines, 1):
        assert line.startswith(f"DELETE http://127.0.0.1:9/v1/x?k=<redacted> -> failed: {message} in "), line
        assert f" ms (attempt {attempt}, request id None, headers {{'Content-Type': 'application/json'," in line


def test_a_call_run_by_a_worker_is_not_sent_once_cancelled_or_out_of_time(monkeypatch: pytest.MonkeyPatch) -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url="http://127.0.0.1:9/v1", timeout=2.0)
    timeouts = _scripted(client, ConnectTimeoutError("slow"), ConnectTimeoutError("slow"))
    monkeypatch.setattr(client_module, "_sleep", lambda seconds: None)
    cancelled = CallControl(time.monotonic())
    cancelled.cancel()
    monkeypatch.setattr(client_module._current, "control", cancelled)
    with pytest.raises(APIConnectionError) as caught:
        client.request("GET", f"/x?k={TEST_API_KEY}", body=None, parse=lambda d: d)
    assert str(caught.value) == "GET http://127.0.0.1:9/v1/x?k=<redacted> was cancelled before it was sent"
    assert timeouts == []

    monkeypatch.setattr(time, "monotonic", lambda: 50.0)
    monkeypatch.setattr(client_module._current, "control", CallControl(47.0))
    with pytest.raises(APITimeoutError) as caught:
        client.request("GET", f"/x?k={TEST_API_KEY}", body=None, parse=lambda d: d)
    assert str(caught.value) == (
        "GET http://127.0.0.1:9/v1/x?k=<redacted> timed out: waited 3.00 s for a worker, the connect timeout is 2 s"
    )
    assert timeouts == []

    # With time left: the first attempt gets what is left of it, a retry the whole timeout.
    monkeypatch.setattr(client_module._current, "control", CallControl(49.5))
    with pytest.raises(APITimeoutError):
        client.request("GET", "/x", body=None, parse=lambda d: d, max_retries=1)
    assert [(t.connect_timeout, t.read_timeout) for t in timeouts] == [(1.5, 2.0), (2.0, 2.0)]


def test_a_cancelled_call_makes_no_further_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url="http://127.0.0.1:9/v1")

    class CancelledDuringThePause(CallControl):
        def _pause(self, seconds: float) -> bool:
            self.cancel()
            return super()._pause(seconds)

    control = CancelledDuringThePause(time.monotonic())
    timeouts = _scripted(client, ConnectTimeoutError("slow"), ConnectTimeoutError("slow"))
    monkeypatch.setattr(client_module._current, "control", control)
    with pytest.raises(APITimeoutError) as caught:
        client.request("GET", "/x", body=None, parse=lambda d: d, max_retries=2)
    assert (len(timeouts), caught.value.retries_taken) == (1, 0)


def test_a_call_cancelled_while_it_waits_to_retry_a_status_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "_sleep", lambda seconds: None)
    client = ApiClient(api_key=TEST_API_KEY, base_url="http://127.0.0.1:9/v1")

    class CancelledDuringThePause(CallControl):
        def _pause(self, seconds: float) -> bool:
            self.cancel()
            return super()._pause(seconds)

    def busy() -> urllib3.HTTPResponse:
        return urllib3.HTTPResponse(body=b"{}", status=503, headers={"content-type": "application/json"})

    timeouts = _scripted(client, busy(), busy())
    monkeypatch.setattr(client_module._current, "control", CancelledDuringThePause(time.monotonic()))
    with pytest.raises(InternalServerError) as caught:
        client.request("GET", "/x", body=None, parse=lambda d: d, max_retries=1)
    assert (len(timeouts), caught.value.status_code, caught.value.retries_taken) == (1, 503, 0)


def test_only_slashes_are_stripped_from_the_end_of_the_base_url() -> None:
    assert ApiClient(api_key=TEST_API_KEY, base_url="http://127.0.0.1:9/apiX//").base_url == "http://127.0.0.1:9/apiX"


def test_a_calls_own_settings_are_refused_without_showing_the_key() -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ConfigurationError) as caught:
        client.request("GET", "/x", body=None, parse=lambda d: d, max_retries=TEST_API_KEY)  # type: ignore[arg-type]
    assert str(caught.value) == "max_retries must be a whole number of 0 or more, got str '<redacted>'"
    with pytest.raises(ConfigurationError) as caught:
        client.request("GET", "/x", body=None, parse=lambda d: d, timeout=TEST_API_KEY)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "timeout must be seconds (a number above 0) or a urllib3.Timeout, got str '<redacted>'"
    )
