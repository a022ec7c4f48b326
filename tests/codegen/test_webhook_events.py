"""tools/codegen/webhook_events.py: which models are the description's webhook events, and the webhooks it refuses
to render (rather than leaving them out of the union)."""

import copy
from dataclasses import dataclass
from typing import Any

import pytest

from tools import openapi_document
from tools.codegen.webhook_events import WebhookEventError, webhook_events
from tools.paths import SPEC


@dataclass(frozen=True)
class _ClassInfo:
    name: str
    module_name: str


@dataclass(frozen=True)
class _Model:
    class_info: _ClassInfo


MODELS = [_Model(_ClassInfo(name, f"module_of_{name}")) for name in ("CallIncoming", "CallEnded", "Other")]


def _document() -> dict[str, Any]:
    def event(kind: str) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["type", "id"],
            "properties": {"type": {"type": "string", "const": kind}, "id": {"type": "string"}},
        }

    def hook(component: str) -> dict[str, Any]:
        schema = {"$ref": f"#/components/schemas/{component}"}
        return {"post": {"requestBody": {"content": {"application/json": {"schema": schema}}}}}

    return {
        "webhooks": {"call_incoming": hook("call_incoming"), "call_ended": hook("call_ended")},
        "components": {"schemas": {"call_incoming": event("call.incoming"), "call_ended": event("call.ended")}},
    }


def _class_name(component: str) -> str:
    return "".join(part.title() for part in component.split("_"))


def test_each_webhook_gives_its_model_and_type_in_document_order() -> None:
    events = webhook_events(_document(), MODELS, _class_name)
    assert [(str(e.webhook.get_untrusted_value()), e.class_name, e.module_name) for e in events] == [
        ("call_incoming", "CallIncoming", "module_of_CallIncoming"),
        ("call_ended", "CallEnded", "module_of_CallEnded"),
    ]
    assert [e.event_type.get_untrusted_value() for e in events] == ["call.incoming", "call.ended"]


def test_a_description_without_webhooks_has_no_events() -> None:
    assert webhook_events({"components": {}}, MODELS, _class_name) == ()


def test_the_checked_in_description_has_both_call_events() -> None:
    document = openapi_document.load(SPEC)
    names = {"WebhookRealtimeCallIncoming", "WebhookLiveCallIncoming"}
    models = [_Model(_ClassInfo(name, name.lower())) for name in names]
    events = webhook_events(document, models, lambda component: component)
    assert {e.event_type.get_untrusted_value() for e in events} == {"realtime.call.incoming", "live.call.incoming"}


def _broken(change: str) -> dict[str, Any]:
    document = copy.deepcopy(_document())
    hook = document["webhooks"]["call_ended"]
    schema = document["components"]["schemas"]["call_ended"]
    if change == "get":
        hook["get"] = hook.pop("post")
    elif change == "inline":
        hook["post"]["requestBody"]["content"]["application/json"]["schema"] = {"type": "object"}
    elif change == "no model":
        hook["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"] = "#/components/schemas/gone"
        document["components"]["schemas"]["gone"] = schema
    elif change == "no const":
        schema["properties"]["type"] = {"type": "string"}
    elif change == "optional type":
        schema["required"] = ["id"]
    elif change == "same type":
        schema["properties"]["type"]["const"] = "call.incoming"
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("get", "webhook call_ended: only POST webhooks are rendered"),
        ("inline", "webhook call_ended: its JSON body must be a $ref to a component schema"),
        ("no model", "webhook call_ended: gone is not rendered as a model class"),
        ("no const", "webhook call_ended: call_ended has no required string const `type`"),
        ("optional type", "webhook call_ended: call_ended has no required string const `type`"),
        ("same type", "webhook call_ended: its events have the type 'call.incoming', as those of call_incoming do"),
    ],
)
def test_a_webhook_that_cannot_be_told_apart_stops_generation(change: str, message: str) -> None:
    with pytest.raises(WebhookEventError) as caught:
        webhook_events(_broken(change), MODELS, _class_name)
    assert str(caught.value).startswith(message)
