"""``make demo``: mint one client secret for a Realtime session through the generated client, with
``create_realtime_client_secret`` (``POST /realtime/client_secrets``, the GA operation), and print it.

Needs only the generated package: the client reads ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``
(default ``https://api.openai.com/v1``) from the environment. ``make demo`` runs it beside the mock
server (``python -m tools.servers -- ...``), which sets both, unless ``OPENAI_BASE_URL`` is already
set: ``OPENAI_BASE_URL=https://api.openai.com/v1 make demo`` mints at the real service with your key.
"""

import json
import os
import sys

from openai_realtime_client import ApiClient, APIError, RealtimeApi
from openai_realtime_client.errors import redact
from openai_realtime_client.models import (
    RealtimeCreateClientSecretRequest,
    RealtimeSessionCreateRequestGA,
    RealtimeSessionCreateRequestGAAudio,
    RealtimeSessionCreateRequestGAAudioOutput,
)

# What the demo asks for, built as the README's quick start builds it (the voice is the audio
# output's in the GA shape); the answer's session shows it back (the mock echoes what a request
# configured).
AUDIO = RealtimeSessionCreateRequestGAAudio(output=RealtimeSessionCreateRequestGAAudioOutput(voice="alloy"))
SESSION = RealtimeSessionCreateRequestGA(model="gpt-realtime", instructions="Be brief.", audio=AUDIO)
REQUEST = RealtimeCreateClientSecretRequest(session=SESSION)


def mask(secret: str) -> str:
    """Enough of a secret to recognise it, not enough to use it."""
    return f"{secret[:3]}...{secret[-4:]}" if len(secret) > 12 else "***"


def main() -> int:
    if not os.environ.get("OPENAI_API_KEY"):
        print("demo: OPENAI_API_KEY is not set; export your key first", file=sys.stderr)
        return 2
    try:
        # A key or URL the client refuses (ConfigurationError) is one line too.
        client = ApiClient()
    except APIError as err:
        print(f"demo: {type(err).__name__}: {err}", file=sys.stderr)
        return 2
    with client:
        print(f"==> minting a client secret at {client.base_url}")
        try:
            info = RealtimeApi(client).create_realtime_client_secret_with_http_info(REQUEST)
        except APIError as err:
            print(f"demo: {type(err).__name__}: {err}", file=sys.stderr)
            return 1
    minted = info.data.to_dict()
    minted["value"] = mask(info.data.value)
    # The answer is the server's: should it quote the key anywhere, that piece is not printed.
    key = os.environ.get("OPENAI_API_KEY")
    print(redact(f"==> HTTP {info.status_code}, request id {info.request_id}", key))
    print(redact(json.dumps(minted, indent=2), key))
    return 0


if __name__ == "__main__":
    sys.exit(main())
