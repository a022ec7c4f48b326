"""The mock server itself: standalone mode, answers built from schemas, self-validation, scripting."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import urllib3

from tests.support.payloads import session
from tests.support.ports import closed_port
from tools import paths
from tools.servers import mock_media
from tools.servers.mock_server import MockServer, ScriptedResponse

AUTH = {"Authorization": "Bearer k", "Content-Type": "application/json"}

TINY_SPEC = """
openapi: 3.1.0
info: {title: tiny, version: '1'}
servers: [{url: 'https://example.invalid/api'}]
security: [{bearer: []}]
paths:
  /things/{thing_id}:
    post:
      operationId: make-thing
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object}
      responses:
        '201':
          description: made
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Thing:
      type: object
      required: [id, size, tags, kind, owner]
      properties:
        id: {type: string}
        size: {type: integer, minimum: 3}
        tags: {type: array, items: {type: string}}
        kind: {type: string, enum: [big, small]}
        owner: {anyOf: [{$ref: '#/components/schemas/Owner'}, {type: 'null'}]}
        note: {type: string}
    Owner:
      type: object
      required: [name]
      properties:
        name: {type: string, example: ada}
"""


def test_an_operation_without_an_example_is_answered_from_its_schema(tmp_path: Path) -> None:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY_SPEC)

    with MockServer(spec) as server:
        assert server.url.endswith("/api")
        response = urllib3.request("POST", server.url + "/things/t1", body=b"{}", headers=AUTH)
        problems = server.response_problems

    assert response.status == 201
    assert response.json() == {"id": "string", "size": 3, "tags": [], "kind": "big", "owner": {"name": "ada"}}
    assert problems == []


def test_an_example_that_breaks_its_own_schema_is_reported_not_served(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(paths.SPEC.read_text().replace("expires_at: 1798761600", "expires_at: soon"))

    with MockServer(spec) as server:
        response = urllib3.request("POST", server.url + "/realtime/sessions", body=b"{}", headers=AUTH)
        problems = server.response_problems

    assert response.status == 500
    assert "does not fit its schema" in response.json()["error"]["message"]
    assert len(problems) == 1 and "expires_at" in problems[0]


def test_scripted_answers_are_used_in_order_then_the_spec_answers_again(mock_server: MockServer) -> None:
    mock_server.script(
        ScriptedResponse(status=503, body="busy", headers={"Retry-After": "1"}),
        ScriptedResponse(status=200, body=session("v"), delay=0.3),
    )
    url = mock_server.url + "/realtime/sessions"

    first = urllib3.request("POST", url, body=b"{}", headers=AUTH)
    started = time.monotonic()
    second = urllib3.request("POST", url, body=b"{}", headers=AUTH)
    elapsed = time.monotonic() - started
    third = urllib3.request("POST", url, body=b"{}", headers=AUTH)

    assert (first.status, first.data, first.headers["Retry-After"]) == (503, b"busy", "1")
    assert second.json()["client_secret"]["value"] == "v" and elapsed >= 0.3
    assert third.json()["client_secret"]["value"].startswith("ek_")
    assert len(mock_server.received) == 3


def test_a_rejected_request_does_not_use_up_a_scripted_answer(mock_server: MockServer) -> None:
    mock_server.script(ScriptedResponse(status=418))
    url = mock_server.url + "/realtime/sessions"

    rejected = urllib3.request("POST", url, body=b"{}", headers={"Content-Type": "application/json"})
    scripted = urllib3.request("POST", url, body=b"{}", headers=AUTH)

    assert rejected.status == 401
    assert scripted.status == 418


def test_standalone_mode_prints_its_url_and_serves_until_stopped() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.servers"], cwd=paths.REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.split()[4]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1"), line
        response = urllib3.request("POST", url + "/realtime/sessions", body=b"{}", headers=AUTH)
        assert response.status == 200
        assert json.loads(response.data)["object"] == "realtime.session"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _post(url: str, body: dict[str, Any]) -> Any:
    response = urllib3.request("POST", url, body=json.dumps(body).encode(), headers=AUTH)
    assert response.status == 200, response.data
    return response.json()


def test_the_answer_echoes_what_the_request_configured(mock_server: MockServer) -> None:
    sent = {"model": "gpt-realtime-mini", "voice": "verse", "instructions": "Talk like a pirate."}

    answer = _post(mock_server.url + "/realtime/sessions", sent)

    assert {name: answer[name] for name in sent} == sent
    # The rest is still the description's example.
    assert answer["object"] == "realtime.session" and answer["client_secret"]["value"].startswith("ek_")


def test_a_client_secret_request_is_answered_with_the_kind_of_session_it_asked_for(mock_server: MockServer) -> None:
    url = mock_server.url + "/realtime/client_secrets"

    realtime = _post(url, {"session": {"type": "realtime", "instructions": "Be brief."}})
    transcription = _post(url, {"session": {"type": "transcription"}})

    assert realtime["session"]["type"] == "realtime" and realtime["session"]["instructions"] == "Be brief."
    assert transcription["session"]["type"] == "transcription"
    assert "instructions" not in transcription["session"]


def test_only_fields_the_answer_has_and_values_that_fit_there_are_echoed(tmp_path: Path) -> None:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY_SPEC)
    sent = {"note": "hi", "size": 1, "kind": "small", "owner": {"name": "bo"}, "colour": "red", "tags": "x"}

    with MockServer(spec) as server:
        response = urllib3.request("POST", server.url + "/things/t1", body=json.dumps(sent).encode(), headers=AUTH)
        problems = server.response_problems

    assert response.status == 201 and problems == []
    # size 1 is below the minimum and tags is not an array: the example's values stay; colour is
    # not a field of the answer.
    assert response.json() == {
        "id": "string",
        "size": 3,
        "tags": [],
        "kind": "small",
        "owner": {"name": "bo"},
        "note": "hi",
    }


def test_make_mock_listens_on_the_port_given() -> None:
    port = closed_port()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "mock", f"PORT={port}"],
        cwd=paths.REPO, stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(2)]  # make's echo of the command, then the mock's
        assert lines[1].startswith(f"mock server listening on http://127.0.0.1:{port}/v1 "), lines
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


# --- bodies that are not JSON (tools/servers/mock_media.py): an SDP check of its own, and an answer a browser accepts

OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (OFFER, None),
        ("o=- 1 2 IN IP4 1.2.3.4\r\nv=0\r\ns=-\r\n", "must start with the line v=0"),
        ("v=0\r\ns=-\r\n", "needs the o= line"),
        ("v=0\r\no=x\r\ns=-\r\nhello\r\n", "must be <letter>=<value>"),
    ],
)
def test_the_mock_checks_sdp_on_its_own(text: str, problem: str | None) -> None:
    found = mock_media.sdp_problem(text)
    assert found is None if problem is None else problem in (found or "")


def test_the_mock_answers_an_offer_with_the_answerers_role_and_fresh_ice_credentials() -> None:
    offer = OFFER + "a=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdef01234567\r\na=setup:actpass\r\n"
    offer += "a=candidate:1 1 udp 1 h 9 typ host\r\n"
    answer = mock_media.answer_sdp(offer)

    assert mock_media.sdp_problem(answer) is None
    assert "a=setup:active" in answer and "a=setup:actpass" not in answer
    assert "a=ice-ufrag:abcd" not in answer and "a=ice-ufrag:" in answer
    assert "a=candidate" not in answer
    assert answer.endswith("\r\n") and "\n" not in answer.replace("\r\n", "")
