"""Answers that do not fit the description: a union member of a `type` the client does not know
arrives as UnknownVariant; anything else raises APIResponseValidationError saying what did not fit
and where, never with an empty message and never with a secret."""

from typing import Any

import pytest
from openai_realtime_client import APIResponseValidationError, RealtimeApi, UnknownVariant
from openai_realtime_client.errors import ResponseShapeError
from openai_realtime_client.models import (
    RealtimeCreateClientSecretRequest,
    RealtimeCreateClientSecretResponse,
    RealtimeSessionCreateRequestGAAudioInput,
    RealtimeTurnDetectionServerVad,
)

from tests.contract.test_token_endpoints import TRANSCRIPTION_SESSION
from tools.servers.mock_server import MockServer, ScriptedResponse

SECRET = "ek_secret_do_not_print_4711"


def _answer(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"value": SECRET, "expires_at": 2, "session": dict(TRANSCRIPTION_SESSION)}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_answer(expires_at=None), "expires_at: required field missing in RealtimeCreateClientSecretResponse"),
        (
            _answer(session={"id": "sess_1"}),
            "session: an object fits none of RealtimeSessionCreateResponseGA | "
            "RealtimeTranscriptionSessionCreateResponseGA",
        ),
        (
            _answer(session=dict(TRANSCRIPTION_SESSION, audio="loud")),
            "session.audio: a string does not fit RealtimeTranscriptionSessionCreateResponseGA.audio",
        ),
        (
            _answer(session=dict(TRANSCRIPTION_SESSION, audio={"input": {"format": {"type": 5}}})),
            "session.audio.input.format: an object fits none of RealtimeAudioFormatsAudioPcm",
        ),
        (["not", "an", "object"], "the body: TypeError: expected dict[str, Any], got list"),
    ],
    ids=["missing field", "no union member", "wrong JSON type", "nested union", "not an object"],
)
def test_a_response_that_does_not_fit_says_what_and_where(
    api: RealtimeApi, mock_server: MockServer, body: Any, message: str
) -> None:
    mock_server.script(ScriptedResponse(body=body))

    with pytest.raises(APIResponseValidationError) as caught:
        api.create_realtime_client_secret(RealtimeCreateClientSecretRequest())

    text = str(caught.value)
    assert message in text
    assert SECRET not in text
    assert not text.rstrip().endswith(":")


def test_a_nested_union_member_of_an_unknown_type_is_kept_and_round_trips() -> None:
    data = {"turn_detection": {"type": "push_to_talk", "hold_ms": 300}}

    parsed = RealtimeSessionCreateRequestGAAudioInput.from_dict(data)

    assert isinstance(parsed.turn_detection, UnknownVariant)
    assert parsed.turn_detection["hold_ms"] == 300 and "type" in parsed.turn_detection
    assert parsed.to_dict() == data
    known = RealtimeSessionCreateRequestGAAudioInput.from_dict({"turn_detection": {"type": "server_vad"}})
    assert isinstance(known.turn_detection, RealtimeTurnDetectionServerVad)


def test_an_unknown_variant_shows_neither_values_nor_secrets() -> None:
    variant = UnknownVariant({"type": "translation", "client_secret": SECRET})

    assert repr(variant) == "UnknownVariant(type='translation', fields=['client_secret', 'type'])"
    assert variant == UnknownVariant(dict(variant.raw)) and variant != UnknownVariant({"type": "other"})
    assert variant.to_dict() == {"type": "translation", "client_secret": SECRET}


def test_from_dict_raises_the_shape_error_with_its_path() -> None:
    with pytest.raises(ResponseShapeError) as caught:
        RealtimeCreateClientSecretResponse.from_dict(_answer(session=dict(TRANSCRIPTION_SESSION, audio=[1])))

    assert caught.value.path == "session.audio"
    assert isinstance(caught.value, ValueError)
