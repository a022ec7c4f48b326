"""``python -m openai_realtime_client webhooks verify``, run in this process (tests/support/cli.py): the
body from stdin as bytes, the secret from the environment; exit 0 valid, 1 refused with one line
naming the cause, 2 usage; the secret and the signature never printed."""

import base64
import subprocess
import time
from pathlib import Path

import pytest
from openai_realtime_client import webhooks

from tests.support.cli import run_cli
from tools import paths

KEY = b"cli webhook key, not base64 text"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
BODY = b'{"type": "realtime.call.incoming", "note": "caf\xc3\xa9 \xff bytes"}\n'  # not UTF-8 throughout


def verify(*options: str, body: bytes = BODY, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    variables = env if env is not None else {"OPENAI_WEBHOOK_SECRET": SECRET}
    return run_cli("webhooks", "verify", *options, cwd=Path.cwd(), key=None, stdin=body, env=variables)


def headers(msg_id: str = "wh_cli_1", timestamp: int | None = None) -> list[str]:
    """The header options of BODY signed with SECRET."""
    stamp = int(time.time()) if timestamp is None else timestamp
    signature = webhooks.sign(BODY, SECRET, msg_id, stamp)
    return ["--id", msg_id, "--timestamp", str(stamp), "--signature", signature]


def assert_nothing_secret(result: subprocess.CompletedProcess[str], signature: str) -> None:
    shown = result.stdout + result.stderr
    assert SECRET not in shown and SECRET[6:] not in shown
    assert signature.split(",", 1)[1] not in shown


def test_a_genuine_delivery_is_valid() -> None:
    options = headers()
    result = verify(*options)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"valid: webhook-id wh_cli_1, timestamp {options[3]}, {len(BODY)} bytes of body\n"
    assert result.stderr == ""
    assert_nothing_secret(result, options[5])


def test_the_secret_may_come_from_another_variable() -> None:
    options = headers()
    result = verify(*options, "--secret-env", "RECEIVER_SECRET", env={"RECEIVER_SECRET": SECRET})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("change", "cause"),
    [
        ("body", "NoMatchingSignatureError"),
        ("id", "NoMatchingSignatureError"),
        ("timestamp", "NoMatchingSignatureError"),
        ("signature", "NoMatchingSignatureError"),
        ("secret", "NoMatchingSignatureError"),
        ("stale", "TimestampTooOldError"),
        ("future", "TimestampInFutureError"),
        ("malformed", "MalformedHeaderError"),
    ],
)
def test_a_tampered_or_stale_delivery_is_refused_in_one_line(change: str, cause: str) -> None:
    now = int(time.time())
    stamp = {"stale": now - 400, "future": now + 400}.get(change, now)
    options = headers(timestamp=stamp)
    signature = options[5]
    body = BODY + b" " if change == "body" else BODY
    if change == "id":
        options[1] = "wh_cli_2"
    if change == "timestamp":
        options[3] = str(now - 1)
    if change == "signature":
        options[5] = signature[:-6] + ("AAAA==" if not signature.endswith("AAAA==") else "BBBB==")
    if change == "malformed":
        options[5] = "v1" + signature.split(",", 1)[1]
    other_secret = "whsec_" + base64.b64encode(b"another key").decode()
    env = {"OPENAI_WEBHOOK_SECRET": other_secret} if change == "secret" else None
    result = verify(*options, body=body, env=env)
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"python -m {paths.PACKAGE_NAME} webhooks verify: refused: {cause}: ")
    assert_nothing_secret(result, signature)


def test_the_tolerance_can_be_widened() -> None:
    options = headers(timestamp=int(time.time()) - 400)
    assert verify(*options).returncode == 1
    assert verify(*options, "--tolerance", "600").returncode == 0


PROG = f"python -m {paths.PACKAGE_NAME} webhooks verify"
SEE_HELP = f" (see {PROG} --help)"


