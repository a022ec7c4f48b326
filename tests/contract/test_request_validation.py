"""Client-side validation: every rule of the request schema is checked before anything is sent."""

import math
from typing import Any

import pytest
from openai_realtime_client import ApiClient, APIError, BadRequestError, RealtimeApi, RequestValidationError
from openai_realtime_client.api import check_request_body
from openai_realtime_client.api.realtime.create_realtime_session import BODY_SCHEMA
from openai_realtime_client.models import (
    RealtimeCreateClientSecretRequest,
    RealtimeSessionCreateRequest,
    RealtimeSessionCreateRequestClientSecret,
    RealtimeSessionCreateRequestClientSecretExpiresAfter,
    RealtimeSessionCreateRequestTurnDetection,
)

from tests.support.payloads import TEST_API_KEY
from tools.servers.mock_server import MockServer


def _expiring_after(seconds: int) -> RealtimeSessionCreateRequestClientSecret:
    return RealtimeSessionCreateRequestClientSecret(
        expires_after=RealtimeSessionCreateRequestClientSecretExpiresAfter(anchor="created_at", seconds=seconds)
    )


TOKENS = "max_response_output_tokens"
THRESHOLD = RealtimeSessionCreateRequestTurnDetection

INVALID: list[tuple[dict[str, Any], str]] = [
    ({"temperature": 2.5}, "temperature=2.5 is above the maximum 1.2"),
    ({"temperature": 0.5}, "temperature=0.5 is below the minimum 0.6"),
    ({"speed": 1.6}, "speed=1.6 is above the maximum 1.5"),
    ({"speed": 0.2}, "speed=0.2 is below the minimum 0.25"),
    ({TOKENS: 0}, f"{TOKENS}=0 is below the minimum 1"),
    ({TOKENS: 4097}, f"{TOKENS}=4097 is above the maximum 4096"),
    ({TOKENS: "infinite"}, f"{TOKENS}='infinite' is not 'inf'"),
    ({"turn_detection": THRESHOLD(threshold=1.5)}, "turn_detection.threshold=1.5 is above the maximum 1.0"),
    ({"turn_detection": THRESHOLD(threshold=-0.1)}, "turn_detection.threshold=-0.1 is below the minimum 0.0"),
    ({"client_secret": _expiring_after(5)}, "client_secret.expires_after.seconds=5 is below the minimum 10"),
    ({"client_secret": _expiring_after(7201)}, "client_secret.expires_after.seconds=7201 is above the maximum 7200"),
    ({"input_audio_format": "mp3"}, "input_audio_format='mp3' is not one of 'pcm16', 'g711_ulaw', 'g711_alaw'"),
    ({"modalities": ["text", "video"]}, "modalities[1]='video' is not one of 'text', 'audio'"),
    (
        {"turn_detection": THRESHOLD(type_="loud")},  # type: ignore[arg-type]
        "turn_detection.type='loud' is not one of 'server_vad', 'semantic_vad'",
    ),
    ({"temperature": "hot"}, "temperature='hot' is a string where a number belongs"),
    ({"temperature": True}, "temperature=True is a boolean where a number belongs"),
    ({"instructions": 42}, "instructions=42 is a number where a string belongs"),
    ({"voice": 7}, "voice=7 is a number where a string belongs"),
    ({"tracing": "on"}, "tracing='on' is not 'auto'"),
    ({"tracing": 3}, "tracing=3 is a number where a string or an object belongs"),
    ({TOKENS: [1]}, f"{TOKENS}=[1] is an array where an integer or a string belongs"),
    # A string where an array belongs is reported as that, not as its first character.
    ({"modalities": "audio"}, "modalities='audio' is a string where an array belongs"),
    # Plain dicts where a nested model belongs are checked like the rest of the body.
    (
        {"turn_detection": {"type": "server_vad", "threshold": 1.5}},
        "turn_detection.threshold=1.5 is above the maximum 1.0",
    ),
    ({"turn_detection": {"type": "loud"}}, "turn_detection.type='loud' is not one of 'server_vad', 'semantic_vad'"),
    ({"tools": [{"name": "lookup"}]}, "tools[0].type is required"),
    ({"tracing": {"workflow_name": 3}}, "tracing.workflow_name=3 is a number where a string belongs"),
    (
        {"client_secret": {"expires_after": {"anchor": "created_at", "seconds": 5}}},
        "client_secret.expires_after.seconds=5 is below the minimum 10",
    ),
]


