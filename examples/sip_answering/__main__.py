"""``make sip-example``: run the SIP answering service on 127.0.0.1 and print where to post webhooks.

Needs only the generated package and werkzeug. The client reads ``OPENAI_API_KEY`` and
``OPENAI_BASE_URL``; the webhook secret is read from ``OPENAI_WEBHOOK_SECRET`` on each delivery.
``make sip-example`` runs it beside the mock server (``python -m tools.servers -- ...``), which sets
the first two, unless ``OPENAI_BASE_URL`` is already set.
"""

import argparse
import logging
import os
import sys

from openai_realtime_client import ApiClient, RealtimeApi
from werkzeug.serving import make_server

from .app import AnsweringService, CallPolicy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.sip_answering", description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--port", type=int, default=8001, help="port on 127.0.0.1 (default 8001; 0 picks a free one)")
    add("--deny", action="append", default=[], metavar="CALLER", help="reject calls from CALLER (repeatable)")
    add("--refer-keyword", default="", metavar="TEXT", help="refer calls whose SIP headers contain TEXT")
    add("--refer-to", default="", metavar="URI", help="where referred calls go (a sip: or tel: URI)")
    add("--model", default=CallPolicy.model, help=f"model of accepted calls (default {CallPolicy.model})")
    add("--voice", default=CallPolicy.voice, help=f"voice of accepted calls (default {CallPolicy.voice})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    for variable in ("OPENAI_API_KEY", "OPENAI_WEBHOOK_SECRET"):
        if not os.environ.get(variable):
            print(f"sip_answering: {variable} is not set; export it", file=sys.stderr)
            return 2
    if bool(args.refer_keyword) != bool(args.refer_to):
        print("sip_answering: give --refer-keyword and --refer-to together", file=sys.stderr)
        return 2
    policy = CallPolicy(
        deny=frozenset(args.deny),
        refer_keyword=args.refer_keyword,
        refer_to=args.refer_to,
        model=args.model,
        voice=args.voice,
    )
    with ApiClient() as client:
        service = AnsweringService(RealtimeApi(client), policy)
        try:
            server = make_server("127.0.0.1", args.port, service, threaded=True)
        except OSError as error:
            print(f"sip_answering: cannot listen on 127.0.0.1:{args.port}: {error.strerror}", file=sys.stderr)
            return 1
        print(f"sip answering service: POST webhooks to http://127.0.0.1:{server.server_port}/", flush=True)
        print(f"    answering calls through {client.base_url}; Ctrl-C stops it", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
