"""The client against scripted raw sockets: each test sends exactly the bytes under test."""

import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import urllib3
from openai_realtime_client import (
    ApiClient,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    ConfigurationError,
    InternalServerError,
    RateLimitError,
    RealtimeApi,
)
from openai_realtime_client import client as client_module
from openai_realtime_client.models import RealtimeSessionCreateRequest

from tests.support.fault_server import Action, FaultServer, raw, reply, request_body, reset, stall
from tests.support.jitter import control_jitter
from tests.support.payloads import TEST_API_KEY, encoded, session, vendor_error
from tests.support.ports import closed_port

OK_BODY = encoded(session("ek_fault"))
ERROR_BODY = encoded(vendor_error("Slow down.", "rate_limit"))
REQUEST = RealtimeSessionCreateRequest(model="gpt-realtime", voice="alloy")


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between attempts, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(client_module, "_sleep", recorded.append)
    return recorded


def _api(server: FaultServer, *, timeout: float = 60.0, max_retries: int = 2) -> RealtimeApi:
    return RealtimeApi(ApiClient(api_key=TEST_API_KEY, base_url=server.url, timeout=timeout, max_retries=max_retries))


def test_500_500_200_succeeds_on_the_third_attempt_with_the_same_body(sleeps: list[float]) -> None:
    with FaultServer(reply(500, ERROR_BODY), reply(500, ERROR_BODY), reply(200, OK_BODY)) as server:
        info = _api(server).create_realtime_session_with_http_info(REQUEST)

    assert info.data.client_secret.value == "ek_fault"
    assert server.attempts == 3
    assert info.retries_taken == 2
    assert len({request_body(r) for r in server.requests}) == 1
    assert len(sleeps) == 2


def test_500_three_times_raises_internal_server_error_after_three_attempts(sleeps: list[float]) -> None:
    answers = [reply(500, ERROR_BODY, {"x-request-id": f"req_{i}"}) for i in range(3)]
    with FaultServer(*answers) as server, pytest.raises(InternalServerError) as caught:
        _api(server).create_realtime_session(REQUEST)

    assert server.attempts == 3
    assert caught.value.retries_taken == 2
    assert caught.value.request_id == "req_2"


@pytest.mark.parametrize(
    ("fraction", "expected"), [(0.0, [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]), (1.0, [0.5, 1.0, 2.0, 4.0, 8.0, 8.0])]
)
def test_backoff_doubles_from_half_a_second_less_the_jitter_drawn_and_is_capped(
    sleeps: list[float], monkeypatch: pytest.MonkeyPatch, fraction: float, expected: list[float]
) -> None:
    jitter = control_jitter(monkeypatch, fraction)
    with FaultServer(*[reply(503) for _ in range(7)]) as server, pytest.raises(InternalServerError):
        _api(server, max_retries=6).create_realtime_session(REQUEST)

    assert server.attempts == 7
    assert sleeps == expected
    assert jitter.asked == [(0.75, 1.0)] * 6


def test_400_is_never_retried(sleeps: list[float]) -> None:
    with FaultServer(reply(400, ERROR_BODY)) as server, pytest.raises(BadRequestError):
        _api(server).create_realtime_session(REQUEST)

    assert server.attempts == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retried_statuses(sleeps: list[float], status: int) -> None:
    with FaultServer(reply(status), reply(200, OK_BODY)) as server:
        info = _api(server).create_realtime_session_with_http_info(REQUEST)

    assert (server.attempts, info.retries_taken) == (2, 1)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "150"}, 0.15),
        ({"Retry-After": "2"}, 2.0),
        ({"Retry-After": "0.5"}, 0.5),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),
        ({"Retry-After": "0"}, 0.0),
        ({"retry-after-ms": "0"}, 0.0),
        ({"Retry-After": "60"}, 60.0),
        ({"retry-after-ms": "soon", "Retry-After": "3"}, 3.0),
    ],
    ids=["retry-after-ms", "seconds", "fractional", "ms-wins", "zero", "zero-ms", "a-minute", "bad-ms-gives-way"],
)
def test_429_waits_as_long_as_the_server_asks(
    sleeps: list[float], monkeypatch: pytest.MonkeyPatch, headers: dict[str, str], expected: float
) -> None:
    control_jitter(monkeypatch, 0.0)
    with FaultServer(reply(429, ERROR_BODY, headers), reply(200, OK_BODY)) as server:
        _api(server).create_realtime_session(REQUEST)

    assert sleeps == [pytest.approx(expected, abs=1e-9)]


