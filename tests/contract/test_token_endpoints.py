"""create_realtime_transcription_session and create_realtime_client_secret against the spec-driven mock:
what goes on the wire, how unions are dispatched by `type`, nullables, secrets and client-side bounds."""

import pytest
from openai_realtime_client import RealtimeApi, RequestValidationError, UnknownVariant
from openai_realtime_client.models import (
    AudioTranscription,
    RealtimeAudioFormatsAudioPcm,
    RealtimeAudioFormatsAudioPcmu,
    RealtimeCreateClientSecretRequest,
    RealtimeCreateClientSecretRequestExpiresAfter,
    RealtimeCreateClientSecretResponse,
    RealtimeFunctionTool,
    RealtimeSessionCreateRequestGA,
    RealtimeSessionCreateRequestGAAudio,
    RealtimeSessionCreateRequestGAAudioInput,
    RealtimeSessionCreateRequestGAAudioOutput,
    RealtimeSessionCreateResponseGA,
    RealtimeTranscriptionSessionCreateRequest,
    RealtimeTranscriptionSessionCreateRequestGA,
    RealtimeTranscriptionSessionCreateRequestGAAudio,
    RealtimeTranscriptionSessionCreateRequestGAAudioInput,
    RealtimeTranscriptionSessionCreateRequestTurnDetection,
    RealtimeTranscriptionSessionCreateResponse,
    RealtimeTranscriptionSessionCreateResponseGA,
    RealtimeTranscriptionSessionCreateResponseGAAudio,
    RealtimeTranscriptionSessionCreateResponseGAAudioInput,
    RealtimeTurnDetectionSemanticVad,
    RealtimeTurnDetectionServerVad,
)

from tools.servers.mock_server import MockServer, ScriptedResponse

TRANSCRIPTION_SESSION = {
    "type": "transcription",
    "id": "sess_tr_1",
    "object": "realtime.transcription_session",
    "expires_at": 1798762200,
    "audio": {"input": {"format": {"type": "audio/pcmu"}, "noise_reduction": None, "turn_detection": None}},
}


def test_transcription_session_sends_the_fields_set_and_parses_the_answer(
    api: RealtimeApi, mock_server: MockServer
) -> None:
    request = RealtimeTranscriptionSessionCreateRequest(
        input_audio_transcription=AudioTranscription(model="gpt-4o-transcribe", language="en"),
        turn_detection=RealtimeTranscriptionSessionCreateRequestTurnDetection(type_="server_vad", threshold=0.4),
    )
    session = api.create_realtime_transcription_session(request)

    assert isinstance(session, RealtimeTranscriptionSessionCreateResponse)
    assert session.client_secret.value.startswith("ek_")
    assert session.client_secret.value not in repr(session)
    (received,) = mock_server.received
    assert received.problems == ()
    assert received.path.endswith("/realtime/transcription_sessions")
    assert received.json() == {
        "input_audio_transcription": {"model": "gpt-4o-transcribe", "language": "en"},
        "turn_detection": {"type": "server_vad", "threshold": 0.4},
    }


def test_transcription_model_is_an_open_enum(api: RealtimeApi, mock_server: MockServer) -> None:
    request = RealtimeTranscriptionSessionCreateRequest(
        input_audio_transcription=AudioTranscription(model="gpt-transcribe-2031")
    )
    api.create_realtime_transcription_session(request)

    (received,) = mock_server.received
    assert received.json() == {"input_audio_transcription": {"model": "gpt-transcribe-2031"}}
    assert received.problems == ()  # a model the description does not list is still valid


def test_transcription_answer_with_nulls_parses(api: RealtimeApi, mock_server: MockServer) -> None:
    mock_server.script(
        ScriptedResponse(
            body={
                "client_secret": {"value": "ek_x", "expires_at": 1},
                "turn_detection": None,
                "input_audio_transcription": None,
            }
        )
    )
    session = api.create_realtime_transcription_session(RealtimeTranscriptionSessionCreateRequest())
    assert session.turn_detection is None and session.input_audio_transcription is None


def test_transcription_threshold_is_checked_before_sending(api: RealtimeApi, mock_server: MockServer) -> None:
    request = RealtimeTranscriptionSessionCreateRequest(
        turn_detection=RealtimeTranscriptionSessionCreateRequestTurnDetection(threshold=1.5)
    )
    with pytest.raises(RequestValidationError) as caught:
        api.create_realtime_transcription_session(request)
    assert str(caught.value) == "turn_detection.threshold=1.5 is above the maximum 1.0"
    assert mock_server.received == []


def test_client_secret_for_a_realtime_session(api: RealtimeApi, mock_server: MockServer) -> None:
    request = RealtimeCreateClientSecretRequest(
        expires_after=RealtimeCreateClientSecretRequestExpiresAfter(anchor="created_at", seconds=120),
        session=RealtimeSessionCreateRequestGA(
            model="gpt-realtime",
            audio=RealtimeSessionCreateRequestGAAudio(
                input_=RealtimeSessionCreateRequestGAAudioInput(
                    format_=RealtimeAudioFormatsAudioPcm(rate=24000),
                    turn_detection=RealtimeTurnDetectionSemanticVad(eagerness="high"),
                ),
                output=RealtimeSessionCreateRequestGAAudioOutput(voice="marin"),
            ),
            tools=[RealtimeFunctionTool(name="lookup")],
            max_output_tokens="inf",
        ),
    )
    secret = api.create_realtime_client_secret(request)

    assert isinstance(secret, RealtimeCreateClientSecretResponse)
    assert isinstance(secret.session, RealtimeSessionCreateResponseGA)
    assert secret.session.type_ == "realtime"
    assert secret.value.startswith("ek_") and secret.value not in repr(secret)
    (received,) = mock_server.received
    assert received.problems == ()
    # Every member of a discriminated union sends its `type`, whether or not the caller set it.
    assert received.json() == {
        "expires_after": {"anchor": "created_at", "seconds": 120},
        "session": {
            "type": "realtime",
            "model": "gpt-realtime",
            "audio": {
                "input": {
                    "format": {"type": "audio/pcm", "rate": 24000},
                    "turn_detection": {"type": "semantic_vad", "eagerness": "high"},
                },
                "output": {"voice": "marin"},
            },
            "tools": [{"type": "function", "name": "lookup"}],
            "max_output_tokens": "inf",
        },
    }


