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


@pytest.mark.parametrize(
    ("options", "env", "message"),
    [
        ((), {"OPENAI_WEBHOOK_SECRET": SECRET}, "the following arguments are required: --id, --timestamp, --signature"),
        ("default", {}, "no webhook secret: the environment variable OPENAI_WEBHOOK_SECRET is unset or empty"),
        ("default", {"OPENAI_WEBHOOK_SECRET": "  "}, "OPENAI_WEBHOOK_SECRET is unset or empty"),
        ("default", {"OPENAI_WEBHOOK_SECRET": "whsec_not*base64"}, "OPENAI_WEBHOOK_SECRET: the webhook secret is not"),
        (("--tolerance", "-1"), {"OPENAI_WEBHOOK_SECRET": SECRET}, "--tolerance: must be 0 or more"),
    ],
)
def test_usage_errors_exit_2(options: tuple[str, ...] | str, env: dict[str, str], message: str) -> None:
    given = headers() if options == "default" else [*headers(), *options] if options else []
    result = verify(*given, env=env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "whsec_not*base64" not in result.stderr
