"""``make demo``: mint one Realtime session through the generated client and print it.

By default it starts the mock server on a free port of 127.0.0.1 and uses a placeholder key.
With ``BASE_URL`` set (``make demo BASE_URL=https://api.openai.com/v1``) it calls that server
instead, with the key from ``OPENAI_API_KEY``.
"""

import json
import os
import sys
from contextlib import ExitStack

from openai_realtime_client import ApiClient, APIError, RealtimeApi
from openai_realtime_client.errors import redact
from openai_realtime_client.models import RealtimeSessionCreateRequest

from tools.mock_server import MockServer

PLACEHOLDER_KEY = "sk-demo-placeholder-for-the-mock"


def mask(secret: str) -> str:
    """Enough of a secret to recognise it, not enough to use it."""
    return f"{secret[:3]}...{secret[-4:]}" if len(secret) > 12 else "***"


def main() -> int:
    base_url = os.environ.get("BASE_URL")
    with ExitStack() as stack:
        if base_url:
            api_key = os.environ.get("OPENAI_API_KEY")
            if not api_key:
                print("demo: BASE_URL is set but OPENAI_API_KEY is not; export your key first", file=sys.stderr)
                return 2
            print(f"==> minting a session at {base_url}")
        else:
            base_url = stack.enter_context(MockServer()).url
            api_key = PLACEHOLDER_KEY
            print(f"==> minting a session at the mock server {base_url}")
        request = RealtimeSessionCreateRequest(model="gpt-realtime", voice="alloy", instructions="Be brief.")
        try:
            # Inside the try: a key or URL the client refuses (ConfigurationError) is one line too.
            client = stack.enter_context(ApiClient(api_key=api_key, base_url=base_url))
            info = RealtimeApi(client).create_realtime_session_with_http_info(request)
        except APIError as err:
            print(f"demo: {type(err).__name__}: {err}", file=sys.stderr)
            return 1
    session = info.data.to_dict()
    session["client_secret"]["value"] = mask(info.data.client_secret.value)
    # The answer is the server's: should it quote the key anywhere, that piece is not printed.
    print(redact(f"==> HTTP {info.status_code}, request id {info.request_id}", api_key))
    print(redact(json.dumps(session, indent=2), api_key))
    return 0


if __name__ == "__main__":
    sys.exit(main())
