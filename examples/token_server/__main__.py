"""``make example``: run the token server on 127.0.0.1 and print the page's address.

Without ``OPENAI_BASE_URL`` it starts the spec-driven mock server on a free port of 127.0.0.1 and
mints there with a placeholder key. With ``OPENAI_BASE_URL`` set it mints at that address with the
key from ``OPENAI_API_KEY``.
"""

import argparse
import logging
import os
import sys
import time
from contextlib import ExitStack

from openai_realtime_client import ApiClient, ConfigurationError, RealtimeApi
from openai_realtime_client.models import RealtimeSessionCreateRequest

from examples.token_server.app import TokenApp, TokenServer
from tools.mock_server import MockServer

PLACEHOLDER_KEY = "sk-example-placeholder-for-the-mock"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.token_server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 picks a free one)")
    parser.add_argument("--model", default="gpt-realtime", help="model of the sessions minted (default gpt-realtime)")
    parser.add_argument("--voice", default="alloy", help="voice of the sessions minted (default alloy)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    with ExitStack() as stack:
        base_url = os.environ.get("OPENAI_BASE_URL")
        if base_url:
            api_key = os.environ.get("OPENAI_API_KEY")
            if not api_key:
                print(
                    "token_server: OPENAI_BASE_URL is set but OPENAI_API_KEY is not; export your key", file=sys.stderr
                )
                return 2
            upstream = f"minting at {base_url}"
        else:
            base_url = stack.enter_context(MockServer()).url
            api_key = PLACEHOLDER_KEY
            upstream = f"minting at the mock server {base_url} (set OPENAI_BASE_URL to mint elsewhere)"
        try:
            client = stack.enter_context(ApiClient(api_key=api_key, base_url=base_url))
        except ConfigurationError as error:
            # Names the setting at fault (OPENAI_BASE_URL, api_key) and never shows the key.
            print(f"token_server: {error}", file=sys.stderr)
            return 2
        session = RealtimeSessionCreateRequest(model=args.model, voice=args.voice)
        app = TokenApp(RealtimeApi(client), session)
        try:
            server = stack.enter_context(TokenServer(app, port=args.port))
        except OSError as error:
            print(f"token_server: cannot listen on 127.0.0.1:{args.port}: {error.strerror}", file=sys.stderr)
            return 1
        print(f"token server: open {server.url}\n    {upstream}; Ctrl-C stops it", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
