"""``make example``: run the token server on 127.0.0.1 and print the page's address.

Needs only the generated package and werkzeug, so the directory can be copied out of this
repository and run as ``python -m token_server``. The client reads ``OPENAI_API_KEY`` and
``OPENAI_BASE_URL`` (default ``https://api.openai.com/v1``) from the environment. ``make example``
runs it beside the mock server (``python -m tools.servers -- ...``), which sets both, unless
``OPENAI_BASE_URL`` is already set.
"""

import argparse
import logging
import os
import sys

from openai_realtime_client import ApiClient, ConfigurationError, RealtimeApi
from werkzeug.serving import make_server

from .app import RequestLogHandler, TokenApp, realtime_session


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.token_server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 picks a free one)")
    parser.add_argument("--model", default="gpt-realtime", help="model of the sessions minted (default gpt-realtime)")
    parser.add_argument("--voice", default="alloy", help="voice of the sessions minted (default alloy)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if not os.environ.get("OPENAI_API_KEY"):
        print("token_server: OPENAI_API_KEY is not set; export your key", file=sys.stderr)
        return 2

    try:
        client = ApiClient()
    except ConfigurationError as error:
        # Names the setting at fault (OPENAI_API_KEY, OPENAI_BASE_URL) and never shows the key.
        print(f"token_server: {error}", file=sys.stderr)
        return 2
    with client:
        app = TokenApp(RealtimeApi(client), realtime_session(args.model, args.voice))
        try:
            server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=RequestLogHandler)
        except OSError as error:
            print(f"token_server: cannot listen on 127.0.0.1:{args.port}: {error.strerror}", file=sys.stderr)
            return 1
        print(f"token server: open http://127.0.0.1:{server.server_port}/", flush=True)
        print(f"    minting at {client.base_url}; Ctrl-C stops it", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
