"""The test API key and the bodies servers answer with in tests, written once."""

import json
from typing import Any

# A placeholder key: long and distinctive so that a leak into output is easy to search for.
TEST_API_KEY = "sk-test-3c5f9a1e7b2d4c6f8a0b2d4f6a8c0e1f"

# 2027-01-01T00:00:00Z: a client secret's expiry far enough ahead never to matter.
EXPIRES_AT = 1798761600


def session(secret: str = "ek_abc123", expires_at: int = EXPIRES_AT, **fields: Any) -> dict[str, Any]:
    """A 200 body of ``POST /realtime/sessions`` that fits the description; ``fields`` add to or
    replace its id, object and model."""
    return {
        "id": "sess_1",
        "object": "realtime.session",
        "model": "gpt-realtime",
        "client_secret": {"value": secret, "expires_at": expires_at},
        **fields,
    }


def client_secret(value: str = "ek_abc123", expires_at: int = EXPIRES_AT, **fields: Any) -> dict[str, Any]:
    """A 200 body of ``POST /realtime/client_secrets`` for a Realtime session that fits the
    description; ``fields`` add to or replace the session's id, object, type and model."""
    realtime = {"type": "realtime", "object": "realtime.session", "id": "sess_1", "model": "gpt-realtime"}
    return {"value": value, "expires_at": expires_at, "session": {**realtime, **fields}}


def vendor_error(
    message: str, type_: str = "invalid_request_error", *, param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    """An error body as the API writes it."""
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def encoded(body: dict[str, Any]) -> bytes:
    """A body as the bytes a raw-socket server sends."""
    return json.dumps(body).encode()
