"""The generated package's webhook events: ``webhooks.unwrap`` returns the model of the event's ``type``
(the description's webhooks decide which), unknown types arrive as ``UnknownVariant``, and the README's
receiver ("Answering calls") runs as written."""

import base64
import json
import logging
import re
import time
import typing
from typing import Any

import openai_realtime_client
import pytest
from openai_realtime_client import UnknownVariant, _webhook_events, errors, webhooks
from openai_realtime_client.models import (
    WebhookLiveCallIncoming,
    WebhookRealtimeCallIncoming,
    WebhookRealtimeCallIncomingData,
)
from werkzeug.test import Client

from tools import openapi_document, paths

KEY = b"test webhook key"
SECRET = "whsec_" + base64.b64encode(KEY).decode()


def deliver(event: dict[str, Any], msg_id: str = "wh_1", timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a delivery signed with SECRET."""
    body = json.dumps(event).encode()
    stamp = int(time.time()) if timestamp is None else timestamp
    signature = webhooks.sign(body, SECRET, msg_id, stamp)
    return body, {"webhook-id": msg_id, "webhook-timestamp": str(stamp), "webhook-signature": signature}


def call_event(**extra: Any) -> dict[str, Any]:
    return {
        "id": "evt_1",
        "object": "event",
        "created_at": 1_767_225_600,
        "type": "realtime.call.incoming",
        "data": {"call_id": "rtc_123", "sip_headers": [{"name": "From", "value": "<sip:+15550100@example.test>"}]},
        **extra,
    }


def test_unwrap_returns_the_model_of_the_events_type_with_unknown_fields_kept() -> None:
    event = webhooks.unwrap(*deliver(call_event(later_field={"x": 1})), secret=SECRET)
    assert isinstance(event, WebhookRealtimeCallIncoming)
    assert isinstance(event.data, WebhookRealtimeCallIncomingData)
    assert event.data.call_id == "rtc_123" and event.type_ == "realtime.call.incoming"
    assert [(h.name, h.value) for h in event.data.sip_headers] == [("From", "<sip:+15550100@example.test>")]
    assert event.additional_properties == {"later_field": {"x": 1}}
    assert event.to_dict() == call_event(later_field={"x": 1})


def test_unwrap_tells_the_live_call_event_apart_by_type() -> None:
    live = {
        "id": "evt_2",
        "created_at": 1_767_225_600,
        "type": "live.call.incoming",
        "data": {"session_id": "sess_1", "sip_headers": []},
    }
    event = webhooks.unwrap(*deliver(live), secret=SECRET)
    assert isinstance(event, WebhookLiveCallIncoming) and event.data.session_id == "sess_1"


def test_an_event_of_a_type_the_description_does_not_list_arrives_as_unknown_variant() -> None:
    later = {"id": "evt_3", "type": "realtime.call.ended", "data": {"call_id": "rtc_123"}}
    event = webhooks.unwrap(*deliver(later), secret=SECRET)
    assert isinstance(event, UnknownVariant)
    assert event.type == "realtime.call.ended" and event.to_dict() == later


def test_an_event_of_a_known_type_that_does_not_fit_is_refused_naming_the_field() -> None:
    broken = call_event()
    del broken["data"]["call_id"]
    with pytest.raises(webhooks.MalformedPayloadError, match=r"data\.call_id: required field missing"):
        webhooks.unwrap(*deliver(broken), secret=SECRET)


def test_the_union_has_one_model_per_webhook_of_the_description() -> None:
    document = openapi_document.load(paths.SPEC)
    expected = {}
    for item in document["webhooks"].values():
        body = item["post"]["requestBody"]["content"]["application/json"]
        schema = openapi_document.resolve(document, body["schema"])
        expected[schema["properties"]["type"]["const"]] = schema
    assert set(_webhook_events.EVENT_MODELS) == set(expected) == {"realtime.call.incoming", "live.call.incoming"}
    members = typing.get_args(webhooks.WebhookEvent)
    assert members == (WebhookLiveCallIncoming, WebhookRealtimeCallIncoming, UnknownVariant)


def test_the_refusals_are_the_packages_exceptions() -> None:
    assert webhooks.WebhookVerificationError is errors.WebhookVerificationError
    assert issubclass(webhooks.NoMatchingSignatureError, openai_realtime_client.APIError)
    assert openai_realtime_client.MalformedPayloadError is webhooks.MalformedPayloadError


# --- the receiver README.md shows ----------------------------------------------------------------------


def _readme_receiver() -> str:
    readme = (paths.REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Answering calls\n", 1)[1].split("\n## ", 1)[0]
    [snippet] = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    return str(snippet)


def test_the_readme_receiver_acts_once_per_genuine_call(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", SECRET)
    namespace: dict[str, Any] = {"__name__": "answering_calls_snippet"}
    exec(compile(_readme_receiver(), "README.md (Answering calls)", "exec"), namespace)
    answered: list[Any] = []
    namespace["answer"] = answered.append
    client = Client(namespace["receive"])
    now = int(time.time())

    def post(msg_id: str, event: dict[str, Any], timestamp: int = now, key: str = SECRET) -> int:
        body, headers = deliver(event, msg_id, timestamp)
        if key != SECRET:
            headers["webhook-signature"] = webhooks.sign(body, key, msg_id, timestamp)
        return client.post("/hook", data=body, headers=headers).status_code

    other_key = "whsec_" + base64.b64encode(b"someone else").decode()
    with caplog.at_level(logging.INFO, logger="receiver"):
        assert post("wh_1", call_event()) == 200
        assert post("wh_1", call_event()) == 200  # a replay, or the vendor retrying: acknowledged, not acted on
        assert post("wh_2", call_event(), key=other_key) == 400  # forged
        assert post("wh_3", call_event(), timestamp=now - webhooks.DEFAULT_TOLERANCE - 5) == 400  # stale
        assert post("wh_4", {"id": "evt_9", "type": "realtime.call.ended"}) == 200  # unknown type: acknowledged
        broken = call_event()
        del broken["data"]
        assert post("wh_5", broken) == 400
    assert [event.data.call_id for event in answered] == ["rtc_123"]
    assert "webhook event UnknownVariant not handled" in caplog.text
    assert SECRET[6:20] not in caplog.text and sum("refused" in r.getMessage() for r in caplog.records) == 3
