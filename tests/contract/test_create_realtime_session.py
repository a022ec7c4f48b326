"""create_realtime_session against the spec-driven mock: what goes on the wire and what comes back."""

import json
from typing import Literal

import pytest
import urllib3
from openai_realtime_client import (
    ApiClient,
    APIKeyMissingError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RealtimeApi,
    UnprocessableEntityError,
)
from openai_realtime_client.models import (
    RealtimeFunctionTool,
    RealtimeSessionCreateRequest,
    RealtimeSessionCreateRequestClientSecret,
    RealtimeSessionCreateRequestClientSecretExpiresAfter,
    RealtimeSessionCreateRequestInputAudioNoiseReduction,
    RealtimeSessionCreateRequestInputAudioTranscription,
    RealtimeSessionCreateRequestTurnDetection,
    RealtimeSessionCreateResponse,
    RealtimeTracingConfiguration,
)

from tests.support import payloads
from tests.support.payloads import TEST_API_KEY, vendor_error
from tools.servers.mock_server import MockServer, ScriptedResponse

VALID_RESPONSE = payloads.session()


def test_create_minimal_request_sends_only_the_fields_set(api: RealtimeApi, mock_server: MockServer) -> None:
    session = api.create_realtime_session(RealtimeSessionCreateRequest(model="gpt-realtime", voice="alloy"))

    assert isinstance(session, RealtimeSessionCreateResponse)
    assert session.client_secret.value.startswith("ek_")
    assert session.client_secret.expires_at > 0
    (received,) = mock_server.received
    assert received.problems == ()
    # Schema defaults (pcm16, speed 1, temperature 0.8, tool_choice auto) are never injected.
    assert received.json() == {"model": "gpt-realtime", "voice": "alloy"}


def test_create_empty_request_sends_an_empty_object(api: RealtimeApi, mock_server: MockServer) -> None:
    api.create_realtime_session(RealtimeSessionCreateRequest())

    assert mock_server.received[0].body == b"{}"


def test_create_with_every_field_set_is_accepted_and_sent_in_full(api: RealtimeApi, mock_server: MockServer) -> None:
    request = RealtimeSessionCreateRequest(
        modalities=["audio", "text"],
        model="gpt-4o-realtime-preview-2025-06-03",
        instructions="Speak like a ship's captain. Ünïcödé is fine.",
        voice="marin",
        input_audio_format="g711_ulaw",
        output_audio_format="g711_alaw",
        input_audio_transcription=RealtimeSessionCreateRequestInputAudioTranscription(
            model="gpt-4o-transcribe", language="en", prompt="nautical terms"
        ),
        turn_detection=RealtimeSessionCreateRequestTurnDetection(
            type_="semantic_vad",
            eagerness="high",
            threshold=0.3,
            prefix_padding_ms=200,
            silence_duration_ms=400,
            create_response=False,
            interrupt_response=False,
        ),
        input_audio_noise_reduction=RealtimeSessionCreateRequestInputAudioNoiseReduction(type_="far_field"),
        speed=1.25,
        tracing=RealtimeTracingConfiguration(workflow_name="support", group_id="g-1"),
        tools=[
            RealtimeFunctionTool(
                type_="function",
                name="lookup_order",
                description="Find an order by id",
            )
        ],
        tool_choice="required",
        temperature=0.6,
        max_response_output_tokens=4096,
        client_secret=RealtimeSessionCreateRequestClientSecret(
            expires_after=RealtimeSessionCreateRequestClientSecretExpiresAfter(anchor="created_at", seconds=7200)
        ),
    )

    api.create_realtime_session(request)

    (received,) = mock_server.received
    assert received.problems == ()
    sent = received.json()
    assert sent == request.to_dict()
    assert set(sent) == {
        "modalities", "model", "instructions", "voice", "input_audio_format", "output_audio_format",
        "input_audio_transcription", "turn_detection", "input_audio_noise_reduction", "speed", "tracing",
        "tools", "tool_choice", "temperature", "max_response_output_tokens", "client_secret",
    }  # fmt: skip
    assert sent["turn_detection"]["type"] == "semantic_vad"
    assert sent["client_secret"] == {"expires_after": {"anchor": "created_at", "seconds": 7200}}
    assert "Ünïcödé" in received.body.decode("utf-8")


