"""runtime/openai_realtime_client/_wire.py: multipart and text bodies, path segments, text answers,
required headers and the id a Location names."""

import json
import re
import secrets
import warnings
from email.parser import BytesParser
from email.policy import HTTP

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime.openai_realtime_client import _wire
from runtime.openai_realtime_client.errors import RequestValidationError

OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
PARTS = (("sdp", "application/sdp"), ("session", "application/json"))


def _read_parts(body: bytes, content_type: str) -> list[tuple[str, str, bytes]]:
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    result = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        result.append((str(part.get_param("name", header="content-disposition")), part.get_content_type(), payload))
    return result


def test_multipart_sends_the_parts_present_in_order_each_with_its_media_type() -> None:
    body, content_type = _wire.encode_multipart({"session": {"type": "realtime", "é": 1}, "sdp": OFFER}, PARTS, True)

    assert content_type.startswith("multipart/form-data; boundary=")
    parts = _read_parts(body, content_type)
    assert [(name, kind) for name, kind, _ in parts] == [("sdp", "application/sdp"), ("session", "application/json")]
    assert parts[0][2] == OFFER.encode()
    assert parts[1][2] == '{"type":"realtime","é":1}'.encode()
    only_sdp, _ = _wire.encode_multipart({"sdp": OFFER}, PARTS, True)
    assert b'name="session"' not in only_sdp


@given(st.text(alphabet="-abcdef0123456789\r\nv=", max_size=200))
def test_the_boundary_never_occurs_inside_a_part(text: str) -> None:
    body, content_type = _wire.encode_multipart({"sdp": "v=0\r\n" + text}, PARTS, False)

    boundary = content_type.split("boundary=", 1)[1]
    assert body.count(boundary.encode()) == 2  # the one opening delimiter and the closing one
    assert _read_parts(body, content_type)[0][2] == ("v=0\r\n" + text).encode()


def test_each_call_gets_a_fresh_boundary() -> None:
    first = _wire.encode_multipart({"sdp": OFFER}, PARTS, True)[1]
    second = _wire.encode_multipart({"sdp": OFFER}, PARTS, True)[1]
    assert first != second


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"sdp": "hello"}, "sdp='hello' is not an SDP session description"),
        ({"sdp": 5}, r"sdp=5 must be text \(str\) to be sent as application/sdp"),
        ({"sdp": OFFER, "session": {"x": float("nan")}}, "cannot be turned into JSON"),
    ],
)
def test_multipart_refuses_a_part_it_cannot_send(payload: dict[str, object], message: str) -> None:
    with pytest.raises(RequestValidationError, match=message):
        _wire.encode_multipart(payload, PARTS, True)


def test_a_text_part_is_not_checked_when_validation_is_off() -> None:
    body, _ = _wire.encode_multipart({"sdp": "hello"}, PARTS, False)
    assert b"hello" in body


@pytest.mark.parametrize(
    ("value", "expected"),
    [("rtc_1", "rtc_1"), ("a b", "a%20b"), ("x?y#z", "x%3Fy%23z"), ("%2F", "%252F"), ("ü", "%C3%BC")],
)
def test_a_path_segment_is_percent_encoded(value: str, expected: str) -> None:
    assert _wire.path_segment("call_id", value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "call_id='' must not be empty"),
        ("a/b", "call_id='a/b' must not contain a slash"),
        ("a\\b", "must not contain a slash"),
        ("..", "call_id='..' must not be a dot segment"),
        (".", "must not be a dot segment"),
        (7, "call_id=7 must be a string"),
    ],
)
def test_a_path_segment_that_would_address_something_else_is_refused(value: object, message: str) -> None:
    with pytest.raises(RequestValidationError, match=message):
        _wire.path_segment("call_id", value)


def test_a_text_answer_is_decoded_and_checked() -> None:
    assert _wire.decode_text("application/sdp", b"\r\nv=0\r\ns=-\r\n") == "\r\nv=0\r\ns=-\r\n"
    assert _wire.decode_text("text/plain", "hé".encode()) == "hé"
    with pytest.raises(ValueError, match="the application/sdp body is not UTF-8 text"):
        _wire.decode_text("application/sdp", b"v=0\xff")
    with pytest.raises(ValueError, match="is not an SDP session description"):
        _wire.decode_text("application/sdp", json.dumps({"error": None}).encode())


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/v1/realtime/calls/rtc_1", "rtc_1"),
        ("https://api.example/v1/realtime/calls/rtc_2/", "rtc_2"),
        ("/realtime/calls/rtc%203", "rtc 3"),
    ],
)
def test_the_created_id_is_the_segment_under_the_collection(location: str, expected: str) -> None:
    assert _wire.created_id(location, "/realtime/calls") == expected


@pytest.mark.parametrize("location", ["/v1/realtime/sessions/x", "/v1/realtime/calls", "/v1/realtime/calls/a/b"])
def test_a_location_elsewhere_is_refused(location: str) -> None:
    with pytest.raises(ValueError, match="does not name a resource under /realtime/calls/"):
        _wire.created_id(location, "/realtime/calls")


def test_a_required_header_must_be_there_and_not_blank() -> None:
    assert _wire.required_header({"Location": " /x "}, "Location") == "/x"
    for headers in ({}, {"Location": "  "}):
        with pytest.raises(ValueError, match="the answer has no Location header"):
            _wire.required_header(headers, "Location")


def test_a_deprecation_warns_once_per_operation() -> None:
    _wire._WARNED.discard("/op")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _wire.warn_deprecated("/op", "use the other one")
        _wire.warn_deprecated("/op", "use the other one")
    assert [(w.category, str(w.message)) for w in caught] == [(DeprecationWarning, "use the other one")]