def test_429_with_an_http_date_waits_until_that_date(sleeps: list[float]) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    with FaultServer(reply(429, ERROR_BODY, {"Retry-After": when}), reply(200, OK_BODY)) as server:
        _api(server).create_realtime_session(REQUEST)

    assert 27 <= sleeps[0] <= 30


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "120"},
        {"Retry-After": "60.5"},
        {"Retry-After": "not a date"},
        {"Retry-After": "-5"},
        {"Retry-After": ""},
        {"retry-after-ms": "60001"},
        {"retry-after-ms": "-5"},
        {"retry-after-ms": "soon"},
    ],
    ids=repr,
)
def test_retry_after_over_a_minute_negative_or_unreadable_falls_back_to_backoff(
    sleeps: list[float], monkeypatch: pytest.MonkeyPatch, headers: dict[str, str]
) -> None:
    control_jitter(monkeypatch, 0.0)
    with FaultServer(reply(429, ERROR_BODY, headers), reply(200, OK_BODY)) as server:
        _api(server).create_realtime_session(REQUEST)

    assert server.attempts == 2
    assert sleeps == [0.375]


def test_429_exhausting_retries_raises_rate_limit_error(sleeps: list[float]) -> None:
    with FaultServer(*[reply(429, ERROR_BODY) for _ in range(2)]) as server, pytest.raises(RateLimitError) as caught:
        _api(server, max_retries=1).create_realtime_session(REQUEST)

    assert server.attempts == 2
    assert caught.value.message == "Slow down."


@pytest.mark.parametrize("value", ["true", "TRUE", " True "])
def test_x_should_retry_true_retries_even_a_400(sleeps: list[float], value: str) -> None:
    with FaultServer(reply(400, ERROR_BODY, {"X-Should-Retry": value}), reply(200, OK_BODY)) as server:
        _api(server).create_realtime_session(REQUEST)

    assert server.attempts == 2


@pytest.mark.parametrize("value", ["false", "FALSE", " False "])
def test_x_should_retry_false_stops_a_503(sleeps: list[float], value: str) -> None:
    with FaultServer(reply(503, ERROR_BODY, {"X-Should-Retry": value})) as server, pytest.raises(InternalServerError):
        _api(server).create_realtime_session(REQUEST)

    assert server.attempts == 1


def test_per_call_max_retries_overrides_the_client(sleeps: list[float]) -> None:
    with FaultServer(reply(500), reply(500)) as server, pytest.raises(InternalServerError):
        _api(server, max_retries=5).create_realtime_session(REQUEST, max_retries=1)

    assert server.attempts == 2


def test_connection_refused_is_retried_then_raises_api_connection_error(sleeps: list[float]) -> None:
    api = RealtimeApi(ApiClient(api_key=TEST_API_KEY, base_url=f"http://127.0.0.1:{closed_port()}/v1"))

    with pytest.raises(APIConnectionError) as caught:
        api.create_realtime_session(REQUEST)

    assert type(caught.value) is APIConnectionError
    assert caught.value.retries_taken == 2 and len(sleeps) == 2
    assert isinstance(caught.value.__cause__, urllib3.exceptions.NewConnectionError)
    assert TEST_API_KEY not in str(caught.value)
    assert TEST_API_KEY not in repr(caught.value.__cause__)


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A port whose accept queue is full, so a further connect is never answered."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.1)
    yield port
    for filler in fillers:
        filler.close()
    listener.close()


def test_connect_timeout_raises_api_timeout_error(sleeps: list[float], full_backlog: int) -> None:
    api = RealtimeApi(ApiClient(api_key=TEST_API_KEY, base_url=f"http://127.0.0.1:{full_backlog}/v1"))
    started = time.monotonic()

    with pytest.raises(APITimeoutError):
        api.create_realtime_session(REQUEST, timeout=urllib3.Timeout(connect=0.3, read=5), max_retries=0)

    assert time.monotonic() - started < 0.3 + 1.0