@pytest.mark.parametrize(
    ("tracing", "on_the_wire"),
    [("auto", "auto"), (RealtimeTracingConfiguration(workflow_name="w"), {"workflow_name": "w"})],
    ids=["auto", "configuration"],
)
def test_create_tracing_union_is_sent_as_either_variant(
    api: RealtimeApi,
    mock_server: MockServer,
    tracing: Literal["auto"] | RealtimeTracingConfiguration,
    on_the_wire: object,
) -> None:
    api.create_realtime_session(RealtimeSessionCreateRequest(tracing=tracing))

    assert mock_server.received[0].problems == ()
    assert mock_server.received[0].json()["tracing"] == on_the_wire


def test_create_with_http_info_exposes_status_headers_raw_body_and_request_id(
    api: RealtimeApi, mock_server: MockServer
) -> None:
    info = api.create_realtime_session_with_http_info(RealtimeSessionCreateRequest(model="gpt-realtime"))

    assert info.status_code == 200
    assert info.request_id is not None and info.request_id.startswith("req_mock_")
    assert info.headers["X-Request-ID"] == info.headers["x-request-id"] == info.request_id
    assert info.headers["content-type"] == "application/json"
    assert json.loads(info.raw_data) == info.data.to_dict()
    assert isinstance(info.data, RealtimeSessionCreateResponse)


def test_create_sends_exactly_the_documented_headers(api: RealtimeApi, mock_server: MockServer) -> None:
    api.create_realtime_session(RealtimeSessionCreateRequest())

    received = mock_server.received[0]
    assert received.method == "POST"
    assert received.path == "/v1/realtime/sessions"
    assert received.header("Authorization") == f"Bearer {TEST_API_KEY}"
    assert received.header("Content-Type") == "application/json"
    assert received.header("Accept") == "application/json"
    assert received.header("User-Agent") == "openai-realtime-client/0.1.0"
    assert received.header("Content-Length") == "2"


def test_default_headers_are_added_but_cannot_replace_authorization(mock_server: MockServer) -> None:
    headers = {"X-Team": "voice", "Authorization": "Bearer someone-else"}
    with ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url, default_headers=headers) as client:
        RealtimeApi(client).create_realtime_session(RealtimeSessionCreateRequest())

    assert mock_server.received[0].header("X-Team") == "voice"
    assert mock_server.received[0].header("Authorization") == f"Bearer {TEST_API_KEY}"


def _raw_post(url: str, body: bytes, headers: dict[str, str]) -> urllib3.BaseHTTPResponse:
    return urllib3.request("POST", url + "/realtime/sessions", body=body, headers=headers, retries=False)


@pytest.mark.parametrize(
    ("body", "headers", "status", "in_message", "param"),
    [
        (b"{}", {"Content-Type": "application/json"}, 401, "Authorization", None),
        (b"{}", {"Content-Type": "application/json", "Authorization": "Basic abc"}, 401, "Authorization", None),
        (b"{}", {"Content-Type": "text/plain", "Authorization": "Bearer k"}, 400, "Content-Type", None),
        (b'{"temperature": 2.5}', {"Content-Type": "application/json", "Authorization": "Bearer k"}, 400,
         "temperature: 2.5 is greater than the maximum of 1.2", "temperature"),
        (b'{"modalities": ["video"]}', {"Content-Type": "application/json", "Authorization": "Bearer k"}, 400,
         "modalities[0]: 'video' is not one of", "modalities[0]"),
        (b'{"max_response_output_tokens": 0}', {"Content-Type": "application/json", "Authorization": "Bearer k"},
         400, "max_response_output_tokens", "max_response_output_tokens"),
        (b'{"client_secret": {"expires_after": {"seconds": 60}}}',
         {"Content-Type": "application/json", "Authorization": "Bearer k"}, 400, "'anchor' is a required property",
         "client_secret.expires_after"),
        (b"{not json", {"Content-Type": "application/json", "Authorization": "Bearer k"}, 400, "deserialize", None),
    ],
    ids=["no-auth", "basic-auth", "content-type", "temperature", "modality", "tokens", "anchor", "not-json"],
)  # fmt: skip
def test_mock_rejects_a_request_that_breaks_the_spec(
    mock_server: MockServer, body: bytes, headers: dict[str, str], status: int, in_message: str, param: str | None
) -> None:
    response = _raw_post(mock_server.url, body, headers)

    assert response.status == status
    error = response.json()["error"]
    assert in_message in error["message"]
    assert error["param"] == param
    assert set(error) == {"message", "type", "param", "code"}
    assert mock_server.received[0].problems


