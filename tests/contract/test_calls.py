"""The calls operations (create, accept, hangup, refer, reject) and translation client secrets against the
spec-driven mock: what goes on the wire (multipart parts with their own media types, bare SDP, path
parameters, empty bodies), what comes back (SDP text, the call id from Location, None), the checks
made before sending, and the exception for each documented error status."""

import asyncio
import json
import warnings
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import pytest
from openai_realtime_client import (
    APIResponseValidationError,
    AsyncRealtimeApi,
    AuthenticationError,
    BadRequestError,
    BetaApiShapeDisabledError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RealtimeApi,
    RequestValidationError,
    UnprocessableEntityError,
)
from openai_realtime_client._wire import _WARNED
from openai_realtime_client.api.realtime import CreateRealtimeCallResult
from openai_realtime_client.models import (
    RealtimeCallCreateRequest,
    RealtimeCallReferRequest,
    RealtimeCallRejectRequest,
    RealtimeCreateClientSecretRequest,
    RealtimeSessionCreateRequest,
    RealtimeSessionCreateRequestGA,
    RealtimeTranslationClientSecretCreateRequest,
    RealtimeTranslationClientSecretCreateRequestExpiresAfter,
    RealtimeTranslationClientSecretCreateResponse,
    RealtimeTranslationSessionCreateRequest,
)

from tools.servers.mock_server import MockServer, ScriptedResponse

OFFER = (
    "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendrecv\r\n"
)
CALL_ID = "rtc_0123456789abcdef0123456789abcdef"


def _parts(body: bytes, content_type: str) -> list[tuple[str, str, bytes]]:
    """(name, Content-Type, payload) of each part of a multipart body, read with the standard library."""
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    assert message.is_multipart()
    parts = []
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        parts.append((name, part.get_content_type(), payload))
    return parts


# --- create_realtime_call


def test_create_call_sends_multipart_parts_with_their_media_types(api: RealtimeApi, mock_server: MockServer) -> None:
    session = RealtimeSessionCreateRequestGA(type_="realtime", model="gpt-realtime", instructions="Be brief.")

    result = api.create_realtime_call(RealtimeCallCreateRequest(sdp=OFFER, session=session))

    (received,) = mock_server.received
    assert received.problems == ()
    assert received.path.endswith("/realtime/calls")
    content_type = received.header("content-type") or ""
    assert content_type.startswith("multipart/form-data; boundary=")
    assert received.header("accept") == "application/sdp"
    parts = _parts(received.body, content_type)
    assert [(name, media) for name, media, _ in parts] == [("sdp", "application/sdp"), ("session", "application/json")]
    assert parts[0][2].decode() == OFFER
    assert json.loads(parts[1][2]) == {"type": "realtime", "model": "gpt-realtime", "instructions": "Be brief."}
    assert isinstance(result, CreateRealtimeCallResult)
    assert result.sdp.startswith("v=0")
    assert result.call_id.startswith("rtc_")
    assert result.location.endswith("/realtime/calls/" + result.call_id)
    assert result.sdp not in repr(result)


def test_create_call_without_a_session_is_still_multipart(api: RealtimeApi, mock_server: MockServer) -> None:
    api.create_realtime_call(RealtimeCallCreateRequest(sdp=OFFER))

    (received,) = mock_server.received
    assert received.problems == ()
    parts = _parts(received.body, received.header("content-type") or "")
    assert [(name, media) for name, media, _ in parts] == [("sdp", "application/sdp")]


def test_create_call_sends_bare_sdp_only_when_asked(api: RealtimeApi, mock_server: MockServer) -> None:
    result = api.create_realtime_call(OFFER, content_type="application/sdp")

    (received,) = mock_server.received
    assert received.problems == ()
    assert received.header("content-type") == "application/sdp"
    assert received.body == OFFER.encode()
    assert result.call_id.startswith("rtc_")


def test_create_call_with_http_info_gives_the_raw_headers(api: RealtimeApi, mock_server: MockServer) -> None:
    info = api.create_realtime_call_with_http_info(RealtimeCallCreateRequest(sdp=OFFER))

    assert info.status_code == 201
    assert info.headers["location"] == info.data.location
    assert info.request_id is not None and info.request_id.startswith("req_")
    assert info.raw_data.decode() == info.data.sdp


