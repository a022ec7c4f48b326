"""Each refusal of runtime/openai_realtime_client/webhooks.py says exactly what is wrong, and the
header rules hold at their edges (tests/unit/test_webhooks.py compares verdicts with the reference
implementation; this pins the messages and boundaries it does not compare)."""

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from runtime.openai_realtime_client import webhooks

KEY = b"k" * 32
BODY = b'{"type": "x"}'
NOW = 1_767_225_600


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(webhooks, "_now", lambda: NOW)
    yield


def _headers(timestamp: int | str = NOW, msg_id: str = "wh_1", signature: str | None = None) -> dict[str, str]:
    if signature is None:
        signature = webhooks.sign(BODY, KEY, msg_id, int(timestamp))
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": signature}


def _refusal(headers: Any, payload: Any = BODY, kind: type[Exception] = webhooks.WebhookVerificationError) -> str:
    with pytest.raises(kind) as raised:
        webhooks.unwrap(payload, headers, KEY, tolerance=NOW + 100)  # verifies, then reads the body
    return str(raised.value)


SHAPE = "headers must be a mapping, an object with .items(), or (name, value) pairs"


@pytest.mark.parametrize("headers", ["webhook-id: x", b"raw", 7, [("a", "b", "c")], ["ab"]])
def test_headers_of_the_wrong_shape_are_a_type_error_saying_which_shapes_work(headers: Any) -> None:
    assert _refusal(headers, kind=TypeError) == SHAPE


def test_header_pairs_may_have_bytes_names_but_nothing_else() -> None:
    pairs = [(name.encode(), value) for name, value in _headers().items()]
    webhooks.verify_signature(BODY, pairs, KEY, tolerance=NOW + 100)
    assert _refusal([(7, "x")], kind=TypeError) == "a header name must be str or bytes, not int"


def test_header_values_must_be_utf8_text() -> None:
    headers: dict[str, Any] = {**_headers(), "webhook-id": b"\xff"}
    assert _refusal(headers) == "the webhook-id header is not UTF-8"
    headers["webhook-id"] = 5
    assert _refusal(headers, kind=TypeError) == "the webhook-id header must be str or bytes, not int"


@pytest.mark.parametrize("timestamp", ["0", "7", "1" * 20])
def test_a_timestamp_in_plain_decimal_is_read_even_at_its_edges(timestamp: str) -> None:
    assert webhooks._timestamp(timestamp) == int(timestamp)


@pytest.mark.parametrize("timestamp", ["00", "01", "1" * 21, "+1", "1.0", "\u0661"])
def test_any_other_spelling_of_the_timestamp_is_refused(timestamp: str) -> None:
    with pytest.raises(webhooks.MalformedHeaderError) as raised:
        webhooks._timestamp(timestamp)
    assert str(raised.value) == "the webhook-timestamp header is not whole seconds since the Unix epoch"


def test_a_signature_entry_is_split_at_its_first_comma() -> None:
    assert webhooks._offered_signatures("v1,a,b v2,c v1,d") == [b"a,b", b"d"]


def test_sign_takes_any_timestamp_from_zero_and_refuses_bad_arguments_saying_why() -> None:
    assert webhooks.sign(BODY, KEY, "wh_1", 0).startswith("v1,")
    with pytest.raises(ValueError) as raised:
        webhooks.sign(BODY, KEY, "wh_1", -1)
    assert str(raised.value) == "timestamp must be whole seconds since the Unix epoch, 0 or more"
    with pytest.raises(ValueError) as raised:
        webhooks.sign(BODY, KEY, " wh_1", 1)
    assert str(raised.value) == "msg_id must be a non-empty string without surrounding whitespace"


def test_a_signed_body_that_is_not_json_is_refused_as_such() -> None:
    body = b"\xff not json"
    headers = {**_headers(), "webhook-signature": webhooks.sign(body, KEY, "wh_1", NOW)}
    assert _refusal(headers, payload=body, kind=webhooks.MalformedPayloadError) == "the signed body is not UTF-8 JSON"


def _verify_refusal(
    payload: Any = BODY, headers: Any = None, secret: Any = KEY, tolerance: Any = 300
) -> tuple[type[Exception], str]:
    with pytest.raises(Exception) as raised:
        webhooks.verify_signature(payload, _headers() if headers is None else headers, secret, tolerance)
    return type(raised.value), str(raised.value)