@pytest.mark.parametrize(
    "action",
    [
        stall(2.0),
        stall(2.0, before=b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + OK_BODY[:10]),
    ],
    ids=["before-headers", "mid-body"],
)
def test_a_stalled_server_times_out_within_the_timeout_per_attempt(sleeps: list[float], action: Action) -> None:
    with FaultServer(action, action) as server:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            _api(server, timeout=0.3, max_retries=1).create_realtime_session(REQUEST)
        elapsed = time.monotonic() - started

    assert server.attempts == 2
    assert caught.value.retries_taken == 1
    assert elapsed < 2 * 0.3 + 1.0


@pytest.mark.parametrize(
    "action",
    [
        reset(before=b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + OK_BODY[:10]),
        raw(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + OK_BODY),
        raw(b"HTTP/1.1 two hundred\r\n\r\n"),
        raw(b""),
    ],
    ids=["reset-mid-body", "content-length-too-long", "bad-status-line", "closed-without-answer"],
)
def test_broken_responses_raise_api_connection_error_after_retries(sleeps: list[float], action: Action) -> None:
    with FaultServer(action, action, action) as server, pytest.raises(APIConnectionError) as caught:
        _api(server).create_realtime_session(REQUEST)

    assert server.attempts == 3
    assert caught.value.retries_taken == 2
    assert isinstance(caught.value.__cause__, urllib3.exceptions.HTTPError)


@pytest.mark.parametrize(
    "body",
    [
        b"plain text, not JSON",
        b"<!doctype html><html><body><h1>Proxy login</h1></body></html>",
        OK_BODY[:-5],
        encoded({name: value for name, value in session().items() if name != "client_secret"}),
    ],
    ids=["not-json", "html", "truncated-json", "no-client-secret"],
)
def test_a_200_that_is_not_the_response_schema_raises_validation_error_once(sleeps: list[float], body: bytes) -> None:
    answer = reply(200, body, {"Content-Type": "text/html", "x-request-id": "req_v"})
    with FaultServer(answer) as server, pytest.raises(APIResponseValidationError) as caught:
        _api(server).create_realtime_session(REQUEST)

    assert server.attempts == 1
    assert (caught.value.status_code, caught.value.body, caught.value.request_id) == (200, body, "req_v")
    assert "request id req_v" in str(caught.value)


# --- ApiClient.request itself: what a call sends and what it returns or raises -------------------------


def _sent_headers(request: bytes) -> dict[str, str]:
    head = request.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")[1:]
    pairs = [(name.lower(), value.strip()) for name, _, value in (line.partition(":") for line in head)]
    names = [name for name, _ in pairs]
    assert len(names) == len(set(names)), f"a header sent twice: {names}"
    return dict(pairs)


def _request_line(request: bytes) -> str:
    return request.partition(b"\r\n")[0].decode("latin-1")


def test_a_retried_call_returns_the_last_answer_with_everything_it_carried(sleeps: list[float]) -> None:
    ok = reply(201, b'{"a": 1}', {"x-request-id": "req_ok", "X-Extra": "yes"})
    with FaultServer(reply(503, ERROR_BODY), ok) as server:
        client = ApiClient(api_key=TEST_API_KEY, base_url=server.url)
        response = client.request("post", "/things", body=b"{}", parse=lambda data: data["a"])

    assert (response.status_code, response.data, response.raw_data) == (201, 1, b'{"a": 1}')
    assert (response.request_id, response.retries_taken, response.headers["x-extra"]) == ("req_ok", 1, "yes")
    assert [_request_line(r) for r in server.requests] == ["POST /v1/things HTTP/1.1"] * 2


@pytest.mark.parametrize("status", [300, 304, 399])
def test_a_3xx_is_neither_followed_nor_taken_as_success(sleeps: list[float], status: int) -> None:
    answer = reply(status, b"", {"Location": "/elsewhere", "x-request-id": "req_3xx"})
    with FaultServer(answer) as server, pytest.raises(APIStatusError) as caught:
        ApiClient(api_key=TEST_API_KEY, base_url=server.url).request("GET", "/x", body=None, parse=lambda d: d)

    assert type(caught.value) is APIStatusError
    assert (caught.value.status_code, caught.value.request_id, caught.value.retries_taken) == (status, "req_3xx", 0)
    assert server.attempts == 1 and sleeps == []


