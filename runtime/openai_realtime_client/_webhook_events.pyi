# Rendered from templates/stage2/PACKAGE/_webhook_events.py.jinja (the description's webhooks decide
# the event models); this stub lets mypy check runtime/ against it without regenerating. There,
# WebhookEvent is the union of the event models and UnknownVariant.
from collections.abc import Mapping
from typing import Any, TypeAlias

WebhookEvent: TypeAlias = Any

def parse_webhook_event(data: Mapping[str, Any]) -> WebhookEvent: ...
