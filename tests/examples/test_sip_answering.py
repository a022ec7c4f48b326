"""The SIP answering example end to end: signed webhooks (genuine, forged, replayed, stale, unknown)
posted to it over HTTP, and what reached the mock server as call-control requests."""

import base64
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import urllib3
from openai_realtime_client import ApiClient, RealtimeApi, webhooks

from examples.sip_answering.app import AnsweringService, CallPolicy
from tests.support.payloads import TEST_API_KEY, vendor_error
from tests.support.signals import as_from_a_terminal
from tests.support.sip_answering import SipAnsweringServer
from tools import paths
from tools.servers.mock_server import MockServer, ScriptedResponse

SECRET = "whsec_" + base64.b64encode(b"sip example test key").decode()
POLICY = CallPolicy(
    deny=frozenset({"+15550199"}),
    refer_keyword="sales",
    refer_to="tel:+15550123",
    instructions="Answer for the test shop.",
    voice="cedar",
)


@pytest.fixture
def service(mock_server: MockServer) -> Iterator[SipAnsweringServer]:
    client = ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url, max_retries=0)
    with client, SipAnsweringServer(AnsweringService(RealtimeApi(client), POLICY, secret=SECRET)) as server:
        yield server


def incoming(call_id: str, caller: str, to: str = "sip:+15550100@shop.example") -> dict[str, Any]:
    return {
        "id": f"evt_{call_id}",
        "object": "event",
        "created_at": int(time.time()),
        "type": "realtime.call.incoming",
        "data": {
            "call_id": call_id,
            "sip_headers": [
                {"name": "From", "value": f'"Caller" <sip:{caller}@carrier.example>;tag=9'},
                {"name": "To", "value": f"<{to}>"},
            ],
        },
    }


def post(server: SipAnsweringServer, event: dict[str, Any], msg_id: str, *, secret: str = SECRET, age: int = 0) -> int:
    body = json.dumps(event).encode()
    stamp = int(time.time()) - age
    headers = {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": webhooks.sign(body, secret, msg_id, stamp),
    }
    return urllib3.request("POST", server.url, body=body, headers=headers, retries=False).status


def calls(mock: MockServer) -> list[tuple[str, Any]]:
    """(path below the API's base URL, JSON body) of every request that reached the mock."""
    base = urlsplit(mock.url).path.rstrip("/")
    return [(r.path.removeprefix(base), r.json()) for r in mock.received]


def service_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The example's own log lines (werkzeug logs each request too)."""
    return [record.getMessage() for record in caplog.records if record.name == "sip_answering"]


def test_a_call_is_accepted_with_the_session_configuration(
    service: SipAnsweringServer, mock_server: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="sip_answering"):
        assert post(service, incoming("rtc_1", "+15550111"), "wh_1") == 200
    [(path, body)] = calls(mock_server)
    assert path == "/realtime/calls/rtc_1/accept"
    assert body["type"] == "realtime" and body["instructions"] == "Answer for the test shop."
    assert body["audio"] == {"output": {"voice": "cedar"}}
    assert service_log(caplog) == ["call rtc_1 from +15550111: accepted"]


def test_a_denied_caller_is_rejected_and_a_keyword_call_referred(
    service: SipAnsweringServer, mock_server: MockServer
) -> None:
    assert post(service, incoming("rtc_2", "+15550199"), "wh_2") == 200
    assert post(service, incoming("rtc_3", "+15550112", to="sip:sales@shop.example"), "wh_3") == 200
    assert calls(mock_server) == [
        ("/realtime/calls/rtc_2/reject", {"status_code": 603}),
        ("/realtime/calls/rtc_3/refer", {"target_uri": "tel:+15550123"}),
    ]


def test_forged_stale_and_replayed_deliveries_reach_nothing(
    service: SipAnsweringServer, mock_server: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    other = "whsec_" + base64.b64encode(b"not the secret").decode()
    with caplog.at_level(logging.INFO, logger="sip_answering"):
        assert post(service, incoming("rtc_4", "+15550113"), "wh_4", secret=other) == 400
        assert post(service, incoming("rtc_5", "+15550114"), "wh_5", age=webhooks.DEFAULT_TOLERANCE + 60) == 400
        assert post(service, incoming("rtc_6", "+15550115"), "wh_6") == 200
        assert post(service, incoming("rtc_6", "+15550115"), "wh_6") == 200  # replayed: acknowledged only
        assert post(service, {"id": "evt_7", "type": "realtime.call.ended"}, "wh_7") == 200
    assert [path for path, _ in calls(mock_server)] == ["/realtime/calls/rtc_6/accept"]
    logged = "\n".join(service_log(caplog))
    assert "NoMatchingSignatureError" in logged and "TimestampTooOldError" in logged
    assert "wh_6 again" in logged and "UnknownVariant event" in logged
    assert SECRET[6:] not in logged and other[6:] not in logged and TEST_API_KEY not in logged


def test_a_failed_answer_is_retried_when_the_vendor_sends_the_delivery_again(
    service: SipAnsweringServer, mock_server: MockServer
) -> None:
    mock_server.script(ScriptedResponse(500, vendor_error("down")))
    assert post(service, incoming("rtc_8", "+15550116"), "wh_8") == 502
    assert post(service, incoming("rtc_8", "+15550116"), "wh_8") == 200
    assert [path for path, _ in calls(mock_server)] == ["/realtime/calls/rtc_8/accept"] * 2


def test_make_sip_example_starts_it_beside_the_mock_and_a_call_is_answered() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(OPENAI_WEBHOOK_SECRET=SECRET, PYTHONPATH=os.pathsep.join([str(paths.GENERATED), str(paths.REPO)]))
    # As `make sip-example` runs it; a process group of its own, as a terminal would start it.
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.servers", "--", sys.executable, "-m", "examples.sip_answering", "--port", "0"],
        cwd=paths.REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=as_from_a_terminal,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("mock server listening on http://127.0.0.1:")
        first = process.stdout.readline()
        assert first.startswith("sip answering service: POST webhooks to http://127.0.0.1:"), first
        server = first.split()[-1]
        body = json.dumps(incoming("rtc_9", "+15550117")).encode()
        stamp = int(time.time())
        headers = {"webhook-id": "wh_9", "webhook-timestamp": str(stamp)}
        headers["webhook-signature"] = webhooks.sign(body, SECRET, "wh_9", stamp)
        assert urllib3.request("POST", server, body=body, headers=headers, retries=False).status == 200
    finally:
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert "call rtc_9 from +15550117: accepted" in err
    assert SECRET[6:] not in out + err