def test_create_call_reads_the_call_id_from_an_absolute_location(api: RealtimeApi, mock_server: MockServer) -> None:
    mock_server.script(
        ScriptedResponse(
            status=201,
            body="v=0\r\ns=-\r\n",
            headers={"Content-Type": "application/sdp", "Location": "https://api.example/v1/realtime/calls/rtc_9"},
        )
    )
    assert api.create_realtime_call(RealtimeCallCreateRequest(sdp=OFFER)).call_id == "rtc_9"


@pytest.mark.parametrize(
    ("headers", "body", "message"),
    [
        ({}, "v=0\r\n", "the answer has no Location header"),
        ({"Location": "/v1/realtime/sessions/x"}, "v=0\r\n", "does not name a resource under /realtime/calls/"),
        ({"Location": "/v1/realtime/calls/"}, "v=0\r\n", "does not name a resource under /realtime/calls/"),
        ({"Location": "/v1/realtime/calls/rtc_1"}, '{"error": null}', "is not an SDP session description"),
        ({"Location": "/v1/realtime/calls/rtc_1"}, b"v=0\r\n\xff", "is not UTF-8 text"),
    ],
    ids=["no-location", "other-resource", "no-id", "not-sdp", "not-utf8"],
)
def test_create_call_answer_that_breaks_the_description_raises(
    api: RealtimeApi, mock_server: MockServer, headers: dict[str, str], body: str | bytes, message: str
) -> None:
    mock_server.script(ScriptedResponse(status=201, body=body, headers={"Content-Type": "application/sdp", **headers}))

    with pytest.raises(APIResponseValidationError, match=message) as caught:
        api.create_realtime_call(RealtimeCallCreateRequest(sdp=OFFER))
    assert caught.value.status_code == 201


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda api: api.create_realtime_call(RealtimeCallCreateRequest(sdp="hello")), "is not an SDP session"),
        (lambda api: api.create_realtime_call("hello", content_type="application/sdp"), "is not an SDP session"),
        (lambda api: api.create_realtime_call(OFFER), "must be a RealtimeCallCreateRequest"),
        (
            lambda api: api.create_realtime_call(RealtimeCallCreateRequest(sdp=OFFER), content_type="application/sdp"),
            "must be text",
        ),
        (lambda api: api.create_realtime_call(OFFER, content_type="text/plain"), "content_type='text/plain'"),
        (
            lambda api: api.create_realtime_call(
                RealtimeCallCreateRequest.from_dict({"sdp": OFFER, "session": {"type": "realtime", "instructions": 5}})
            ),
            "session.instructions=5",
        ),
    ],
    ids=["not-sdp-part", "not-sdp-bare", "text-as-multipart", "model-as-bare", "unknown-media-type", "bad-session"],
)
def test_create_call_refuses_bad_input_before_sending(
    api: RealtimeApi, mock_server: MockServer, call: Callable[[RealtimeApi], Any], message: str
) -> None:
    with pytest.raises(RequestValidationError, match=message):
        call(api)
    assert mock_server.received == []


def test_the_mock_refuses_a_part_sent_with_another_media_type(api: RealtimeApi, mock_server: MockServer) -> None:
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="sdp"\r\nContent-Type: text/plain\r\n\r\n{OFFER}\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    with pytest.raises(BadRequestError, match="sdp"):
        api.client.request(
            "POST",
            "/realtime/calls",
            body=body,
            content_type=f"multipart/form-data; boundary={boundary}",
            answer="application/sdp",
            parse=str,
            max_retries=0,
        )
    assert mock_server.received[0].problems != ()


def test_the_mock_refuses_a_bare_body_that_is_not_sdp(api: RealtimeApi, mock_server: MockServer) -> None:
    with pytest.raises(BadRequestError, match="SDP"):
        api.client.request(
            "POST", "/realtime/calls", body=b"hi", content_type="application/sdp", answer="application/sdp", parse=str
        )


# --- call control


def test_accept_sends_the_session_to_the_encoded_call_path_and_returns_none(
    api: RealtimeApi, mock_server: MockServer
) -> None:
    session = RealtimeSessionCreateRequestGA(type_="realtime", model="gpt-realtime", instructions="Hello.")

    api.accept_realtime_call("rtc_a b?c", session)

    (received,) = mock_server.received
    assert received.problems == ()
    # Percent-encoded on the wire (an unencoded "?" would have ended the path); the mock reads it decoded.
    assert received.path.endswith("/realtime/calls/rtc_a b?c/accept")
    assert received.json() == {"type": "realtime", "model": "gpt-realtime", "instructions": "Hello."}