def test_a_call_of_another_media_type_says_so_and_takes_its_extra_headers(sleeps: list[float]) -> None:
    with FaultServer(reply(201, b"", {}), reply(200, b"v=0\r\n", {"Content-Type": "application/sdp"})) as server:
        client = ApiClient(api_key=TEST_API_KEY, base_url=server.url)
        extra = {"X-Trace": "t1", "Authorization": "Bearer someone-else"}
        sent = client.request(
            "POST", "/calls", body=b"v=0", content_type="application/sdp", answer=None, parse=lambda d: d,
            extra_headers=extra,
        )  # fmt: skip
        answered = client.request("POST", "/calls", body=b"v=0", answer="application/sdp", parse=lambda d: d)

    assert (sent.data, answered.data) == (None, "v=0\r\n")
    first, second = (_sent_headers(r) for r in server.requests)
    assert (first["content-type"], first["accept"], first["x-trace"]) == ("application/sdp", "*/*", "t1")
    assert first["authorization"] == f"Bearer {TEST_API_KEY}"  # extra headers never replace it
    assert (second["content-type"], second["accept"]) == ("application/json", "application/sdp")
    assert "x-trace" not in second


def test_extra_headers_are_checked_like_the_clients_own() -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url=f"http://127.0.0.1:{closed_port()}/v1")
    with pytest.raises(ConfigurationError, match=r"^header X-Bad has a control character \(U\+000A\) at position 2$"):
        client.request("GET", "/x", body=None, parse=lambda d: d, extra_headers={"X-Bad": "a\nb"})


def test_an_error_answer_keeps_its_headers_body_and_request_id_with_the_key_hidden(sleeps: list[float]) -> None:
    body = encoded(vendor_error(f"Incorrect API key provided: {TEST_API_KEY}."))
    answer = reply(401, body, {"x-request-id": f"req_{TEST_API_KEY}", "x-other": "kept"})
    with FaultServer(answer) as server, pytest.raises(APIStatusError) as caught:
        ApiClient(api_key=TEST_API_KEY, base_url=server.url).request("GET", "/x", body=None, parse=lambda d: d)

    error = caught.value
    assert (error.status_code, error.request_id, error.headers["x-other"]) == (401, "req_<redacted>", "kept")
    assert error.body == encoded(vendor_error("Incorrect API key provided: <redacted>."))
    assert error.message == "Incorrect API key provided: <redacted>."


def test_a_2xx_that_does_not_parse_names_the_request_and_keeps_the_cause_unless_it_shows_the_key(
    sleeps: list[float],
) -> None:
    def parse(data: Any) -> Any:
        raise KeyError(data["echo"])

    answers = (
        reply(200, b'{"echo": "plain"}', {"x-request-id": "req_1"}),
        reply(200, f'{{"echo": "{TEST_API_KEY}"}}'.encode(), {"x-request-id": f"req_{TEST_API_KEY}"}),
    )
    with FaultServer(*answers) as server:
        client = ApiClient(api_key=TEST_API_KEY, base_url=server.url)
        with pytest.raises(APIResponseValidationError) as plain:
            client.request("GET", "/x", body=None, parse=parse)
        with pytest.raises(APIResponseValidationError) as leaky:
            client.request("GET", "/x", body=None, parse=parse)

    assert str(plain.value) == (
        "200 response did not match the API description: the body: KeyError: 'plain' (request id req_1)"
    )
    assert isinstance(plain.value.__cause__, KeyError)
    assert str(leaky.value) == (
        "200 response did not match the API description: the body: KeyError: '<redacted>' (request id req_<redacted>)"
    )
    assert (leaky.value.request_id, leaky.value.body) == ("req_<redacted>", b'{"echo": "<redacted>"}')
    assert leaky.value.__cause__ is None


