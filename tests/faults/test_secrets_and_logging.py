"""Everything the client logs and raises during failing calls: useful, and free of the API key."""

import logging

import pytest
from openai_realtime_client import ApiClient, APIError, RealtimeApi
from openai_realtime_client import client as client_module
from openai_realtime_client.models import RealtimeSessionCreateRequest

from tests.support.fault_server import FaultServer, raw, reply, stall
from tests.support.payloads import TEST_API_KEY, encoded, session, vendor_error
from tests.support.ports import closed_port

OK_BODY = encoded(session("ek_secret_value_0123456789"))


def _everything_about(error: BaseException) -> str:
    parts = []
    current: BaseException | None = error
    while current is not None:
        parts += [str(current), repr(current), repr(current.args), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


def test_no_api_key_in_anything_logged_or_raised(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "_sleep", lambda _: None)
    caplog.set_level(logging.DEBUG, logger="openai_realtime_client")
    raised: list[str] = []
    actions = [
        reply(500, encoded(vendor_error("boom", "server_error"))),
        reply(401, encoded(vendor_error("bad key", "auth", code="invalid_api_key"))),
        raw(b"HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n{"),
        raw(b"garbage\r\n\r\n"),
        reply(200, b"<html>proxy</html>", {"x-request-id": "req_html"}),
        stall(1.0),
        reply(200, OK_BODY, {"x-request-id": "req_ok"}),
    ]
    with FaultServer(*actions) as server:
        api = RealtimeApi(ApiClient(api_key=TEST_API_KEY, base_url=server.url, timeout=0.3, max_retries=0))
        for _ in range(len(actions)):
            try:
                api.create_realtime_session(RealtimeSessionCreateRequest(), max_retries=0)
            except APIError as err:
                raised.append(_everything_about(err))
    closed = closed_port()
    try:
        RealtimeApi(ApiClient(api_key=TEST_API_KEY, base_url=f"http://127.0.0.1:{closed}/v1")).create_realtime_session(
            RealtimeSessionCreateRequest(), max_retries=1
        )
    except APIError as err:
        raised.append(_everything_about(err))

    logged = caplog.text
    assert len(raised) == len(actions)  # six failures here and the refused connection; one success
    assert TEST_API_KEY not in logged
    assert all(TEST_API_KEY not in text for text in raised)
    assert "Bearer <redacted>" in logged
    assert "POST http://127.0.0.1:" in logged and "/v1/realtime/sessions -> HTTP 500" in logged
    assert "request id req_ok" in logged and "attempt 1" in logged and "attempt 2" in logged
    assert "ek_secret_value_0123456789" not in logged
