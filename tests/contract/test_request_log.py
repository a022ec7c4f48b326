"""The debug line the client logs for each attempt: what was asked, how it ended, how long it took,
which attempt, the request id and the headers sent with the key replaced."""

import logging
import re

import pytest
from openai_realtime_client import ApiClient, APIConnectionError, RealtimeApi, client
from openai_realtime_client.models import RealtimeSessionCreateRequest

from tests.support.payloads import TEST_API_KEY, session, vendor_error
from tests.support.ports import closed_port
from tools.servers.mock_server import MockServer, ScriptedResponse

LINE = re.compile(
    r"POST http://127\.0\.0\.1:\d+/v1/realtime/sessions -> (?P<outcome>.+?) in (?P<ms>\d+\.\d) ms "
    r"\(attempt (?P<attempt>\d+), request id (?P<request_id>\S+), headers (?P<headers>\{.*\})\)"
)


def test_each_attempt_logs_one_line_with_the_key_redacted(
    api: RealtimeApi, mock_server: MockServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "_sleep", lambda _: None)
    mock_server.script(
        ScriptedResponse(status=500, body=vendor_error("boom", "server_error"), headers={"x-request-id": "req_1"}),
        ScriptedResponse(body=session(), headers={"x-request-id": "req_2"}),
    )
    caplog.set_level(logging.DEBUG, logger="openai_realtime_client")

    api.create_realtime_session(RealtimeSessionCreateRequest(), max_retries=1)

    lines = [LINE.fullmatch(record.getMessage()) for record in caplog.records if record.name.startswith("openai")]
    assert all(lines) and len(lines) == 2, caplog.text
    assert [(m["outcome"], m["attempt"], m["request_id"]) for m in lines if m] == [
        ("HTTP 500", "1", "req_1"),
        ("HTTP 200", "2", "req_2"),
    ]
    for match in lines:
        assert match is not None and 0.0 <= float(match["ms"]) < 60_000
        assert "'Authorization': 'Bearer <redacted>'" in match["headers"]
        assert TEST_API_KEY not in match["headers"]
        assert "'Content-Type': 'application/json'" in match["headers"]


def test_an_attempt_that_got_no_answer_logs_why_and_no_request_id(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="openai_realtime_client")
    refused = ApiClient(api_key=TEST_API_KEY, base_url=f"http://127.0.0.1:{closed_port()}/v1")
    with refused, pytest.raises(APIConnectionError):
        RealtimeApi(refused).create_realtime_session(RealtimeSessionCreateRequest(), max_retries=0)

    (match,) = [LINE.fullmatch(record.getMessage()) for record in caplog.records if record.name.startswith("openai")]
    assert match is not None, caplog.text
    assert match["outcome"].startswith("failed: ") and (match["attempt"], match["request_id"]) == ("1", "None")