def test_a_connection_failure_is_chained_to_urllib3s_error_unless_that_shows_the_key(sleeps: list[float]) -> None:
    port = closed_port()
    client = ApiClient(api_key=TEST_API_KEY, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    with pytest.raises(APIConnectionError) as plain:
        client.request("GET", "/x", body=None, parse=lambda d: d)
    assert isinstance(plain.value.__cause__, urllib3.exceptions.NewConnectionError)
    assert plain.value.retries_taken == 0
    # A read timeout keeps the URL it was reading, and with it the key.
    with FaultServer(stall(2.0), stall(2.0)) as server, pytest.raises(APITimeoutError) as leaky:
        url = server.url
        ApiClient(api_key=TEST_API_KEY, base_url=url, timeout=0.2, max_retries=1).request(
            "GET", f"/x?k={TEST_API_KEY}", body=None, parse=lambda d: d
        )
    assert leaky.value.__cause__ is None
    assert leaky.value.retries_taken == 1 and len(sleeps) == 1
    assert str(leaky.value) == (
        f"GET {url}/x?k=<redacted> timed out: no answer from {url.removeprefix('http://').removesuffix('/v1')} "
        "within 0.2 s (ReadTimeoutError)"
    )


def test_the_hosts_pool_is_looked_up_once_and_again_when_the_host_changes_or_the_pool_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ok = reply(200, b"{}")
    with FaultServer(ok, ok, ok) as first, FaultServer(ok) as second:
        client = ApiClient(api_key=TEST_API_KEY, base_url=first.url)
        manager = client.pool_manager
        looked_up: list[tuple[str, int | None, str]] = []
        lookup = manager.connection_from_host

        def recording(host: str, port: int | None = None, scheme: str | None = "http", **kw: Any) -> Any:
            looked_up.append((host, port, str(scheme)))
            return lookup(host, port=port, scheme=scheme, **kw)

        monkeypatch.setattr(manager, "connection_from_host", recording)
        first_port = int(first.url.rsplit(":", 1)[1].removesuffix("/v1"))
        client.request("GET", "/a", body=None, parse=lambda d: d)
        client.request("GET", "/b", body=None, parse=lambda d: d)
        assert looked_up == [("127.0.0.1", first_port, "http")]
        assert client._host_pool is not None and client._host_pool[0] == ("http", "127.0.0.1", first_port)
        manager.clear()
        client._host_pool[1].close()  # the pool kept is closed: the next call must not use it
        client.request("GET", "/c", body=None, parse=lambda d: d)
        assert len(looked_up) == 2
        client.base_url = second.url
        client.request("GET", "/d", body=None, parse=lambda d: d)
        assert len(looked_up) == 3 and looked_up[-1][1] != first_port
        assert (first.attempts, second.attempts) == (3, 1)
        assert [_request_line(r) for r in first.requests] == [f"GET /v1/{p} HTTP/1.1" for p in "abc"]


def test_a_pool_manager_of_another_kind_gets_the_request_call_it_always_got() -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    class Recording(urllib3.PoolManager):
        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            calls.append((f"{method} {url}", kwargs))
            return super().request(method, url, *args, **kwargs)

    with FaultServer(reply(200, b"{}")) as server:
        client = ApiClient(api_key=TEST_API_KEY, base_url=server.url, pool_manager=Recording())
        client.request("POST", "/x", body=b"{}", parse=lambda d: d)
        url = server.url
    assert calls == [
        (
            f"POST {url}/x",
            {
                "body": b"{}",
                "headers": client._headers,
                "timeout": client.timeout,
                "retries": False,
                "redirect": False,
            },
        )
    ]
    assert client._host_pool is None


def test_a_timeout_without_a_connect_part_leaves_the_wait_for_a_connection_unbounded() -> None:
    with FaultServer(reply(200, b"{}")) as server:
        client = ApiClient(api_key=TEST_API_KEY, base_url=server.url, timeout=urllib3.Timeout(read=5.0))
        assert client.request("GET", "/x", body=None, parse=lambda d: d).data == {}


def test_a_call_run_by_a_worker_lets_its_control_see_the_connection_while_it_is_in_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[str] = []

    class Recording(client_module.CallControl):
        def _attach(self, connection: object) -> None:
            events.append(f"attach {type(connection).__name__} {getattr(connection, 'sock', None) is not None}")
            super()._attach(connection)

        def _detach(self) -> None:
            events.append("detach")
            super()._detach()

    with FaultServer(reply(200, b"{}"), reply(200, b"{}")) as server:
        client = ApiClient(api_key=TEST_API_KEY, base_url=server.url)
        client.request("GET", "/x", body=None, parse=lambda d: d)  # no control: nothing to tell
        monkeypatch.setattr(client_module._current, "control", Recording(time.monotonic()))
        client.request("GET", "/x", body=None, parse=lambda d: d)
    # The kept connection, handed over before it is used and taken back before it returns to the pool.
    assert events == ["attach HTTPConnection True", "detach"]
