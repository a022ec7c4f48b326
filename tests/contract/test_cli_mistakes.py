"""The command line's answer to a user's mistakes: one line each, saying what to do (Ctrl-C: test_cli_process.py)."""

import json
from pathlib import Path

import pytest

from tests.contract.test_cli import PACKAGE, one_line
from tests.support.cli import run_cli
from tests.support.payloads import TEST_API_KEY
from tools.servers.mock_server import MockServer

PROG = f"python -m {PACKAGE} sessions create"


def test_options_taking_json_accept_plain_text_where_a_string_belongs(mock_server: MockServer, tmp_path: Path) -> None:
    result = run_cli(
        "sessions",
        "create",
        "--max-response-output-tokens",
        "inf",
        "--tracing",
        "auto",
        "--base-url",
        mock_server.url,
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert mock_server.received[0].json() == {"max_response_output_tokens": "inf", "tracing": "auto"}


def test_json_still_works_in_those_options_and_broken_json_is_still_refused(
    mock_server: MockServer, tmp_path: Path
) -> None:
    sent = run_cli(
        "sessions", "create", "--max-response-output-tokens", "100", "--base-url", mock_server.url, cwd=tmp_path
    )
    broken = run_cli(
        "sessions", "create", "--tracing", '{"workflow_name": ', "--base-url", mock_server.url, cwd=tmp_path
    )

    assert sent.returncode == 0, sent.stderr
    assert mock_server.received[0].json() == {"max_response_output_tokens": 100}
    assert broken.returncode == 2
    assert "argument --tracing: not valid JSON" in one_line(broken.stderr)


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (
            ("--turn-detection", '{"type": "server_vad", "thresh": 0.5}'),
            None,
            "unknown field 'turn_detection.thresh': did you mean 'turn_detection.threshold'?",
        ),
        (("--json", "-"), '{"temprature": 0.9}', "unknown field 'temprature': did you mean 'temperature'?"),
        (
            ("--tools", '[{"type": "function", "nmae": "lookup"}]'),
            None,
            "unknown field 'tools[0].nmae': did you mean 'tools[0].name'?",
        ),
    ],
)
def test_a_misspelled_field_is_refused_naming_the_nearest_known_one(
    arguments: tuple[str, ...], stdin: str | None, message: str, mock_server: MockServer, tmp_path: Path
) -> None:
    result = run_cli("sessions", "create", *arguments, "--base-url", mock_server.url, cwd=tmp_path, stdin=stdin)

    assert result.returncode == 2
    assert one_line(result.stderr) == f"{PROG}: error: {message}"
    assert mock_server.received == []


def test_a_field_unlike_any_known_one_is_sent_with_a_warning(mock_server: MockServer, tmp_path: Path) -> None:
    body = {"instructions": "hi", "brand_new_setting": True}

    result = run_cli(
        "sessions", "create", "--json", "-", "--base-url", mock_server.url, cwd=tmp_path, stdin=json.dumps(body)
    )

    assert result.returncode == 0, result.stderr
    assert one_line(result.stderr) == (
        f"{PROG}: warning: 'brand_new_setting' is not in the API description; sent as given"
    )
    assert mock_server.received[0].json() == body


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--temperature", "warm"), "argument --temperature: not a number: 'warm'"),
        (("--temp", "1.0"), "unrecognized arguments: --temp 1.0; did you mean --temperature?"),
        (("--sped", "1.0"), "unrecognized arguments: --sped 1.0; did you mean --speed?"),
        (("--input-audio-format", "mp3"), "argument --input-audio-format: invalid choice: 'mp3'"),
    ],
)
def test_an_argument_error_is_one_line_with_a_hint_not_the_usage_block(
    arguments: tuple[str, ...], message: str, mock_server: MockServer, tmp_path: Path
) -> None:
    result = run_cli("sessions", "create", *arguments, "--base-url", mock_server.url, cwd=tmp_path)

    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith(f"{PROG}: error: {message}")
    assert line.endswith(f"(see {PROG} --help)")
    assert mock_server.received == []


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("ftp://127.0.0.1/v1", "--base-url must use http:// or https://, got ftp:// in 'ftp://127.0.0.1/v1'"),
        ("127.0.0.1:8000", "--base-url has no scheme (http:// or https://): '127.0.0.1:8000'"),
    ],
)
def test_a_base_url_the_client_cannot_use_is_a_usage_error(base_url: str, message: str, tmp_path: Path) -> None:
    result = run_cli("sessions", "create", "--base-url", base_url, cwd=tmp_path)

    assert result.returncode == 2
    assert one_line(result.stderr) == f"{PROG}: error: {message}"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        (TEST_API_KEY + "\n", "ends with a line break"),
        (TEST_API_KEY[:10] + "\u2013" + TEST_API_KEY[11:], "has a non-ASCII character at position 11"),
        (TEST_API_KEY[:10] + "\t" + TEST_API_KEY[11:], "has a control character (U+0009) at position 11"),
    ],
    ids=["newline", "non-ascii", "tab"],
)
def test_a_key_that_cannot_be_sent_is_one_line_naming_the_problem_not_the_key(
    key: str, problem: str, mock_server: MockServer, tmp_path: Path
) -> None:
    result = run_cli("sessions", "create", "--base-url", mock_server.url, cwd=tmp_path, key=key)

    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith(f"{PROG}: error: OPENAI_API_KEY {problem}")
    assert TEST_API_KEY[:8] not in line and TEST_API_KEY[-8:] not in line
    assert mock_server.received == []