def test_hangup_sends_no_body_and_with_http_info_gives_status_and_request_id(
    api: RealtimeApi, mock_server: MockServer
) -> None:
    info = api.hangup_realtime_call_with_http_info(CALL_ID)

    assert (info.status_code, info.data, info.raw_data) == (200, None, b"")
    assert info.request_id is not None
    (received,) = mock_server.received
    assert received.problems == ()
    assert received.path.endswith(f"/realtime/calls/{CALL_ID}/hangup")
    assert received.body == b""


def test_refer_sends_the_target(api: RealtimeApi, mock_server: MockServer) -> None:
    api.refer_realtime_call(CALL_ID, RealtimeCallReferRequest(target_uri="sip:agent@example.com"))
    assert mock_server.received[0].json() == {"target_uri": "sip:agent@example.com"}
    assert mock_server.received[0].problems == ()


def test_reject_without_a_body_sends_none_and_with_one_sends_the_status(
    api: RealtimeApi, mock_server: MockServer
) -> None:
    api.reject_realtime_call(CALL_ID)
    api.reject_realtime_call(CALL_ID, RealtimeCallRejectRequest(status_code=486))

    first, second = mock_server.received
    assert (first.body, first.problems) == (b"", ())
    assert (second.json(), second.problems) == ({"status_code": 486}, ())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda api: api.hangup_realtime_call(""), "call_id='' must not be empty"),
        (lambda api: api.hangup_realtime_call("rtc_1/../x"), "call_id='rtc_1/../x' must not contain a slash"),
        (lambda api: api.accept_realtime_call("..", RealtimeSessionCreateRequestGA()), "call_id='..' must not be"),
        (lambda api: api.refer_realtime_call("a/b", RealtimeCallReferRequest(target_uri="tel:1")), "call_id='a/b'"),
        (lambda api: api.reject_realtime_call("", RealtimeCallRejectRequest()), "call_id='' must not be empty"),
        (lambda api: api.reject_realtime_call(CALL_ID, RealtimeCallRejectRequest(status_code=399)), "status_code=399"),
        (lambda api: api.reject_realtime_call(CALL_ID, RealtimeCallRejectRequest(status_code=700)), "status_code=700"),
        (lambda api: api.refer_realtime_call(CALL_ID, RealtimeCallReferRequest(target_uri=5)), "target_uri=5"),  # type: ignore[arg-type]
    ],
    ids=["empty", "slash", "dot", "refer-slash", "reject-empty", "status-low", "status-high", "no-target"],
)
def test_call_control_refuses_bad_input_before_sending(
    api: RealtimeApi, mock_server: MockServer, call: Callable[[RealtimeApi], Any], message: str
) -> None:
    with pytest.raises(RequestValidationError, match=message):
        call(api)
    assert mock_server.received == []


# --- translation client secrets


def test_translation_secret_sends_every_field_and_masks_the_secret(api: RealtimeApi, mock_server: MockServer) -> None:
    request = RealtimeTranslationClientSecretCreateRequest.from_dict(
        {
            "expires_after": {"anchor": "created_at", "seconds": 7200},
            "session": {
                "model": "gpt-realtime-translate",
                "audio": {
                    "input": {
                        "transcription": {"model": "gpt-4o-transcribe"},
                        "noise_reduction": {"type": "far_field"},
                    },
                    "output": {"language": "de"},
                },
            },
        }
    )

    answer = api.create_realtime_translation_client_secret(request)

    (received,) = mock_server.received
    assert received.problems == ()
    assert received.json() == request.to_dict()
    assert isinstance(answer, RealtimeTranslationClientSecretCreateResponse)
    assert answer.value.startswith("ek_")
    assert answer.value not in repr(answer)
    assert answer.session.type_ == "translation"


@pytest.mark.parametrize("seconds", [9, 7201])
def test_translation_secret_lifetime_bounds_are_checked_before_sending(
    api: RealtimeApi, mock_server: MockServer, seconds: int
) -> None:
    request = RealtimeTranslationClientSecretCreateRequest(
        session=RealtimeTranslationSessionCreateRequest(model="gpt-realtime-translate"),
        expires_after=RealtimeTranslationClientSecretCreateRequestExpiresAfter(seconds=seconds),
    )
    with pytest.raises(RequestValidationError, match=f"expires_after.seconds={seconds}"):
        api.create_realtime_translation_client_secret(request)
    assert mock_server.received == []


# --- every documented error status, for every new operation

