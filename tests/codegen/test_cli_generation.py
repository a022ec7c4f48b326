"""The command line is generated, not written: an operation added to the description becomes a
command with its options by regeneration alone, and what the command line cannot express stops
generation instead of being left out."""

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.cli import run_cli_process
from tools import openapi_document, paths
from tools.codegen.generate import GenerationError, render
from tools.servers.mock_server import MockServer

PACKAGE = paths.PACKAGE_NAME
SCHEMAS = "#/components/schemas/"

# A made-up operation with what the real ones lack at the top level of their bodies: a required
# const field, a boolean, an integer enum, an exclusive bound, a length bound, a nullable string,
# and a secret in the answer under names the command line cannot have been told.
TRANSLATION_REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["type", "target_language"],
    "properties": {
        "type": {"type": "string", "const": "translation", "default": "translation"},
        "target_language": {
            "type": "string",
            "description": "The language to translate into, as an ISO-639-1 code.",
            "minLength": 2,
            "maxLength": 8,
        },
        "rate": {"type": "integer", "description": "Samples per second.", "enum": [16000, 24000]},
        "stream": {"type": "boolean", "description": "Send partial translations as they form."},
        "max_speakers": {
            "type": "integer",
            "description": "How many voices to tell apart.",
            "minimum": 1,
            "exclusiveMaximum": 10,
        },
        "listen_for": {
            "type": "array",
            "description": "Languages to listen for.",
            "items": {"type": "string"},
            "minItems": 1,
            "maxItems": 4,
        },
        "glossary_note": {"type": ["string", "null"], "description": "Terms to keep as they are. Case matters."},
    },
}
TRANSLATION_RESPONSE: dict[str, Any] = {
    "type": "object",
    "required": ["grant"],
    "properties": {
        "id": {"type": "string"},
        "grant": {
            "type": "object",
            "required": ["token"],
            "properties": {"token": {"type": "string", "format": "password"}, "expires_at": {"type": "integer"}},
        },
    },
}
TRANSLATION_ANSWER = {"id": "tr_1", "grant": {"token": "ek_translation_0000", "expires_at": 1798761600}}


def _operation(
    operation_id: str, *, request: str | None = None, response: str = "RealtimeSessionCreateResponse"
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "tags": ["Realtime"],
        "summary": "An operation added for a test.",
        "responses": {
            "200": {
                "description": "The answer.",
                "content": {"application/json": {"schema": {"$ref": SCHEMAS + response}}},
            }
        },
    }
    if request is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": SCHEMAS + request}}},
        }
    return operation