@pytest.mark.parametrize(
    ("options", "env", "line"),
    [
        (
            (),
            {"OPENAI_WEBHOOK_SECRET": SECRET},
            "error: the following arguments are required: --id, --timestamp, --signature" + SEE_HELP,
        ),
        ("default", {}, "error: no webhook secret: the environment variable OPENAI_WEBHOOK_SECRET is unset or empty"),
        (
            "default",
            {"OPENAI_WEBHOOK_SECRET": "  "},
            "error: no webhook secret: the environment variable OPENAI_WEBHOOK_SECRET is unset or empty",
        ),
        (
            ("--secret-env", "RECEIVER_SECRET"),
            {"OPENAI_WEBHOOK_SECRET": SECRET},
            "error: no webhook secret: the environment variable RECEIVER_SECRET is unset or empty",
        ),
        (
            "default",
            {"OPENAI_WEBHOOK_SECRET": "whsec_not*base64"},
            "error: OPENAI_WEBHOOK_SECRET: the webhook secret is not base64 after the optional whsec_ prefix "
            "(pass bytes to use a raw key)",
        ),
        (
            ("--tolerance", "-1"),
            {"OPENAI_WEBHOOK_SECRET": SECRET},
            "error: argument --tolerance: must be 0 or more, got '-1'" + SEE_HELP,
        ),
        (
            ("--tolerance", "1.5"),
            {"OPENAI_WEBHOOK_SECRET": SECRET},
            "error: argument --tolerance: not a whole number of seconds: '1.5'" + SEE_HELP,
        ),
        (
            ("--tol", "600"),
            {"OPENAI_WEBHOOK_SECRET": SECRET},
            "error: unrecognized arguments: --tol 600; did you mean --tolerance?" + SEE_HELP,
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(options: tuple[str, ...] | str, env: dict[str, str], line: str) -> None:
    given = headers() if options == "default" else [*headers(), *options] if options else []
    result = verify(*given, env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"{PROG}: {line}\n"


def test_a_tolerance_of_0_is_allowed() -> None:
    result = verify(*headers(timestamp=int(time.time()) - 400), "--tolerance", "0")
    assert result.returncode == 1
    assert result.stderr.startswith(f"{PROG}: refused: TimestampTooOldError: ")


def test_an_id_with_line_breaks_is_shown_on_one_line() -> None:
    options = headers(msg_id="wh 1\n\tnext")
    result = verify(*options)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"valid: webhook-id wh 1 next, timestamp {options[3]}, {len(BODY)} bytes of body\n"


def test_the_webhooks_group_needs_its_action_and_takes_no_abbreviations() -> None:
    for argv in (["webhooks"], ["webhooks", "--hel"]):
        result = run_cli(*argv, cwd=Path.cwd(), key=None)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr == (
            f"python -m {paths.PACKAGE_NAME} webhooks: error: the following arguments are required: ACTION "
            f"(see python -m {paths.PACKAGE_NAME} webhooks --help)\n"
        )


def test_the_help_of_webhooks_verify() -> None:
    result = run_cli("webhooks", "verify", "--help", cwd=Path.cwd(), key=None, env={"COLUMNS": "80"})
    group = run_cli("webhooks", "--help", cwd=Path.cwd(), key=None, env={"COLUMNS": "80"})

    assert result.returncode == 0 and result.stderr == ""
    # At 80 columns a line ends before HMAC-SHA256: the command line never breaks inside a hyphenated word.
    assert (
        result.stdout
        == f"""usage: {PROG} [-h] --id ID
{" " * len(PROG)}        --timestamp SECONDS
{" " * len(PROG)}        --signature SIGNATURES
{" " * len(PROG)}        [--secret-env NAME]
{" " * len(PROG)}        [--tolerance SECONDS]

Check a webhook delivery's signature (the body on stdin). Give the three
webhook-* headers of the delivery as options and its body, byte for byte, on
stdin. The signature is checked as webhooks.verify_signature checks it:
HMAC-SHA256 over id.timestamp.body with the secret, then the timestamp against
this machine's clock. The secret is read from an environment variable, never
from an option. Exit status: 0 valid, 1 refused (one line saying why), 2 a
usage error.

options:
  -h, --help            show this help message and exit
  --id ID               the webhook-id header
  --timestamp SECONDS   the webhook-timestamp header
  --signature SIGNATURES
                        the webhook-signature header (v1,<base64> ...)
  --secret-env NAME     the environment variable holding the secret, whsec_...
                        (default: OPENAI_WEBHOOK_SECRET)
  --tolerance SECONDS   how far the timestamp may be from now, either way
                        (default: 300)
"""
    )
    assert group.returncode == 0
    assert (
        group.stdout
        == f"""usage: python -m {paths.PACKAGE_NAME} webhooks [-h] ACTION ...

positional arguments:
  ACTION
    verify    Check a webhook delivery's signature (the body on stdin).

options:
  -h, --help  show this help message and exit
"""
    )