@pytest.mark.parametrize(("fields", "message"), INVALID, ids=[message.split("=")[0] for _, message in INVALID])
def test_an_invalid_request_is_refused_before_anything_is_sent(
    api: RealtimeApi, mock_server: MockServer, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        api.create_realtime_session(RealtimeSessionCreateRequest(**fields))

    assert str(caught.value) == message
    assert mock_server.received == []


def test_validation_errors_are_value_errors_and_api_errors_with_the_field_path(api: RealtimeApi) -> None:
    with pytest.raises(ValueError) as caught:
        api.create_realtime_session(
            RealtimeSessionCreateRequest(turn_detection=RealtimeSessionCreateRequestTurnDetection(threshold=2))
        )

    error = caught.value
    assert isinstance(error, APIError) and isinstance(error, RequestValidationError)
    assert (error.path, error.value) == ("turn_detection.threshold", 2)
    assert error.rule == "is above the maximum 1.0"


@pytest.mark.parametrize(
    "fields", [{"model": "my-org-fine-tune-2027"}, {"voice": "nova-2"}, {"model": "gpt-realtime", "voice": "cedar"}]
)
def test_open_enums_accept_any_string(api: RealtimeApi, mock_server: MockServer, fields: dict[str, str]) -> None:
    api.create_realtime_session(RealtimeSessionCreateRequest(**fields))  # type: ignore[arg-type]

    assert mock_server.received[0].json() == fields


def test_plain_dicts_where_nested_models_belong_are_sent_as_given(api: RealtimeApi, mock_server: MockServer) -> None:
    fields: dict[str, Any] = {
        "turn_detection": {"type": "server_vad", "threshold": 0.5},
        "tools": [{"type": "function", "name": "lookup"}],
        "tracing": {"workflow_name": "support"},
        "client_secret": {"expires_after": {"anchor": "created_at", "seconds": 60}},
    }

    api.create_realtime_session(RealtimeSessionCreateRequest(**fields))

    assert mock_server.received[0].json() == fields
    assert mock_server.received[0].problems == ()


def test_a_plain_dict_for_a_union_of_models_is_sent_as_given_and_checked(
    api: RealtimeApi, mock_server: MockServer
) -> None:
    session = {"type": "realtime", "model": "gpt-realtime", "audio": {"output": {"voice": "marin"}}}

    api.create_realtime_client_secret(RealtimeCreateClientSecretRequest(session=session))  # type: ignore[arg-type]
    with pytest.raises(RequestValidationError) as caught:
        api.create_realtime_client_secret(RealtimeCreateClientSecretRequest(session={"type": "video"}))  # type: ignore[arg-type]

    assert mock_server.received[0].json() == {"session": session}
    assert str(caught.value) == "session.type='video' is not one of 'realtime', 'transcription'"
    assert len(mock_server.received) == 1


def test_a_tuple_where_an_array_belongs_is_sent_as_an_array(api: RealtimeApi, mock_server: MockServer) -> None:
    api.create_realtime_session(RealtimeSessionCreateRequest(modalities=("text",)))  # type: ignore[arg-type]

    assert mock_server.received[0].json() == {"modalities": ["text"]}


@pytest.mark.parametrize("value", [0.6, 1.2, 0.9])
def test_bounds_are_inclusive(api: RealtimeApi, mock_server: MockServer, value: float) -> None:
    api.create_realtime_session(RealtimeSessionCreateRequest(temperature=value, max_response_output_tokens=4096))

    assert mock_server.received[0].problems == ()


def test_validation_can_be_turned_off_to_reach_a_server_that_accepts_more(mock_server: MockServer) -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url, client_side_validation=False, max_retries=0)

    with pytest.raises(BadRequestError) as caught:
        RealtimeApi(client).create_realtime_session(RealtimeSessionCreateRequest(temperature=2.5))

    assert caught.value.param == "temperature"  # the server, not the client, refused it
    assert mock_server.received[0].json() == {"temperature": 2.5}


def test_a_body_that_cannot_become_json_is_refused_whatever_the_switch(mock_server: MockServer) -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url, client_side_validation=False)
    api = RealtimeApi(client)

    with pytest.raises(RequestValidationError, match="cannot be turned into JSON"):
        api.create_realtime_session(RealtimeSessionCreateRequest(temperature=math.nan))
    with pytest.raises(RequestValidationError, match="cannot be turned into JSON"):
        api.create_realtime_session(RealtimeSessionCreateRequest(turn_detection="off"))  # type: ignore[arg-type]

    assert mock_server.received == []


def test_a_missing_required_field_is_named_by_its_path() -> None:
    body = {"client_secret": {"expires_after": {"seconds": 60}}}

    with pytest.raises(RequestValidationError) as caught:
        check_request_body(body, BODY_SCHEMA)

    assert str(caught.value) == "client_secret.expires_after.anchor is required"