def _add_translation(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    schemas["RealtimeTranslationSessionCreateRequest"] = copy.deepcopy(TRANSLATION_REQUEST)
    schemas["RealtimeTranslationSessionCreateResponse"] = copy.deepcopy(TRANSLATION_RESPONSE)
    operation = _operation(
        "create-realtime-translation-session",
        request="RealtimeTranslationSessionCreateRequest",
        response="RealtimeTranslationSessionCreateResponse",
    )
    operation["summary"] = "Mint a token for a translation session."
    operation["responses"]["200"]["content"]["application/json"]["example"] = TRANSLATION_ANSWER
    document["paths"]["/realtime/translation_sessions"] = {"post": operation}


def _spec(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    document = openapi_document.load(paths.SPEC)
    change(document)
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def translation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(generated tree, its description) with the translation operation added."""
    root = tmp_path_factory.mktemp("translation")
    spec = _spec(root, _add_translation)
    render(root / "out", spec=spec)
    return root / "out", spec


def test_the_new_operation_is_listed_as_a_command(translation: tuple[Path, Path]) -> None:
    result = run_cli_process("--help", cwd=translation[0], pythonpath=translation[0], key=None)

    assert result.returncode == 0, result.stderr
    listed = [line.split(None, 2) for line in result.stdout.splitlines() if line.startswith("  ") and "create" in line]
    assert ["translation-sessions", "create", "Mint a token for a translation session."] in listed
    # One `... create` line per operation without a path parameter (the others are `calls accept` etc.).
    document = openapi_document.load(translation[1])
    assert len(listed) == sum("{" not in path for path in document["paths"])


def test_its_options_follow_the_field_types(translation: tuple[Path, Path]) -> None:
    result = run_cli_process(
        "translation-sessions", "create", "--help", cwd=translation[0], pythonpath=translation[0], key=None
    )

    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert (
        "--target-language TEXT the language to translate into, as an ISO-639-1 code (2 to 8 characters; required)"
        in text
    )
    assert "--rate {16000,24000} samples per second" in text
    assert "--stream, --no-stream send partial translations as they form" in text
    assert "--max-speakers INT how many voices to tell apart (at least 1 and below 10)" in text
    assert "--listen-for JSON languages to listen for (JSON array of strings, 1 to 4 items)" in text
    assert text.endswith("--glossary-note TEXT terms to keep as they are")  # the first sentence only
    assert "--type" not in text  # a const field: the command sends its value itself
    assert "--secret print only the client secret (grant.token)" in text


def test_a_call_sends_the_options_and_the_required_const(translation: tuple[Path, Path]) -> None:
    generated, spec = translation
    with MockServer(spec) as server:
        result = run_cli_process(
            "translation-sessions", "create", "--target-language", "fr", "--rate", "24000",
            "--no-stream", "--max-speakers", "3", "--listen-for", '["fr", "de"]', "--glossary-note", "Kafka",
            "--base-url", server.url, cwd=generated, pythonpath=generated,
        )  # fmt: skip
        streamed = run_cli_process(
            "translation-sessions", "create", "--target-language", "de", "--stream", "--secret",
            "--base-url", server.url, cwd=generated, pythonpath=generated,
        )  # fmt: skip
        received = server.received

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == TRANSLATION_ANSWER
    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout == "ek_translation_0000\n"
    assert [request.problems for request in received] == [(), ()]
    assert [request.json() for request in received] == [
        {
            "type": "translation",
            "target_language": "fr",
            "rate": 24000,
            "stream": False,
            "max_speakers": 3,
            "listen_for": ["fr", "de"],
            "glossary_note": "Kafka",
        },
        {"type": "translation", "target_language": "de", "stream": True},
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "error: RequestValidationError: target_language is required"),
        (("--target-language", "f"), "error: RequestValidationError: target_language='f' is shorter than"),
        (("--target-language", "fr", "--max-speakers", "10"), "error: RequestValidationError: max_speakers=10"),
        (("--target-language", "fr", "--rate", "8000"), "argument --rate: invalid choice: 8000"),
        (("--target-language", "fr", "--listen-for", "[]"), "error: RequestValidationError: listen_for=[] has fewer"),
        (("--target-language", "fr", "--type", "other"), "unrecognized arguments: --type other"),
    ],
)
def test_its_rules_are_checked_before_anything_is_sent(
    arguments: tuple[str, ...], message: str, translation: tuple[Path, Path]
) -> None:
    generated, spec = translation
    with MockServer(spec) as server:
        result = run_cli_process(
            "translation-sessions", "create", *arguments, "--base-url", server.url, cwd=generated, pythonpath=generated
        )
        received = server.received

    assert result.returncode == 2
    assert message in result.stderr.splitlines()[-1]
    assert received == []


def _add_path_parameter(document: dict[str, Any]) -> None:
    operation = _operation("renew-realtime-session", request="RealtimeSessionCreateRequest")
    operation["parameters"] = [{"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    document["paths"]["/realtime/sessions/renew/{session_id}"] = {"post": operation}


def _add_get(document: dict[str, Any]) -> None:
    document["paths"]["/realtime/session_status"] = {"get": _operation("get-realtime-session-status")}


def _add_request_field(name: str, schema: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["components"]["schemas"]["RealtimeSessionCreateRequest"]["properties"][name] = schema

    return change


def _add_second_sessions(document: dict[str, Any]) -> None:
    document["paths"]["/realtime/sessions/"] = {
        "post": _operation("create-beta-realtime-session", request="RealtimeSessionCreateRequest")
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _add_path_parameter,
            "cannot generate renew_realtime_session: the command line takes path parameters only as "
            "`/<group>/{id}/<action>`",
        ),
        (_add_get, "cannot generate get_realtime_session_status: the command line has no action for GET operations"),
        (
            _add_request_field("api_key", {"type": "string"}),
            "the request field api-key would take the option --api-key",
        ),
        (_add_request_field("json", {"type": "object"}), "the request field json would take the option --json"),
        (
            _add_request_field("password", {"type": "string", "format": "password"}),
            "the request field password is a secret, which must not be passed on a command line",
        ),
        (
            _add_second_sessions,
            "cannot generate create_realtime_session: it would be the command `sessions create` as well as "
            "create_beta_realtime_session",
        ),
    ],
    ids=["path-parameter", "get", "api-key-field", "reserved-option", "secret-field", "same-command"],
)
def test_what_the_command_line_cannot_express_stops_generation(
    change: Callable[[dict[str, Any]], None], message: str, tmp_path: Path
) -> None:
    spec = _spec(tmp_path, change)

    with pytest.raises(GenerationError, match=re.escape(message)):
        render(tmp_path / "out", spec=spec)
    assert not (tmp_path / "out" / PACKAGE / "__main__.py").exists()


# --- what the operation templates cannot render stops generation, naming the operation (tools/codegen/wire.py)


def _binary_call_body(document: dict[str, Any]) -> None:
    content = document["paths"]["/realtime/calls"]["post"]["requestBody"]["content"]
    content["application/sdp"]["schema"] = {"type": "string", "format": "binary"}


def _xml_answer(document: dict[str, Any]) -> None:
    answer = document["paths"]["/realtime/calls"]["post"]["responses"]["201"]
    answer["content"] = {"application/sdp": {"schema": {"type": "object"}}}


def _integer_header(document: dict[str, Any]) -> None:
    answer = document["paths"]["/realtime/calls"]["post"]["responses"]["201"]
    answer["headers"]["Location"]["schema"] = {"type": "integer"}


def _query_parameter(document: dict[str, Any]) -> None:
    operation = document["paths"]["/realtime/calls/{call_id}/hangup"]["post"]
    operation["parameters"].append({"name": "reason", "in": "query", "schema": {"type": "string"}})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_binary_call_body, "cannot generate create_realtime_call: a application/sdp body that is not text"),
        (_xml_answer, "cannot generate create_realtime_call: a application/sdp answer that is not text"),
        (_integer_header, "cannot generate create_realtime_call: its answer's header Location is not a string"),
        (_query_parameter, "cannot generate hangup_realtime_call: query, header and cookie parameters"),
    ],
    ids=["binary-body", "non-text-answer", "integer-header", "query-parameter"],
)
def test_what_the_operation_templates_cannot_render_stops_generation(
    change: Callable[[dict[str, Any]], None], message: str, tmp_path: Path
) -> None:
    spec = _spec(tmp_path, change)

    with pytest.raises(GenerationError, match=re.escape(message)):
        render(tmp_path / "out", spec=spec)
    assert not (tmp_path / "out" / PACKAGE / "__main__.py").exists()  # stopped before the last stage