SDP_REFUSAL = "is not an SDP session description (its first line must be v=0)"


@pytest.mark.parametrize("text", ["v=0\r\ns=-\r\n", "v=0\ns=-\n", "\r\n\n\r\nv=0\r\ns=-\r\n", "v=0"])
def test_a_description_whose_first_line_is_v0_passes(text: str) -> None:
    assert _wire.text_problem("application/sdp", text) is None


# Only CR and LF before the first line are skipped, and only the CR of a CRLF after it: anything else
# makes the first line something other than exactly "v=0".
@pytest.mark.parametrize(
    "text",
    [
        "",
        " v=0\r\n",
        "\tv=0\r\n",
        "Xv=0\r\n",
        "v=0 \r\n",
        "v=0\t\r\n",
        "v=0X\r\n",
        "v=0 s=-\r\n",
        "v=1\r\n",
        "s=-\r\n" + OFFER,
    ],
)
def test_a_description_whose_first_line_is_not_exactly_v0_is_refused(text: str) -> None:
    assert _wire.text_problem("application/sdp", text) == SDP_REFUSAL


@pytest.mark.parametrize(
    "media_type", ["application/sdp", "Application/SDP", "application/sdp;charset=utf-8", "application/sdp ; a=1; b=2"]
)
def test_the_check_is_chosen_by_the_media_type_without_its_parameters(media_type: str) -> None:
    assert _wire.text_problem(media_type, "hello") == SDP_REFUSAL
    assert _wire.text_problem(media_type, OFFER) is None


def test_a_media_type_without_a_check_passes_any_text() -> None:
    assert _wire.text_problem("text/plain", "hello") is None
    assert _wire.text_problem("text/plain; profile=application/sdp", "hello") is None


def test_a_refused_text_is_shown_shortened_to_60_characters() -> None:
    for length, shown in ((60, "x" * 60), (61, "x" * 60 + "...")):
        with pytest.raises(RequestValidationError) as caught:
            _wire.encode_text("sdp", "application/sdp", "x" * length, True)
        assert str(caught.value) == f"sdp={shown!r} {SDP_REFUSAL}"


def test_the_multipart_body_is_exactly_the_parts_between_their_delimiters(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    def token_hex(nbytes: int) -> str:
        asked.append(nbytes)
        return "0f" * nbytes

    monkeypatch.setattr(secrets, "token_hex", token_hex)
    parts = (("sdp", "application/sdp"), ('a/b "é"', "application/vnd.test+json"))
    body, content_type = _wire.encode_multipart({"sdp": OFFER, 'a/b "é"': [1, "é"]}, parts, True)

    boundary = "----openai-realtime-" + "0f" * 16
    assert asked == [16]  # 128 random bits
    assert content_type == f"multipart/form-data; boundary={boundary}"
    assert (
        body
        == (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="sdp"\r\n'
            "Content-Type: application/sdp\r\n\r\n"
            f"{OFFER}\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="a%2Fb%20%22%C3%A9%22"\r\n'
            "Content-Type: application/vnd.test+json\r\n\r\n"
            '[1,"é"]\r\n'
            f"--{boundary}--\r\n"
        ).encode()
    )


def test_the_boundary_is_32_hex_digits_after_the_prefix_within_rfc_2046s_70_characters() -> None:
    boundary = _wire.encode_multipart({"sdp": OFFER}, PARTS, True)[1].split("boundary=", 1)[1]
    assert re.fullmatch(r"----openai-realtime-[0-9a-f]{32}", boundary)
    assert len(boundary) <= 70


def test_a_part_missing_from_the_payload_does_not_stop_the_ones_after_it() -> None:
    body, content_type = _wire.encode_multipart({"session": {"type": "realtime"}}, PARTS, True)
    assert _read_parts(body, content_type) == [("session", "application/json", b'{"type":"realtime"}')]


def test_a_json_part_that_cannot_be_encoded_names_the_part_and_its_value() -> None:
    with pytest.raises(RequestValidationError) as caught:
        _wire.encode_multipart({"sdp": OFFER, "session": {"x": float("nan")}}, PARTS, True)
    assert caught.value.path == "session"
    assert repr(caught.value.value) == "{'x': nan}"
    assert str(caught.value).startswith("session={'x': nan} cannot be turned into JSON: Out of range float")


@pytest.mark.parametrize(
    ("location", "collection", "expected"),
    [
        ("/v1/realtime/calls/rtc_X", "/realtime/calls", "rtc_X"),
        ("/v1/realtime/calls/rtc_X//", "/realtime/calls", "rtc_X"),
        ("/realtime/calls/a%2Fb", "/realtime/calls", "a/b"),
    ],
)
def test_the_created_id_keeps_every_character_of_its_segment(location: str, collection: str, expected: str) -> None:
    assert _wire.created_id(location, collection) == expected


@pytest.mark.parametrize(
    "location", ["/v1/xrealtime/calls/rtc_1", "/v1/realtime/calls_old/rtc_1", "/v1/realtime/callsX/rtc_1"]
)
def test_a_location_under_a_collection_that_only_ends_alike_is_refused(location: str) -> None:
    with pytest.raises(ValueError) as caught:
        _wire.created_id(location, "/realtime/calls")
    assert str(caught.value) == f"the Location header {location!r} does not name a resource under /realtime/calls/"


def test_a_long_location_is_shown_shortened_in_the_refusal() -> None:
    location = "/v1/realtime/sessions/" + "s" * 60
    with pytest.raises(ValueError) as caught:
        _wire.created_id(location, "/realtime/calls")
    assert (
        str(caught.value)
        == f"the Location header {location[:60] + '...'!r} does not name a resource under /realtime/calls/"
    )
