"""The events the description's webhooks deliver, for the templates (the ``webhook_events`` global).

openapi-python-client ignores an OpenAPI 3.1 document's ``webhooks``. Their payloads are components
(``make import-spec`` keeps those the selection names, with everything they reference), so the
generator renders them as models like any other schema; what it cannot know is which models are
webhook events and which ``type`` value names each. That is read here from ``openapi.yaml``:
per webhook, the ``$ref`` of its POST's JSON body, the class the generator made of that component,
and the component's required ``type`` const. ``templates/stage2/PACKAGE/_webhook_events.py.jinja``
renders the union from it, and the docs say which webhook delivers which class.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from openapi_python_client.schema.untrusted_string import UntrustedString

from tools import openapi_document

_SCHEMA_REF_PREFIX = "#/components/schemas/"


class WebhookEventError(ValueError):
    """A webhook of the description whose payload cannot be rendered as a typed event."""


@dataclass(frozen=True)
class WebhookEvent:
    """One webhook: its name in the description, the ``type`` its event carries, and the model class."""

    webhook: UntrustedString  # e.g. realtime_call_incoming
    event_type: UntrustedString  # e.g. realtime.call.incoming
    class_name: str
    module_name: str
    model: Any  # the generator's ModelProperty of the payload


def webhook_events(
    document: dict[str, Any], models: Iterable[Any], class_name_of: Callable[[str], str]
) -> tuple[WebhookEvent, ...]:
    """The description's webhooks in document order. ``class_name_of`` gives the class the generator
    makes of a component schema name. Raises WebhookEventError for a webhook that is not a POST of a
    JSON object component with a required string ``type`` const, naming the webhook."""
    by_class = {model.class_info.name: model for model in models}
    events: list[WebhookEvent] = []
    seen_types: dict[str, str] = {}
    for name, item in (document.get("webhooks") or {}).items():

        def fail(problem: str, webhook: str = name) -> WebhookEventError:
            return WebhookEventError(f"webhook {webhook}: {problem}")

        operation = item.get("post") if isinstance(item, dict) else None
        if not isinstance(operation, dict):
            raise fail("only POST webhooks are rendered")
        body = openapi_document.resolve(document, operation.get("requestBody") or {})
        schema = ((body.get("content") or {}).get("application/json") or {}).get("schema") or {}
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if not isinstance(ref, str) or not ref.startswith(_SCHEMA_REF_PREFIX):
            raise fail("its JSON body must be a $ref to a component schema")
        component = ref.removeprefix(_SCHEMA_REF_PREFIX)
        model = by_class.get(class_name_of(component))
        if model is None:
            raise fail(f"{component} is not rendered as a model class (not a JSON object?)")
        payload = openapi_document.resolve(document, schema)
        type_schema = openapi_document.resolve(document, (payload.get("properties") or {}).get("type") or {})
        event_type = type_schema.get("const") if isinstance(type_schema, dict) else None
        if not isinstance(event_type, str) or "type" not in (payload.get("required") or []):
            raise fail(f"{component} has no required string const `type` to tell its events apart")
        if event_type in seen_types:
            raise fail(f"its events have the type {event_type!r}, as those of {seen_types[event_type]} do")
        seen_types[event_type] = name
        events.append(
            WebhookEvent(
                webhook=UntrustedString(name),
                event_type=UntrustedString(event_type),
                class_name=str(model.class_info.name),
                module_name=str(model.class_info.module_name),
                model=model,
            )
        )
    return tuple(events)