OPERATIONS: dict[str, Callable[[RealtimeApi], Any]] = {
    "create_realtime_call": lambda api: api.create_realtime_call(RealtimeCallCreateRequest(sdp=OFFER), max_retries=0),
    "accept_realtime_call": lambda api: api.accept_realtime_call(
        CALL_ID, RealtimeSessionCreateRequestGA(type_="realtime"), max_retries=0
    ),
    "hangup_realtime_call": lambda api: api.hangup_realtime_call(CALL_ID, max_retries=0),
    "refer_realtime_call": lambda api: api.refer_realtime_call(
        CALL_ID, RealtimeCallReferRequest(target_uri="tel:+1"), max_retries=0
    ),
    "reject_realtime_call": lambda api: api.reject_realtime_call(CALL_ID, max_retries=0),
    "create_realtime_translation_client_secret": lambda api: api.create_realtime_translation_client_secret(
        RealtimeTranslationClientSecretCreateRequest(
            session=RealtimeTranslationSessionCreateRequest(model="gpt-realtime-translate")
        ),
        max_retries=0,
    ),
}
STATUSES = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    500: InternalServerError,
}


@pytest.mark.parametrize("status", sorted(STATUSES))
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_each_documented_error_status_raises_its_class(
    api: RealtimeApi, mock_server: MockServer, operation: str, status: int
) -> None:
    error = {"error": {"message": f"scripted {status}", "type": "invalid_request_error", "param": None, "code": None}}
    mock_server.script(ScriptedResponse(status=status, body=error))

    with pytest.raises(STATUSES[status]) as caught:
        OPERATIONS[operation](api)
    assert type(caught.value) is STATUSES[status]
    assert caught.value.status_code == status
    assert caught.value.message == f"scripted {status}"
    assert mock_server.received[0].problems == ()


# --- the beta operations


def test_beta_operations_warn_once_pointing_at_the_ga_call(api: RealtimeApi, mock_server: MockServer) -> None:
    _WARNED.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        api.create_realtime_session(RealtimeSessionCreateRequest(model="gpt-realtime"))
        api.create_realtime_session(RealtimeSessionCreateRequest(model="gpt-realtime"))
    (warning,) = caught
    assert warning.category is DeprecationWarning
    assert warning.filename == __file__  # attributed to the caller, so default filters show it in scripts
    assert "create_realtime_client_secret(RealtimeCreateClientSecretRequest.from_dict(" in str(warning.message)
    # The request it names is one the GA operation takes.
    literal = str(warning.message).split(".from_dict(", 1)[1].rsplit("))", 1)[0]
    RealtimeCreateClientSecretRequest.from_dict(json.loads(literal))
    assert "Deprecated" in (RealtimeApi.create_realtime_session.__doc__ or "")
    assert "Deprecated" in (RealtimeApi.create_realtime_transcription_session.__doc__ or "")


def test_beta_shape_disabled_raises_a_typed_error_naming_the_ga_call(api: RealtimeApi, mock_server: MockServer) -> None:
    error = {
        "error": {
            "message": "The beta Realtime API shape is no longer available.",
            "type": "invalid_request_error",
            "param": None,
            "code": "beta_api_shape_disabled",
        }
    }
    mock_server.script(ScriptedResponse(status=400, body=error))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(BetaApiShapeDisabledError, match="call create_realtime_client_secret") as caught:
            api.create_realtime_session(RealtimeSessionCreateRequest(model="gpt-realtime"), max_retries=0)
    assert isinstance(caught.value, BadRequestError)
    assert caught.value.code == "beta_api_shape_disabled"


# --- the async class has them all


def test_async_api_has_every_operation_of_the_sync_one() -> None:
    public = {name for name in dir(RealtimeApi) if not name.startswith("_")} - {"client"}
    assert public <= set(dir(AsyncRealtimeApi))
    assert {"create_realtime_call", "hangup_realtime_call", "create_realtime_translation_client_secret"} <= public


def test_async_calls_go_on_the_wire_the_same_way(api: RealtimeApi, mock_server: MockServer) -> None:
    async def main() -> tuple[CreateRealtimeCallResult, object]:
        async with AsyncRealtimeApi(api.client) as calls:
            created = await calls.create_realtime_call(RealtimeCallCreateRequest(sdp=OFFER))
            hung_up = await calls.hangup_realtime_call_with_http_info(created.call_id)
            return created, hung_up.data

    created, hung_up = asyncio.run(main())

    assert hung_up is None
    first, second = mock_server.received
    assert (first.problems, second.problems) == ((), ())
    assert (first.header("content-type") or "").startswith("multipart/form-data")
    assert second.path.endswith(f"/realtime/calls/{created.call_id}/hangup")
