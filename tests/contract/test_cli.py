"""The generated command line (``python -m openai_realtime_client``), run in this process
(tests/support/cli.py) against the spec-driven mock: what each command sends, what it prints, its
exit codes, and that the API key never shows."""

import ast
import json
import os
import pkgutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import openai_realtime_client.api.realtime as realtime_operations
import pytest
from openai_realtime_client import RealtimeApi

from tests.support.cli import run_cli
from tests.support.payloads import TEST_API_KEY, session, vendor_error
from tests.support.ports import closed_port
from tools import openapi_document, paths
from tools.servers.mock_server import MockServer, ScriptedResponse

PACKAGE = paths.PACKAGE_NAME


def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def operation_modules() -> list[ModuleType]:
    return [
        __import__(f"{realtime_operations.__name__}.{info.name}", fromlist=["PATH"])
        for info in pkgutil.iter_modules(realtime_operations.__path__)
    ]


def command_of(module: ModuleType) -> str:
    """What the feature promises: the path's words after its first (the API's area) with - for _,
    then `create` for POST, or the segment after a path parameter (`calls accept CALL_ID`)."""
    method, path = str(module.METHOD), str(module.PATH)
    assert method == "POST"
    words = [word.replace("_", "-") for word in path.strip("/").split("/")[1:]]
    parameters = [i for i, word in enumerate(words) if word.startswith("{")]
    if parameters:
        return " ".join(words[: parameters[0]] + words[-1:])
    return " ".join([*words, "create"])


def example_answer(path: str) -> dict[str, Any]:
    """The 200 example the mock answers with for an operation."""
    operation = openapi_document.load(paths.SPEC)["paths"][path]["post"]
    example: dict[str, Any] = operation["responses"]["200"]["content"]["application/json"]["example"]
    return example


@dataclass(frozen=True)
class Case:
    """A command with an option for each of its fields, the body those options mean, where the
    example answer keeps its secret, and a bound the command must refuse."""

    command: str
    path: str
    options: tuple[tuple[str, str], ...]
    body: Mapping[str, Any]
    secret: tuple[str, ...]
    violation: tuple[str, ...]
    violation_message: str
    # The options a request needs at least (its required fields), and the body they mean.
    minimal: tuple[str, ...] = ()
    minimal_body: Mapping[str, Any] = field(default_factory=dict)

    @property
    def argv(self) -> list[str]:
        return [word for pair in self.options for word in pair]