def test_unknown_response_fields_are_kept_at_every_level(api: RealtimeApi, mock_server: MockServer) -> None:
    body = {
        **VALID_RESPONSE,
        "client_secret": {**VALID_RESPONSE["client_secret"], "scope": "voice"},
        "turn_detection": {"type": "server_vad", "idle_timeout_ms": 9000},
        "expires_at": 1798761600,
        "audio": {"output": {"voice": "cedar"}},
    }
    mock_server.script(ScriptedResponse(body=body))

    session = api.create_realtime_session(RealtimeSessionCreateRequest())

    assert session.additional_properties == {"expires_at": 1798761600, "audio": {"output": {"voice": "cedar"}}}
    assert session["audio"] == {"output": {"voice": "cedar"}}
    assert session.client_secret.additional_properties == {"scope": "voice"}
    assert session.to_dict() == body


def test_nulls_the_spec_allows_parse_as_none_and_absent_fields_stay_unset(
    api: RealtimeApi, mock_server: MockServer
) -> None:
    body = {
        **VALID_RESPONSE,
        "turn_detection": None,
        "input_audio_transcription": None,
        "input_audio_noise_reduction": None,
        "tracing": None,
    }
    mock_server.script(ScriptedResponse(body=body))

    session = api.create_realtime_session(RealtimeSessionCreateRequest())

    assert session.turn_detection is None
    assert session.input_audio_transcription is None
    assert session.input_audio_noise_reduction is None
    assert session.tracing is None
    assert not session.voice and not session.temperature  # UNSET is falsy
    assert session.to_dict() == body


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_non_2xx_raises_with_status_headers_body_and_request_id(
    api: RealtimeApi, mock_server: MockServer, status: int, error_class: type[APIStatusError]
) -> None:
    error_body = vendor_error("Nope.", param="voice", code="bad")
    mock_server.script(ScriptedResponse(status=status, body=error_body, headers={"X-Request-Id": "req_err_1"}))

    with pytest.raises(error_class) as caught:
        api.create_realtime_session(RealtimeSessionCreateRequest(), max_retries=0)  # retries: tests/faults

    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert error.request_id == "req_err_1"
    assert error.headers["x-request-id"] == "req_err_1"
    assert json.loads(error.body) == error_body
    assert (error.message, error.type, error.param, error.code) == ("Nope.", "invalid_request_error", "voice", "bad")
    assert str(error) == f"HTTP {status}: Nope. (request id req_err_1)"


def test_non_2xx_with_a_non_json_body_still_raises_with_the_raw_body(api: RealtimeApi, mock_server: MockServer) -> None:
    page = b"<html><body>502 Bad Gateway</body></html>"
    mock_server.script(ScriptedResponse(status=502, body=page, headers={"Content-Type": "text/html"}))

    with pytest.raises(InternalServerError) as caught:
        api.create_realtime_session(RealtimeSessionCreateRequest(), max_retries=0)

    assert caught.value.body == page
    assert caught.value.message is None
    assert str(caught.value).startswith("HTTP 502")


@pytest.mark.parametrize(
    "body",
    [
        b"<html>maintenance</html>",
        b'{"client_secret": {"value": "ek_1"',
        json.dumps({"id": "sess_1"}).encode(),
        json.dumps({"client_secret": {"value": "ek_1"}}).encode(),
        b"[]",
    ],
    ids=["html", "truncated", "no-client-secret", "no-expires-at", "array"],
)
def test_2xx_that_does_not_fit_the_schema_raises_instead_of_returning_half_parsed_data(
    api: RealtimeApi, mock_server: MockServer, body: bytes
) -> None:
    mock_server.script(ScriptedResponse(status=200, body=body, headers={"X-Request-Id": "req_bad_1"}))

    with pytest.raises(APIResponseValidationError) as caught:
        api.create_realtime_session(RealtimeSessionCreateRequest())

    assert caught.value.status_code == 200
    assert caught.value.body == body
    assert caught.value.request_id == "req_bad_1"
    assert caught.value.__cause__ is not None