def test_client_secret_for_a_transcription_session_is_dispatched_by_type(
    api: RealtimeApi, mock_server: MockServer
) -> None:
    mock_server.script(ScriptedResponse(body={"value": "ek_t", "expires_at": 2, "session": TRANSCRIPTION_SESSION}))
    request = RealtimeCreateClientSecretRequest(
        session=RealtimeTranscriptionSessionCreateRequestGA(
            audio=RealtimeTranscriptionSessionCreateRequestGAAudio(
                input_=RealtimeTranscriptionSessionCreateRequestGAAudioInput(
                    format_=RealtimeAudioFormatsAudioPcmu(),
                    transcription=AudioTranscription(model="gpt-4o-transcribe"),
                    turn_detection=None,
                )
            )
        )
    )
    secret = api.create_realtime_client_secret(request)

    assert mock_server.received[0].problems == ()
    assert mock_server.received[0].json()["session"] == {
        "type": "transcription",
        "audio": {
            "input": {
                "format": {"type": "audio/pcmu"},
                "transcription": {"model": "gpt-4o-transcribe"},
                "turn_detection": None,
            }
        },
    }
    assert isinstance(secret.session, RealtimeTranscriptionSessionCreateResponseGA)
    audio = secret.session.audio
    assert isinstance(audio, RealtimeTranscriptionSessionCreateResponseGAAudio)
    assert isinstance(audio.input_, RealtimeTranscriptionSessionCreateResponseGAAudioInput)
    assert isinstance(audio.input_.format_, RealtimeAudioFormatsAudioPcmu)
    assert secret.session.to_dict() == TRANSCRIPTION_SESSION


def test_union_members_are_parsed_by_their_type_not_by_order() -> None:
    assert isinstance(RealtimeCreateClientSecretResponse.from_dict(
        {"value": "v", "expires_at": 1, "session": TRANSCRIPTION_SESSION}
    ).session, RealtimeTranscriptionSessionCreateResponseGA)  # fmt: skip
    server_vad = RealtimeSessionCreateRequestGAAudioInput.from_dict({"turn_detection": {"type": "server_vad"}})
    assert isinstance(server_vad.turn_detection, RealtimeTurnDetectionServerVad)
    semantic = RealtimeSessionCreateRequestGAAudioInput.from_dict({"turn_detection": {"type": "semantic_vad"}})
    assert isinstance(semantic.turn_detection, RealtimeTurnDetectionSemanticVad)


def test_a_session_of_an_unknown_type_arrives_as_an_unknown_variant(api: RealtimeApi, mock_server: MockServer) -> None:
    # Was an APIResponseValidationError with an empty message ("TypeError: "): a kind of session
    # added after generation must not break old clients (issue 10, point 6).
    session = dict(TRANSCRIPTION_SESSION, type="translation")
    body = {"value": "ek_secret_7", "expires_at": 2, "session": session}
    mock_server.script(ScriptedResponse(body=body))

    answer = api.create_realtime_client_secret(RealtimeCreateClientSecretRequest())

    assert isinstance(answer.session, UnknownVariant)
    assert (answer.session.type, answer.session["id"], answer.session.raw) == ("translation", "sess_tr_1", session)
    assert answer.to_dict() == body
    assert "ek_secret_7" not in repr(answer)


@pytest.mark.parametrize(
    ("request_body", "message"),
    [
        (
            RealtimeCreateClientSecretRequest(expires_after=RealtimeCreateClientSecretRequestExpiresAfter(seconds=5)),
            "expires_after.seconds=5 is below the minimum 10",
        ),
        (
            RealtimeCreateClientSecretRequest(
                session=RealtimeSessionCreateRequestGA(
                    audio=RealtimeSessionCreateRequestGAAudio(
                        input_=RealtimeSessionCreateRequestGAAudioInput(
                            turn_detection=RealtimeTurnDetectionServerVad(threshold=2.0)
                        )
                    )
                )
            ),
            "session.audio.input.turn_detection.threshold=2.0 is above the maximum 1.0",
        ),
        (
            RealtimeCreateClientSecretRequest(session=RealtimeSessionCreateRequestGA(max_output_tokens=0)),
            "session.max_output_tokens=0 is below the minimum 1",
        ),
    ],
)
def test_client_secret_bounds_are_checked_before_sending(
    api: RealtimeApi, mock_server: MockServer, request_body: RealtimeCreateClientSecretRequest, message: str
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        api.create_realtime_client_secret(request_body)
    assert str(caught.value) == message
    assert mock_server.received == []


def test_a_session_type_the_client_does_not_know_is_refused_by_name(api: RealtimeApi) -> None:
    session = RealtimeTranscriptionSessionCreateRequestGA()
    session.type_ = "translation"  # type: ignore[assignment]
    with pytest.raises(RequestValidationError) as caught:
        api.create_realtime_client_secret(RealtimeCreateClientSecretRequest(session=session))
    assert str(caught.value) == "session.type='translation' is not one of 'realtime', 'transcription'"