CASES = (
    Case(
        command="sessions create",
        path="/realtime/sessions",
        options=(
            ("--model", "gpt-realtime"),
            ("--voice", "nova-2031"),  # an open enum: a voice the description does not list yet
            ("--temperature", "0.9"),
            ("--speed", "1.25"),
            ("--instructions", "Keep answers short; 100% polite."),
            ("--input-audio-format", "g711_ulaw"),
            ("--output-audio-format", "pcm16"),
            ("--modalities", '["text"]'),
            ("--input-audio-transcription", '{"model": "whisper-1", "language": "de"}'),
            ("--turn-detection", '{"type": "semantic_vad", "eagerness": "low"}'),
            ("--input-audio-noise-reduction", '{"type": "far_field"}'),
            ("--max-response-output-tokens", '"inf"'),
            ("--tool-choice", "none"),
            ("--tracing", '"auto"'),
            ("--tools", '[{"type": "function", "name": "lookup", "parameters": {"type": "object"}}]'),
            ("--client-secret", '{"expires_after": {"anchor": "created_at", "seconds": 120}}'),
        ),
        body={
            "model": "gpt-realtime",
            "voice": "nova-2031",
            "temperature": 0.9,
            "speed": 1.25,
            "instructions": "Keep answers short; 100% polite.",
            "input_audio_format": "g711_ulaw",
            "output_audio_format": "pcm16",
            "modalities": ["text"],
            "input_audio_transcription": {"model": "whisper-1", "language": "de"},
            "turn_detection": {"type": "semantic_vad", "eagerness": "low"},
            "input_audio_noise_reduction": {"type": "far_field"},
            "max_response_output_tokens": "inf",
            "tool_choice": "none",
            "tracing": "auto",
            "tools": [{"type": "function", "name": "lookup", "parameters": {"type": "object"}}],
            "client_secret": {"expires_after": {"anchor": "created_at", "seconds": 120}},
        },
        secret=("client_secret", "value"),
        violation=("--temperature", "2.5"),
        violation_message="temperature=2.5 is above the maximum 1.2",
    ),
    Case(
        command="transcription-sessions create",
        path="/realtime/transcription_sessions",
        options=(
            ("--input-audio-format", "g711_alaw"),
            ("--input-audio-transcription", '{"model": "gpt-4o-transcribe", "language": "en"}'),
            ("--turn-detection", '{"type": "server_vad", "threshold": 0.4}'),
            ("--input-audio-noise-reduction", '{"type": "near_field"}'),
            ("--include", '["item.input_audio_transcription.logprobs"]'),
        ),
        body={
            "input_audio_format": "g711_alaw",
            "input_audio_transcription": {"model": "gpt-4o-transcribe", "language": "en"},
            "turn_detection": {"type": "server_vad", "threshold": 0.4},
            "input_audio_noise_reduction": {"type": "near_field"},
            "include": ["item.input_audio_transcription.logprobs"],
        },
        secret=("client_secret", "value"),
        violation=("--turn-detection", '{"threshold": 1.5}'),
        violation_message="turn_detection.threshold=1.5 is above the maximum 1.0",
    ),
    Case(
        command="client-secrets create",
        path="/realtime/client_secrets",
        options=(
            ("--expires-after", '{"anchor": "created_at", "seconds": 600}'),
            ("--session", '{"type": "transcription", "audio": {"input": {"format": {"type": "audio/pcmu"}}}}'),
        ),
        body={
            "expires_after": {"anchor": "created_at", "seconds": 600},
            "session": {"type": "transcription", "audio": {"input": {"format": {"type": "audio/pcmu"}}}},
        },
        secret=("value",),
        violation=("--expires-after", '{"seconds": 5}'),
        violation_message="expires_after.seconds=5 is below the minimum 10",
    ),
    Case(
        command="translations client-secrets create",
        path="/realtime/translations/client_secrets",
        options=(
            ("--expires-after", '{"seconds": 900}'),
            ("--session", '{"model": "gpt-realtime-translate", "audio": {"output": {"language": "fr"}}}'),
        ),
        body={
            "expires_after": {"seconds": 900},
            "session": {"model": "gpt-realtime-translate", "audio": {"output": {"language": "fr"}}},
        },
        secret=("value",),
        violation=("--expires-after", '{"seconds": 7201}'),
        violation_message="expires_after.seconds=7201 is above the maximum 7200",
        minimal=("--session", '{"model": "gpt-realtime-translate"}'),
        minimal_body={"session": {"model": "gpt-realtime-translate"}},
    ),
)
BY_COMMAND = {case.command: case for case in CASES}
CALL_COMMANDS = {"calls create", "calls accept", "calls hangup", "calls refer", "calls reject"}


def _ids(case: Case) -> str:
    return case.command.replace(" ", "-")


# --- which commands there are ---------------------------------------------------------------


def test_every_operation_is_a_command_and_the_top_level_help_lists_them(tmp_path: Path) -> None:
    expected = {command_of(module) for module in operation_modules()}
    # One command per operation of RealtimeApi; a case in this file for each that answers JSON, and
    # tests of their own (below) for the calls commands.
    operations = [name for name in vars(RealtimeApi) if not name.startswith("_") and "_with_" not in name]
    assert len(expected) == len(operations) == 9
    assert set(BY_COMMAND) | CALL_COMMANDS == expected

    result = run_cli("--help", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: python -m {PACKAGE} [-h] COMMAND ACTION [options]")
    listed = {
        " ".join(line.split()[: len(command.split())])
        for line in result.stdout.splitlines()
        for command in expected
        if line.startswith("  " + command + " ")
    }
    assert listed == expected
    assert "OPENAI_API_KEY" in result.stdout


def test_no_command_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)

    assert result.returncode == 2
    assert "required: COMMAND ACTION" in result.stderr


