"""The command line's ``webhooks verify``: checks one delivery as a receiver would, to debug a receiver.

``python -m openai_realtime_client webhooks verify --id ID --timestamp T --signature SIG < body``
reads the body from stdin as bytes (exactly as received: a file saved from the request, not retyped)
and the secret from an environment variable (``--secret-env``, ``OPENAI_WEBHOOK_SECRET`` unless
named), never from an option. It has nothing to do with the API description, so it is not in the
generated table of commands; ``__main__.py`` refuses an operation whose command would be ``webhooks``.

Exit status: 0 the signature is valid and the timestamp within the tolerance; 1 refused, with one
line naming the cause; 2 a usage error (an option missing, the variable unset, a secret that is not
one). No line ever holds the secret, a signature or the body.
"""

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Any

from . import webhooks
from .errors import InvalidSecretError, WebhookVerificationError

GROUP = "webhooks"
ACTION = "verify"
SUMMARY = "Check a webhook delivery's signature (the body on stdin)."
EXIT_VALID, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _tolerance(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
    return value


def add_parser(groups: "argparse._SubParsersAction[Any]", settings: Mapping[str, Any]) -> None:
    """Adds ``webhooks verify`` to the command line's groups, its parsers made with the command
    line's ``settings``; its parser sets ``webhook_command``."""
    group = groups.add_parser(GROUP, **settings)
    actions = group.add_subparsers(metavar="ACTION", required=True)
    sub = actions.add_parser(
        ACTION,
        help=SUMMARY,
        description=(
            f"{SUMMARY} Give the three webhook-* headers of the delivery as options and its body, byte for "
            "byte, on stdin. The signature is checked as webhooks.verify_signature checks it: HMAC-SHA256 "
            "over id.timestamp.body with the secret, then the timestamp against this machine's clock. The "
            "secret is read from an environment variable, never from an option. Exit status: 0 valid, 1 "
            "refused (one line saying why), 2 a usage error."
        ),
        **settings,
    )
    sub.set_defaults(webhook_command=run, command_parser=sub)
    sub.add_argument("--id", required=True, help="the webhook-id header")  # argparse's metavar for it is ID
    sub.add_argument("--timestamp", required=True, metavar="SECONDS", help="the webhook-timestamp header")
    sub.add_argument(
        "--signature", required=True, metavar="SIGNATURES", help="the webhook-signature header (v1,<base64> ...)"
    )
    sub.add_argument(
        "--secret-env",
        metavar="NAME",
        default=webhooks.SECRET_ENV_VAR,
        help=f"the environment variable holding the secret, whsec_... (default: {webhooks.SECRET_ENV_VAR})",
    )
    sub.add_argument(
        "--tolerance",
        type=_tolerance,
        default=webhooks.DEFAULT_TOLERANCE,
        metavar="SECONDS",
        help=f"how far the timestamp may be from now, either way (default: {webhooks.DEFAULT_TOLERANCE})",
    )


def run(args: argparse.Namespace, prog: str) -> int:
    """Verifies the delivery on stdin; returns the exit status."""
    secret = os.environ.get(args.secret_env, "")
    if not secret.strip():
        problem = f"no webhook secret: the environment variable {args.secret_env} is unset or empty"
        print(f"{prog}: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    headers = {webhooks._ID: args.id, webhooks._TIMESTAMP: args.timestamp, webhooks._SIGNATURE: args.signature}
    body = sys.stdin.buffer.read()
    try:
        webhooks.verify_signature(body, headers, secret, args.tolerance)
    except WebhookVerificationError as err:
        # A secret that is no secret is the caller's mistake (usage); anything else is the delivery's.
        usage = isinstance(err, InvalidSecretError)
        line = f"error: {args.secret_env}: {err}" if usage else f"refused: {type(err).__name__}: {err}"
        print(f"{prog}: {line}", file=sys.stderr)
        return EXIT_USAGE if usage else EXIT_REFUSED
    shown_id = " ".join(args.id.split())  # one line, whatever the option held
    print(f"valid: webhook-id {shown_id}, timestamp {args.timestamp}, {len(body)} bytes of body")
    return EXIT_VALID