def test_each_refusal_of_the_body_the_secret_or_the_tolerance_says_exactly_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _verify_refusal(payload=BODY.decode()) == (
        webhooks.PayloadNotBytesError,
        "the webhook body must be the bytes received, not a str: decoding and re-encoding can change the bytes "
        "and break the signature (use e.g. request.get_data() or await request.body())",
    )
    assert _verify_refusal(payload=[1]) == (webhooks.PayloadNotBytesError, "the webhook body must be bytes, not list")
    for tolerance in (-1, True, 1.5):
        assert _verify_refusal(tolerance=tolerance) == (
            ValueError,
            "tolerance must be a whole number of seconds, 0 or more",
        )
    monkeypatch.delenv("OPENAI_WEBHOOK_SECRET", raising=False)
    assert _verify_refusal(secret=None) == (
        webhooks.MissingSecretError,
        "no webhook secret: pass secret= or set OPENAI_WEBHOOK_SECRET",
    )
    assert _verify_refusal(secret="whsec_a!b") == (
        webhooks.InvalidSecretError,
        "the webhook secret is not base64 after the optional whsec_ prefix (pass bytes to use a raw key)",
    )
    assert _verify_refusal(secret="whsec_") == (webhooks.InvalidSecretError, "the webhook secret is empty")
    assert _verify_refusal(secret=bytearray()) == (webhooks.InvalidSecretError, "the webhook secret is empty")
    assert _verify_refusal(secret=1.5) == (TypeError, "the webhook secret must be str or bytes, not float")


def test_a_body_may_come_as_any_bytes_like_object() -> None:
    for payload in (bytearray(BODY), memoryview(BODY)):
        webhooks.verify_signature(payload, _headers(), KEY, tolerance=0)
    assert webhooks.sign(memoryview(BODY), KEY, "wh_1", NOW) == _headers()["webhook-signature"]


def test_each_refusal_of_the_headers_or_the_signature_says_exactly_what_is_wrong() -> None:
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        headers = {**_headers(), name: "  "}
        assert _verify_refusal(headers=headers) == (
            webhooks.MissingHeaderError,
            f"the {name} header is missing or empty",
        )
    repeated = [*_headers().items(), (" Webhook-ID ", "wh_2")]
    assert _verify_refusal(headers=repeated) == (
        webhooks.MalformedHeaderError,
        "the webhook-id header appears more than once",
    )
    for entry in ("v1", ",abc", "v1,"):
        assert _verify_refusal(headers={**_headers(), "webhook-signature": entry}) == (
            webhooks.MalformedHeaderError,
            "an entry of the webhook-signature header is not in the form version,signature",
        )
    assert _verify_refusal(headers={**_headers(), "webhook-signature": "v2,abc v1a,def"}) == (
        webhooks.NoMatchingSignatureError,
        "the webhook-signature header has no v1 signature",
    )
    assert _verify_refusal(headers={**_headers(), "webhook-signature": "v1,abc"}) == (
        webhooks.NoMatchingSignatureError,
        "no v1 signature in the webhook-signature header matches this body, id, timestamp and secret",
    )
    assert _verify_refusal(headers=_headers(timestamp=NOW - 301)) == (
        webhooks.TimestampTooOldError,
        "the webhook-timestamp is 301 seconds old, more than the 300 allowed (late or replayed)",
    )
    assert _verify_refusal(headers=_headers(timestamp=NOW + 302)) == (
        webhooks.TimestampInFutureError,
        "the webhook-timestamp is 302 seconds ahead of this machine's clock, more than the 300 allowed "
        "(is the clock right?)",
    )


def test_padding_is_read_only_at_the_end_of_the_secret_and_other_headers_are_skipped() -> None:
    encoded = base64.b64encode(KEY).decode()
    assert _verify_refusal(secret="whsec_=" + encoded) == (
        webhooks.InvalidSecretError,
        "the webhook secret is not base64 after the optional whsec_ prefix (pass bytes to use a raw key)",
    )
    # Padding at the end is optional, however much of it there is.
    webhooks.verify_signature(BODY, _headers(), "whsec_" + encoded.rstrip("=") + "===", tolerance=0)
    pairs = [("Content-Type", "application/json"), ("X-Other", "1"), *_headers().items(), ("Host", "example.test")]
    webhooks.verify_signature(BODY, pairs, "whsec_" + encoded, tolerance=0)