# --- what each command sends and prints -----------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_the_body_sent_is_what_the_options_say_and_the_answer_is_printed_as_json(
    case: Case, mock_server: MockServer, tmp_path: Path
) -> None:
    # The example itself, not the mock's echo of the request, so the answer printed is known exactly.
    mock_server.script(ScriptedResponse(body=example_answer(case.path)))
    result = run_cli(*case.command.split(), *case.argv, "--base-url", mock_server.url, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (received,) = mock_server.received
    assert received.problems == ()
    assert received.method == "POST"
    assert received.path == "/v1" + case.path
    assert received.header("Authorization") == f"Bearer {TEST_API_KEY}"
    assert received.json() == case.body
    # The whole answer, indented, exactly as the mock sent it.
    assert result.stdout.startswith("{\n  ")
    assert json.loads(result.stdout) == example_answer(case.path)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_no_options_send_an_empty_object(case: Case, mock_server: MockServer, tmp_path: Path) -> None:
    # Beyond the required fields, if any: without them the request is refused (a test below).
    result = run_cli(*case.command.split(), *case.minimal, "--base-url", mock_server.url, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    (received,) = mock_server.received
    assert received.json() == case.minimal_body


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_secret_prints_only_the_client_secret(case: Case, mock_server: MockServer, tmp_path: Path) -> None:
    expected: Any = example_answer(case.path)
    for name in case.secret:
        expected = expected[name]

    result = run_cli(*case.command.split(), *case.minimal, "--secret", "--base-url", mock_server.url, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert expected.startswith("ek_")
    assert result.stdout == expected + "\n"


def test_json_file_gives_the_request_and_options_replace_its_fields(mock_server: MockServer, tmp_path: Path) -> None:
    request = {"model": "gpt-realtime", "voice": "alloy", "temperature": 0.7, "instructions": "from the file"}
    (tmp_path / "request.json").write_text(json.dumps(request), encoding="utf-8")

    result = run_cli(
        "sessions", "create", "--json", "request.json", "--temperature", "1.1", "--voice", "verse",
        "--base-url", mock_server.url, cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert mock_server.received[0].json() == {**request, "temperature": 1.1, "voice": "verse"}


def test_json_from_stdin(mock_server: MockServer, tmp_path: Path) -> None:
    request = {
        "expires_after": {"seconds": 120},
        "session": {
            "type": "realtime",
            "model": "gpt-realtime",
            "instructions": "Grüß Gott",
            "audio": {"output": {"voice": "marin", "speed": 1.2}},
        },
    }

    result = run_cli(
        "client-secrets", "create", "--json", "-", "--secret", "--base-url", mock_server.url,
        cwd=tmp_path, stdin=json.dumps(request),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout == example_answer("/realtime/client_secrets")["value"] + "\n"
    (received,) = mock_server.received
    assert received.problems == ()
    assert received.json() == request


def test_max_retries_and_base_url_reach_the_client(mock_server: MockServer, tmp_path: Path) -> None:
    mock_server.script(ScriptedResponse(500, vendor_error("blip", "server_error"), headers={"retry-after-ms": "0"}))

    result = run_cli("sessions", "create", "--max-retries", "1", "--base-url", mock_server.url, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert len(mock_server.received) == 2


# --- exit 1: the API or the connection failed -------------------------------------------------


@pytest.mark.parametrize(("status", "error_class"), [(429, "RateLimitError"), (500, "InternalServerError")])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_an_error_status_is_exit_1_with_one_line_naming_class_status_and_request_id(
    case: Case, status: int, error_class: str, mock_server: MockServer, tmp_path: Path
) -> None:
    body = vendor_error("Slow down,\nplease.", "x")
    mock_server.script(ScriptedResponse(status, body, headers={"x-request-id": f"req_cli_{status}"}))

    result = run_cli(
        *case.command.split(), *case.minimal, "--max-retries", "0", "--base-url", mock_server.url, cwd=tmp_path
    )

    assert result.returncode == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line == (
        f"python -m {PACKAGE} {case.command}: error: {error_class}: HTTP {status}: Slow down, please. "
        f"(request id req_cli_{status})"
    )
    assert len(mock_server.received) == 1  # --max-retries 0: no second attempt


def test_an_error_without_a_request_id_says_so(mock_server: MockServer, tmp_path: Path) -> None:
    mock_server.script(ScriptedResponse(503, b"<html>down</html>", headers={"x-request-id": ""}))

    result = run_cli("sessions", "create", "--max-retries", "0", "--base-url", mock_server.url, cwd=tmp_path)

    assert result.returncode == 1
    assert one_line(result.stderr).endswith("error: InternalServerError: HTTP 503 (no request id)")


def test_a_refused_connection_is_exit_1_with_one_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"

    result = run_cli("sessions", "create", "--max-retries", "0", "--base-url", url, cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert "error: APIConnectionError: POST " in line
    assert (
        f"failed before a response arrived: connection refused by 127.0.0.1:{url.split(':')[2].split('/')[0]}" in line
    )


def test_a_timeout_is_exit_1(mock_server: MockServer, tmp_path: Path) -> None:
    mock_server.script(ScriptedResponse(delay=2.0))

    result = run_cli(
        "sessions", "create", "--timeout", "0.3", "--max-retries", "0", "--base-url", mock_server.url, cwd=tmp_path
    )

    assert result.returncode == 1
    assert "error: APITimeoutError: POST " in one_line(result.stderr)


def test_a_server_that_echoes_the_key_does_not_get_it_printed(mock_server: MockServer, tmp_path: Path) -> None:
    message = f"Incorrect API key provided: {TEST_API_KEY}."
    mock_server.script(
        ScriptedResponse(401, vendor_error(message, "invalid_request_error"), headers={"x-request-id": "req_echo"}),
        ScriptedResponse(200, session("ek_1", instructions=TEST_API_KEY)),
    )

    failed = run_cli("sessions", "create", "--base-url", mock_server.url, cwd=tmp_path)
    echoed = run_cli("sessions", "create", "--base-url", mock_server.url, cwd=tmp_path)

    # run_cli has checked that the key appears nowhere in either output.
    assert failed.returncode == 1
    assert one_line(failed.stderr).endswith(
        "AuthenticationError: HTTP 401: Incorrect API key provided: <redacted>. (request id req_echo)"
    )
    assert echoed.returncode == 0
    assert json.loads(echoed.stdout)["instructions"] == "<redacted>"


# --- exit 2: usage and validation errors; nothing is sent -------------------------------------


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_a_bound_violation_is_exit_2_naming_the_field(case: Case, mock_server: MockServer, tmp_path: Path) -> None:
    result = run_cli(*case.command.split(), *case.minimal, *case.violation, "--base-url", mock_server.url, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert one_line(result.stderr) == (
        f"python -m {PACKAGE} {case.command}: error: RequestValidationError: {case.violation_message}"
    )
    assert mock_server.received == []


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (("--turn-detection", "{bad"), None, "argument --turn-detection: not valid JSON: Expecting property name"),
        (("--max-response-output-tokens", "NaN"), None, "max_response_output_tokens='NaN' is not 'inf'"),
        (("--turn-detection", "NaN"), None, "argument --turn-detection: not valid JSON: NaN is not JSON"),
        (("--temperature", "warm"), None, "argument --temperature: not a number: 'warm'"),
        (("--temperature", "inf"), None, "argument --temperature: not a finite number: 'inf'"),
        (("--input-audio-format", "mp3"), None, "argument --input-audio-format: invalid choice: 'mp3'"),
        (("--timeout", "0"), None, "argument --timeout: must be more than 0 seconds"),
        (("--max-retries", "-1"), None, "argument --max-retries: must be 0 or more"),
        (("--json", "-"), '{"model": ', "error: --json - (stdin): not valid JSON: Expecting value"),
        (("--json", "-"), "[1, 2]", "error: --json - (stdin): expected a JSON object, got list"),
        (("--json", "missing.json"), None, "error: --json missing.json: cannot read it: No such file or directory"),
        (
            ("--json", "-"),
            '{"speed": "fast"}',
            "error: RequestValidationError: speed='fast' is a string where a number belongs",
        ),
        (("--bogus", "1"), None, "sessions create: error: unrecognized arguments: --bogus 1"),
        (("--temp", "1.0"), None, "error: unrecognized arguments: --temp 1.0"),  # no abbreviations
    ],
)
def test_usage_and_validation_errors_are_exit_2(
    arguments: tuple[str, ...], stdin: str | None, message: str, mock_server: MockServer, tmp_path: Path
) -> None:
    result = run_cli("sessions", "create", *arguments, "--base-url", mock_server.url, cwd=tmp_path, stdin=stdin)

    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr.splitlines()[-1]
    assert mock_server.received == []


@pytest.mark.parametrize("option", ["--api-key", "--api-key=sk-typed-on-the-command-line-0123456789", "--api_key"])
def test_there_is_no_option_for_the_key_and_a_typed_key_is_not_echoed(
    option: str, mock_server: MockServer, tmp_path: Path
) -> None:
    typed = "sk-typed-on-the-command-line-0123456789"
    arguments = [option] if "=" in option else [option, typed]

    result = run_cli("sessions", "create", *arguments, "--base-url", mock_server.url, cwd=tmp_path)

    assert result.returncode == 2
    assert typed not in result.stdout + result.stderr
    assert "there is no --api-key option" in one_line(result.stderr)
    assert "OPENAI_API_KEY" in result.stderr
    assert mock_server.received == []


@pytest.mark.parametrize("key", [None, ""], ids=["unset", "empty"])
def test_a_missing_key_is_exit_2_with_a_clear_message(key: str | None, mock_server: MockServer, tmp_path: Path) -> None:
    result = run_cli(
        "sessions", "create", "--model", "gpt-realtime", "--base-url", mock_server.url, cwd=tmp_path, key=key
    )

    assert result.returncode == 2
    assert one_line(result.stderr) == (
        f"python -m {PACKAGE} sessions create: error: no API key: set the OPENAI_API_KEY environment variable "
        "(no option takes the key)"
    )
    assert mock_server.received == []


# --- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_each_command_help_lists_an_option_per_top_level_field(case: Case, tmp_path: Path) -> None:
    module = next(m for m in operation_modules() if case.path == m.PATH)

    result = run_cli(*case.command.split(), "--help", cwd=tmp_path, key=None)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: python -m {PACKAGE} {case.command} [-h]")
    for option in ("--json FILE", "--secret", "--base-url URL", "--timeout SECONDS", "--max-retries N"):
        assert option in result.stdout
    fields = {
        f"--{name.replace('_', '-')}"
        for name, schema in module.BODY_SCHEMA["properties"].items()
        if "const" not in schema
    }
    for option in fields:
        assert f"  {option} " in result.stdout
    assert "api-key" not in result.stdout
    # The case for this command sets every one of them.
    assert {option for option, _value in case.options} == fields


def _help_lines(*command: str, tmp_path: Path) -> dict[str, str]:
    """Each option line of a command's help: the option as written, and its help text."""
    result = run_cli(*command, "--help", cwd=tmp_path, key=None)
    assert result.returncode == 0, result.stderr
    lines: dict[str, str] = {}
    option = ""
    for line in result.stdout.splitlines():
        if line.startswith("  --"):
            option, _, text = line.strip().partition("  ")
            lines[option] = text.strip()
        elif option and line.startswith("    ") and not lines[option]:
            lines[option] = line.strip()  # argparse puts the help of a long option on the next line
    return lines


def test_sessions_help_shows_types_bounds_choices_and_known_values(tmp_path: Path) -> None:
    lines = _help_lines("sessions", "create", tmp_path=tmp_path)

    assert lines["--temperature FLOAT"] == "sampling temperature (0.6 to 1.2)"
    assert lines["--speed FLOAT"] == "how fast the model speaks, 1.0 being normal (0.25 to 1.5)"
    assert lines["--instructions TEXT"] == "system-level guidance prepended to the conversation"
    voice = lines["--voice TEXT"]
    assert voice.startswith("a voice for generated audio (any text; known: alloy, ash, ballad, coral")
    assert voice.endswith(", marin, cedar)")
    assert lines["--model TEXT"].startswith("the Realtime model (any text; known: gpt-realtime, ")
    assert lines["--input-audio-format {pcm16,g711_ulaw,g711_alaw}"] == "encoding of the audio the client will send"
    assert (
        lines["--turn-detection JSON"] == "how the server decides that the caller has finished speaking (JSON object)"
    )
    assert lines["--modalities JSON"] == 'what the model may answer with (JSON array of "text" or "audio")'
    assert lines["--max-response-output-tokens VALUE"].endswith('(JSON or plain text: integer 1 to 4096 or "inf")')
    assert lines["--tracing VALUE"].endswith('(JSON or plain text: "auto" or object)')
    assert lines["--tools JSON"] == "functions the model may call (JSON array of objects)"
    assert lines["--secret"].startswith("print only the client secret (client_secret.value)")


def test_client_secrets_help_shows_the_union_the_session_takes(tmp_path: Path) -> None:
    lines = _help_lines("client-secrets", "create", tmp_path=tmp_path)

    assert lines["--session JSON"].endswith('(JSON object with "type": "realtime" or "transcription")')
    assert lines["--expires-after JSON"] == "when the secret stops working (JSON object)"
    assert lines["--secret"].startswith("print only the client secret (value)")


# --- the module itself ------------------------------------------------------------------------


def test_the_command_line_imports_only_the_standard_library_and_the_package() -> None:
    source = (paths.GENERATED / PACKAGE / "__main__.py").read_text(encoding="utf-8")
    absolute: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            absolute.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            absolute.add((node.module or "").split(".")[0])
    assert absolute
    assert absolute <= sys.stdlib_module_names


# --- the calls commands: SDP from a file or stdin, the call id as an argument ---------------------

SDP_OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"


def test_calls_create_reads_the_offer_from_a_file_and_prints_the_call(mock_server: MockServer, tmp_path: Path) -> None:
    offer = tmp_path / "offer.sdp"
    offer.write_bytes(SDP_OFFER.encode())

    result = run_cli(
        "calls", "create", "--sdp", str(offer), "--session", '{"type": "realtime", "model": "gpt-realtime"}',
        "--base-url", mock_server.url, cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["call_id"].startswith("rtc_") and printed["location"].endswith(printed["call_id"])
    assert printed["sdp"].startswith("v=0") and "a=mid:0" in printed["sdp"]  # the mock answers the offer
    (received,) = mock_server.received
    assert received.problems == ()
    assert (received.header("content-type") or "").startswith("multipart/form-data; boundary=")
    assert b"Content-Type: application/sdp\r\n\r\n" + SDP_OFFER.encode() in received.body


def test_calls_create_reads_the_offer_from_stdin(mock_server: MockServer, tmp_path: Path) -> None:
    result = run_cli("calls", "create", "--sdp", "-", "--base-url", mock_server.url, cwd=tmp_path, stdin=SDP_OFFER)

    assert result.returncode == 0, result.stderr
    assert mock_server.received[0].problems == ()


def test_calls_create_refuses_an_unreadable_file_and_text_that_is_not_sdp(
    mock_server: MockServer, tmp_path: Path
) -> None:
    missing = run_cli("calls", "create", "--sdp", str(tmp_path / "nope.sdp"), cwd=tmp_path)
    not_sdp = run_cli("calls", "create", "--sdp", "-", "--base-url", mock_server.url, cwd=tmp_path, stdin="hello")

    assert missing.returncode == 2 and "--sdp" in missing.stderr and "cannot read it" in missing.stderr
    assert not_sdp.returncode == 2
    assert "sdp='hello' is not an SDP session description" in one_line(not_sdp.stderr)
    assert mock_server.received == []


@pytest.mark.parametrize(
    ("argv", "path", "body"),
    [
        (
            ("accept", "rtc_1", "--instructions", "Hi."),
            "accept",
            {"type": "realtime", "instructions": "Hi."},
        ),
        (("hangup", "rtc_1"), "hangup", None),
        (("refer", "rtc_1", "--target-uri", "tel:+14155550123"), "refer", {"target_uri": "tel:+14155550123"}),
        (("reject", "rtc_1", "--status-code", "486"), "reject", {"status_code": 486}),
    ],
    ids=["accept", "hangup", "refer", "reject"],
)
def test_call_control_commands_take_the_call_id_and_print_nothing(
    mock_server: MockServer, tmp_path: Path, argv: tuple[str, ...], path: str, body: Any
) -> None:
    result = run_cli("calls", *argv, "--base-url", mock_server.url, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    (received,) = mock_server.received
    assert received.problems == ()
    assert received.path.endswith(f"/realtime/calls/rtc_1/{path}")
    assert (received.json() if body is not None else received.body) == (body if body is not None else b"")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("reject", "rtc_1", "--status-code", "700"), "status_code=700 is above the maximum 699"),
        (("hangup", "rtc/1"), "call_id='rtc/1' must not contain a slash"),
        (("hangup", ""), "call_id='' must not be empty"),
    ],
    ids=["status-bound", "slash", "empty"],
)
def test_call_control_commands_refuse_bad_input(
    mock_server: MockServer, tmp_path: Path, argv: tuple[str, ...], message: str
) -> None:
    result = run_cli("calls", *argv, "--base-url", mock_server.url, cwd=tmp_path)

    assert result.returncode == 2
    assert message in one_line(result.stderr)
    assert mock_server.received == []


def test_calls_help_shows_the_file_option_and_the_beta_commands_say_they_are_deprecated(tmp_path: Path) -> None:
    create = run_cli("calls", "create", "--help", cwd=tmp_path, key=None)
    accept = run_cli("calls", "accept", "--help", cwd=tmp_path, key=None)
    sessions = run_cli("sessions", "create", "--help", cwd=tmp_path, key=None)

    assert "--sdp FILE|-" in create.stdout and "application/sdp, read from FILE, or from stdin with -" in " ".join(
        create.stdout.split()
    )
    assert "CALL_ID" in accept.stdout
    text = " ".join(sessions.stdout.split())
    assert "Deprecated" in text and "client-secrets create" in text and '"type": "realtime"' in text


def test_running_the_command_line_in_this_process_leaves_nothing_behind(tmp_path: Path) -> None:
    before = dict(os.environ), os.getcwd(), list(sys.argv), (sys.stdin, sys.stdout, sys.stderr)

    result = run_cli("sessions", "create", "--json", "-", cwd=tmp_path, stdin="[]", env={"OPENAI_ORG_ID": "org_x"})

    assert result.returncode == 2
    assert (dict(os.environ), os.getcwd(), list(sys.argv), (sys.stdin, sys.stdout, sys.stderr)) == before
