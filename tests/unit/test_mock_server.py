"""The mock server itself: standalone mode, answers built from schemas, self-validation, scripting."""

import json
import subprocess
import sys
import time
from pathlib import Path

import urllib3

from tests.support.payloads import session
from tools import paths
from tools.mock_server import MockServer, ScriptedResponse

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
        [sys.executable, "-m", "tools.mock_server"], cwd=paths.REPO, stdout=subprocess.PIPE, text=True
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
