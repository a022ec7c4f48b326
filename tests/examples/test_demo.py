"""``make demo``: against its own mock by default, against OPENAI_BASE_URL when that is set, through
the GA ``POST /realtime/client_secrets`` (never the retired beta ``/realtime/sessions``), and what it
prints shows what it asked for with the minted secret masked."""

import json
import os
import re
import subprocess
from typing import Any

from tests.support.payloads import TEST_API_KEY
from tools import paths
from tools.servers.mock_server import PLACEHOLDER_KEY, MockServer


def _make_demo(**settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "BASE_URL")}
    return subprocess.run(
        ["make", "--no-print-directory", "demo"],
        cwd=paths.REPO, env={**env, **settings}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


# What the demo configures, as it must reach the API: a Realtime session in the GA request shape.
ASKED = {
    "session": {
        "type": "realtime",
        "model": "gpt-realtime",
        "instructions": "Be brief.",
        "audio": {"output": {"voice": "alloy"}},
    }
}
# A client secret shown whole: its prefix and more than the four characters the mask keeps.
WHOLE_SECRET = re.compile(r"ek_\w{5,}")


def _minted(stdout: str) -> dict[str, Any]:
    printed: dict[str, Any] = json.loads(stdout[stdout.index("\n{") :])
    return printed


def test_make_demo_mints_at_its_own_mock_and_shows_what_it_asked_for() -> None:
    result = _make_demo()

    assert result.returncode == 0, result.stderr
    assert "==> minting a client secret at http://127.0.0.1:" in result.stdout
    minted = _minted(result.stdout)
    assert re.fullmatch(r"ek_\.\.\.\w{4}", minted["value"]), minted["value"]
    assert isinstance(minted["expires_at"], int)
    session = minted["session"]
    assert (session["type"], session["model"], session["instructions"]) == ("realtime", "gpt-realtime", "Be brief.")
    assert session["audio"]["output"]["voice"] == "alloy"
    assert WHOLE_SECRET.search(result.stdout + result.stderr) is None
    assert PLACEHOLDER_KEY not in result.stdout + result.stderr


def test_make_demo_mints_where_openai_base_url_points_with_openai_api_key(mock_server: MockServer) -> None:
    result = _make_demo(OPENAI_BASE_URL=mock_server.url, OPENAI_API_KEY=TEST_API_KEY)

    assert result.returncode == 0, result.stderr
    assert f"==> minting a client secret at {mock_server.url}" in result.stdout
    # One request, to the GA operation, with what the demo configured; nothing went to the beta one.
    [request] = mock_server.received
    assert (request.method, request.path, request.problems) == ("POST", "/v1/realtime/client_secrets", ())
    assert request.json() == ASKED
    assert request.header("Authorization") == f"Bearer {TEST_API_KEY}"
    assert "DeprecationWarning" not in result.stderr
    assert WHOLE_SECRET.search(result.stdout + result.stderr) is None
    assert TEST_API_KEY not in result.stdout + result.stderr
