"""The SIP answering service: a werkzeug app that receives the vendor's webhooks and answers each
incoming call within seconds.

Per ``realtime.call.incoming`` delivery: verify it (``webhooks.unwrap``: signature, timestamp, the
typed event), drop a delivery already handled (``webhooks.ReplayGuard`` on the ``webhook-id``), then
decide from the call's SIP headers: a caller on the deny list is rejected, a call whose headers carry
the referral keyword is referred to another number, and every other call is accepted with the
session configuration (instructions, voice, tools). One log line per delivery, naming the call and
what was done; never the secret, the API key, a signature or the body.
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openai_realtime_client import APIError, RealtimeApi, webhooks
from openai_realtime_client.models import (
    RealtimeCallReferRequest,
    RealtimeCallRejectRequest,
    RealtimeSessionCreateRequestGA,
    WebhookRealtimeCallIncoming,
)
from werkzeug.wrappers import Request, Response

log = logging.getLogger("sip_answering")

# The user part of a SIP or tel URI in a header value: "Alice" <sip:+15550100@pbx.example>;tag=1
_URI_USER = re.compile(r"(?:sips?:|tel:)([^@;>\s]+)")
# 603 Decline: the callee does not want the call, and the caller should not try elsewhere.
DECLINE = 603


@dataclass(frozen=True)
class CallPolicy:
    """What to do with a call, decided from its SIP headers."""

    deny: frozenset[str] = frozenset()  # callers (the user part of From, e.g. +15550100) to reject
    refer_keyword: str = ""  # a call whose headers contain it (any case) is referred...
    refer_to: str = ""  # ...to this SIP or tel URI
    model: str = "gpt-realtime"
    instructions: str = "You answer the phone for a small business. Be brief and friendly."
    voice: str = "marin"
    tools: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def session(self) -> RealtimeSessionCreateRequestGA:
        """The session an accepted call runs with."""
        return RealtimeSessionCreateRequestGA.from_dict(
            {
                "type": "realtime",
                "model": self.model,
                "instructions": self.instructions,
                "audio": {"output": {"voice": self.voice}},
                "tools": list(self.tools),
            }
        )


def caller_of(headers: Iterable[tuple[str, str]]) -> str:
    """The caller's number or user (the user part of the From header's URI), or "" when there is none."""
    for name, value in headers:
        if name.lower() == "from":
            match = _URI_USER.search(value)
            return match.group(1) if match else ""
    return ""


class AnsweringService:
    """The WSGI app: POST the vendor's webhooks to any path."""

    def __init__(
        self,
        api: RealtimeApi,
        policy: CallPolicy,
        *,
        secret: str | bytes | None = None,
        guard: webhooks.ReplayGuard | None = None,
    ) -> None:
        self._api = api
        self._policy = policy
        self._secret = secret  # None: OPENAI_WEBHOOK_SECRET, read on each delivery
        self._guard = guard or webhooks.ReplayGuard()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self._handle(Request(environ))(environ, start_response)

    def _handle(self, request: Request) -> Response:
        if request.method != "POST":
            return Response(status=405, headers={"Allow": "POST"})
        try:
            event = webhooks.unwrap(request.get_data(), request.headers, self._secret)
        except webhooks.WebhookVerificationError as refusal:
            log.warning("webhook refused: %s: %s", type(refusal).__name__, refusal)
            return Response(status=400)
        delivery = request.headers["webhook-id"]
        if not self._guard.first_time(delivery, int(request.headers["webhook-timestamp"])):
            log.info("webhook %s again: already handled, acknowledged", delivery)
            return Response(status=200)
        if not isinstance(event, WebhookRealtimeCallIncoming):
            log.info("webhook %s: %s event, not a call for this service", delivery, type(event).__name__)
            return Response(status=200)
        try:
            outcome = self._answer(event)
        except APIError as err:
            # Forgotten, so that the vendor's retry of this delivery is acted on.
            self._guard.forget(delivery)
            log.error("call %s: %s: %s", event.data.call_id, type(err).__name__, err)
            return Response(status=502)
        log.info("call %s from %s: %s", event.data.call_id, caller_of(self._headers(event)) or "unknown", outcome)
        return Response(status=200)

    @staticmethod
    def _headers(event: WebhookRealtimeCallIncoming) -> list[tuple[str, str]]:
        return [(header.name, header.value) for header in event.data.sip_headers]

    def _answer(self, call: WebhookRealtimeCallIncoming) -> str:
        """Accept, reject or refer the call; what was done, in words."""
        policy, call_id, headers = self._policy, call.data.call_id, self._headers(call)
        if caller_of(headers) in policy.deny:
            self._api.reject_realtime_call(call_id, RealtimeCallRejectRequest(status_code=DECLINE))
            return f"rejected ({DECLINE}, deny list)"
        keyword = policy.refer_keyword.lower()
        if keyword and policy.refer_to and any(keyword in value.lower() for _, value in headers):
            self._api.refer_realtime_call(call_id, RealtimeCallReferRequest(target_uri=policy.refer_to))
            return f"referred to {policy.refer_to}"
        self._api.accept_realtime_call(call_id, policy.session())
        return "accepted"