def test_missing_api_key_fails_before_anything_is_sent(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    client = ApiClient(base_url=mock_server.url)

    with pytest.raises(APIKeyMissingError, match="OPENAI_API_KEY"):
        RealtimeApi(client).create_realtime_session(RealtimeSessionCreateRequest())

    assert mock_server.received == []


def test_key_and_base_url_come_from_the_environment(mock_server: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", mock_server.url + "/")

    with ApiClient() as client:
        RealtimeApi(client).create_realtime_session(RealtimeSessionCreateRequest())

    assert mock_server.received[0].header("Authorization") == "Bearer sk-from-env"
    assert client.base_url == mock_server.url


def test_base_url_defaults_to_the_public_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)

    assert ApiClient(api_key="k").base_url == "https://api.openai.com/v1"


# Connection reuse is counted at a server that keeps connections alive: test_connection_reuse.py.
def test_calls_after_close_go_through_a_new_pool(client: ApiClient, api: RealtimeApi, mock_server: MockServer) -> None:
    api.create_realtime_session(RealtimeSessionCreateRequest())
    client.close()  # closes the pool the client keeps for the host

    api.create_realtime_session(RealtimeSessionCreateRequest(voice="ash"))

    assert [request.json() for request in mock_server.received] == [{}, {"voice": "ash"}]
    assert client.pool_manager.connection_from_url(client.base_url).num_requests == 1


def test_a_new_base_url_is_called_at_its_own_host(client: ApiClient, api: RealtimeApi, mock_server: MockServer) -> None:
    api.create_realtime_session(RealtimeSessionCreateRequest())
    client.base_url = client.base_url.replace("127.0.0.1", "localhost")

    api.create_realtime_session(RealtimeSessionCreateRequest())

    hosts = [request.header("Host") or "" for request in mock_server.received]
    assert hosts[0].startswith("127.0.0.1:") and hosts[1].startswith("localhost:")


def test_request_sends_the_method_in_upper_case(client: ApiClient, mock_server: MockServer) -> None:
    info = client.request("post", "/realtime/sessions", body=b"{}", parse=dict)

    assert info.status_code == 200
    assert [request.method for request in mock_server.received] == ["POST"]


def test_a_callers_pool_manager_is_used_and_left_open(mock_server: MockServer) -> None:
    own_pool = urllib3.PoolManager(maxsize=2)
    with ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url, pool_manager=own_pool) as client:
        RealtimeApi(client).create_realtime_session(RealtimeSessionCreateRequest())
        assert client.pool_manager is own_pool

    assert len(own_pool.pools) == 1  # close() did not clear the caller's pools
    own_pool.clear()


def test_enum_values_added_after_generation_parse_as_plain_strings(api: RealtimeApi, mock_server: MockServer) -> None:
    body = {**VALID_RESPONSE, "modalities": ["text", "video"], "voice": "nova-2", "model": "gpt-realtime-2027-01-01"}
    mock_server.script(ScriptedResponse(body=body))

    session = api.create_realtime_session(RealtimeSessionCreateRequest())

    assert session.modalities == ["text", "video"]
    assert session.voice == "nova-2"
    assert session.model == "gpt-realtime-2027-01-01"
    assert session.to_dict() == body


def test_the_minted_secret_is_masked_in_repr_but_readable_and_serialised(
    api: RealtimeApi, mock_server: MockServer
) -> None:
    secret = "ek_68af296e8e408191a1120ab6383263c2"
    mock_server.script(ScriptedResponse(body=payloads.session(secret, expires_at=9)))

    info = api.create_realtime_session_with_http_info(RealtimeSessionCreateRequest())
    session = info.data

    for text in (repr(session), str(session), repr(session.client_secret), repr(info)):
        assert secret not in text
    assert "'ek_...63c2'" in repr(session.client_secret)
    assert session.client_secret.value == secret
    assert session.to_dict()["client_secret"]["value"] == secret


def test_organization_and_project_come_from_the_environment(
    mock_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-123")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_456")

    with ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url) as client:
        RealtimeApi(client).create_realtime_session(RealtimeSessionCreateRequest())

    assert mock_server.received[0].header("OpenAI-Organization") == "org-123"
    assert mock_server.received[0].header("OpenAI-Project") == "proj_456"


def test_extra_headers_apply_to_one_call_and_cannot_replace_authorization(
    api: RealtimeApi, mock_server: MockServer
) -> None:
    extra = {"X-Trace": "t-1", "Authorization": "Bearer other"}
    api.create_realtime_session(RealtimeSessionCreateRequest(), extra_headers=extra)
    api.create_realtime_session(RealtimeSessionCreateRequest())

    first, second = mock_server.received
    assert first.header("X-Trace") == "t-1"
    assert first.header("Authorization") == f"Bearer {TEST_API_KEY}"
    assert second.header("X-Trace") is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_response_output_tokens", 1),
        ("max_response_output_tokens", "inf"),
        ("tracing", {"workflow_name": "support", "group_id": "g"}),
        ("tracing", "auto"),
        ("tools", [{"type": "mcp", "name": "later-tool-kind"}]),
    ],
)
def test_each_variant_of_a_union_with_a_const_parses(
    api: RealtimeApi, mock_server: MockServer, field: str, value: object
) -> None:
    # Regression: the generator's own const template raised on the first variant that was not the const.
    body = {**VALID_RESPONSE, field: value}
    mock_server.script(ScriptedResponse(body=body))

    session = api.create_realtime_session(RealtimeSessionCreateRequest())

    assert session.to_dict() == body
