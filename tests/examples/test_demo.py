"""``make demo``: against its own mock by default, against OPENAI_BASE_URL when that is set, and
what it prints shows what it asked for."""

import json
import os
import subprocess

from tests.support.payloads import TEST_API_KEY
from tools import paths
from tools.servers.mock_server import PLACEHOLDER_KEY, MockServer


def _make_demo(**settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "BASE_URL")}
    return subprocess.run(
        ["make", "--no-print-directory", "demo"],
        cwd=paths.REPO, env={**env, **settings}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _session(stdout: str) -> dict[str, object]:
    printed: dict[str, object] = json.loads(stdout[stdout.index("\n{") :])
    return printed


def test_make_demo_mints_at_its_own_mock_and_shows_what_it_asked_for() -> None:
    result = _make_demo()

    assert result.returncode == 0, result.stderr
    assert "==> minting a session at http://127.0.0.1:" in result.stdout
    session = _session(result.stdout)
    assert (session["model"], session["voice"], session["instructions"]) == ("gpt-realtime", "alloy", "Be brief.")
    assert PLACEHOLDER_KEY not in result.stdout + result.stderr
    secret = session["client_secret"]
    assert isinstance(secret, dict) and secret["value"].startswith("ek_...")


def test_make_demo_mints_where_openai_base_url_points_with_openai_api_key(mock_server: MockServer) -> None:
    result = _make_demo(OPENAI_BASE_URL=mock_server.url, OPENAI_API_KEY=TEST_API_KEY)

    assert result.returncode == 0, result.stderr
    assert f"==> minting a session at {mock_server.url}" in result.stdout
    assert [r.header("Authorization") for r in mock_server.received] == [f"Bearer {TEST_API_KEY}"]
    assert TEST_API_KEY not in result.stdout + result.stderr
