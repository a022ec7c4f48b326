"""``make demo`` (examples/demo.py) and the token-server example print nothing of the API key, whatever
the server answers, and refuse a key that cannot be sent in one line that does not show it."""

import json

import pytest

from examples import demo
from tests.examples.test_token_server import _environment_without_api_settings, _start_example
from tests.support.fault_server import Action, FaultServer, reply
from tests.support.payloads import TEST_API_KEY, client_secret

PIECE = TEST_API_KEY[5:30]


def _pieces_shown(text: str) -> list[str]:
    return [TEST_API_KEY[i : i + 8] for i in range(len(TEST_API_KEY) - 7) if TEST_API_KEY[i : i + 8] in text]


@pytest.mark.parametrize(
    ("answer", "exit_status"),
    [
        (reply(401, json.dumps({"error": {"message": f"Incorrect API key provided: {PIECE}"}}).encode()), 1),
        (
            reply(
                200,
                json.dumps(client_secret("ek_1234567890abcdef", instructions=PIECE)).encode(),
                {"x-request-id": PIECE},
            ),
            0,
        ),
    ],
    ids=["401-quoting-the-key", "200-echoing-the-key"],
)
def test_the_demo_prints_no_piece_of_the_key(
    answer: Action, exit_status: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FaultServer(answer) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", TEST_API_KEY)
        status = demo.main()
    printed = capsys.readouterr()

    assert status == exit_status, printed.err
    assert "<redacted>" in printed.out + printed.err
    assert _pieces_shown(printed.out + printed.err) == []
    assert "ek_1234567890abcdef" not in printed.out + printed.err  # the minted secret is masked too


def test_the_demo_refuses_a_key_with_a_newline_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", TEST_API_KEY + "\n")

    assert demo.main() == 2
    printed = capsys.readouterr()
    assert printed.err == (
        "demo: InvalidAPIKeyError: OPENAI_API_KEY ends with a line break: strip it (a key read from a file keeps "
        "the file's newline)\n"
    )


def test_the_token_server_refuses_a_key_it_cannot_send_at_start_without_showing_it() -> None:
    env = {
        **_environment_without_api_settings(),
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "OPENAI_API_KEY": TEST_API_KEY + "\n",
    }
    process = _start_example(env)
    out, err = process.communicate(timeout=30)

    assert process.returncode == 2
    assert out == ""
    assert err.strip() == (
        "token_server: OPENAI_API_KEY ends with a line break: strip it (a key read from a file keeps the file's "
        "newline)"
    )
