"""runtime/openai_realtime_client/webhooks.py, checked against the reference implementation of Standard Webhooks.

Both run with the same frozen clock. Where the two differ on purpose (timestamps that are not canonical
integers, signatures in a non-canonical base64 spelling, a str body) only this module's side is asserted.
"""

import base64
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from typing import Any, Self
from unittest import mock

import pytest
import standardwebhooks
import standardwebhooks.webhooks
from hypothesis import given, settings
from hypothesis import strategies as st
from urllib3 import HTTPHeaderDict
from werkzeug.datastructures import Headers

from runtime.openai_realtime_client import errors, webhooks
from runtime.openai_realtime_client.types import UnknownVariant

NOW = 1_767_225_600  # 2026-01-01T00:00:00Z
TOLERANCE = 300
SETTINGS = settings(max_examples=150, deadline=None)

# --- the clock, frozen for both implementations ----------------------------------------------------


@contextmanager
def clock_at(now: float) -> Iterator[None]:
    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Self:
            return cls.fromtimestamp(now, tz)

    with (
        mock.patch.object(webhooks, "_now", lambda: now),
        mock.patch.object(standardwebhooks.webhooks, "datetime", FrozenDatetime),
    ):
        yield


@pytest.fixture(autouse=True, scope="module")
def _frozen_clock() -> Iterator[None]:
    with clock_at(NOW):
        yield


# --- building and checking deliveries ------------------------------------------------------------------


def whsec(key: bytes) -> str:
    return "whsec_" + base64.b64encode(key).decode()


def headers_for(msg_id: str, timestamp: int | str, signature: str) -> dict[str, str]:
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": signature}


def signed(body: bytes, key: bytes, msg_id: str = "wh_test", timestamp: int = NOW) -> dict[str, str]:
    return headers_for(msg_id, timestamp, webhooks.sign(body, whsec(key), msg_id, timestamp))


def ours_accepts(body: bytes, headers: Any, secret: str | bytes) -> bool:
    try:
        webhooks.verify_signature(body, headers, secret)
    except webhooks.WebhookVerificationError:
        return False
    return True


def reference_accepts(body: bytes, headers: dict[str, str], secret: str | bytes) -> bool:
    try:
        standardwebhooks.Webhook(secret).verify(body, headers, json_parse=False)
    # ValueError: the reference lets a header it cannot split or decode escape as one.
    except (standardwebhooks.WebhookVerificationError, ValueError):
        return False
    return True


def refusal(body: Any, headers: Any, secret: str | bytes | None, tolerance: int = TOLERANCE) -> Exception:
    with pytest.raises(webhooks.WebhookVerificationError) as caught:
        webhooks.verify_signature(body, headers, secret, tolerance)
    error: Exception = caught.value
    return error


# --- strategies ---------------------------------------------------------------------------------------

keys = st.binary(min_size=1, max_size=64)
# What the two read as the same key: the whsec_ form, bare base64, unpadded, or the raw bytes.
SECRET_FORMS: dict[str, Callable[[bytes], str | bytes]] = {
    "whsec": whsec,
    "bare base64": lambda key: base64.b64encode(key).decode(),
    "unpadded": lambda key: base64.b64encode(key).decode().rstrip("="),
    "raw bytes": lambda key: key,
}
# Header values without surrounding whitespace (which HTTP does not carry); any other text.
msg_ids = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=40)
bodies = st.text(st.characters(codec="utf-8"), max_size=300).map(str.encode)
ascii_ids = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789_"), min_size=1, max_size=30)
ascii_bodies = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=300).map(str.encode)


# --- the same verdicts as the reference ---------------------------------------------------------------


@SETTINGS
@given(key=keys, form=st.sampled_from(sorted(SECRET_FORMS)), msg_id=msg_ids, body=bodies, offset=st.integers(-900, 900))
def test_same_signature_and_verdict_as_the_reference(
    key: bytes, form: str, msg_id: str, body: bytes, offset: int
) -> None:
    secret = SECRET_FORMS[form](key)
    timestamp = NOW + offset
    ours = webhooks.sign(body, secret, msg_id, timestamp)
    theirs = standardwebhooks.Webhook(secret).sign(msg_id, datetime.fromtimestamp(timestamp, UTC), body.decode())
    assert ours == theirs
    headers = headers_for(msg_id, timestamp, ours)
    in_window = abs(offset) <= TOLERANCE
    assert ours_accepts(body, headers, secret) is in_window
    assert reference_accepts(body, headers, secret) is in_window


@SETTINGS
@given(key=keys, msg_id=msg_ids, body=st.binary(max_size=300), offset=st.integers(-TOLERANCE, TOLERANCE))
def test_any_body_bytes_round_trip(key: bytes, msg_id: str, body: bytes, offset: int) -> None:
    # The reference decodes the body as UTF-8 first, so bodies that are not UTF-8 are checked here alone.
    headers = headers_for(msg_id, NOW + offset, webhooks.sign(body, key, msg_id, NOW + offset))
    webhooks.verify_signature(body, headers, key)
    webhooks.verify_signature(bytearray(body), headers, key)
    webhooks.verify_signature(memoryview(body), headers, key)


def _replace_byte(data: bytes, index: int, xor: int) -> bytes:
    index %= len(data)
    return data[:index] + bytes([data[index] ^ xor]) + data[index + 1 :]


TAMPERINGS = ["body", "id", "timestamp", "signature", "secret"]


@pytest.mark.parametrize("part", TAMPERINGS)
@SETTINGS
@given(key=keys, msg_id=ascii_ids, body=ascii_bodies, index=st.integers(0, 1000), xor=st.integers(1, 0x7F))
def test_one_changed_byte_is_refused_by_both(
    part: str, key: bytes, msg_id: str, body: bytes, index: int, xor: int
) -> None:
    signature = webhooks.sign(body, whsec(key), msg_id, NOW)
    timestamp = str(NOW)
    assert ours_accepts(body, headers_for(msg_id, timestamp, signature), whsec(key))
    if part == "body":
        body = _replace_byte(body, index, xor)  # stays ASCII, so the reference can decode it
    elif part == "id":
        position = index % len(msg_id)
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_".replace(msg_id[position], "")
        msg_id = msg_id[:position] + alphabet[xor % len(alphabet)] + msg_id[position + 1 :]
    elif part == "timestamp":
        position = index % len(timestamp)
        digits = "123456789" if position == 0 else "0123456789"
        digits = digits.replace(timestamp[position], "")
        timestamp = timestamp[:position] + digits[xor % len(digits)] + timestamp[position + 1 :]
    elif part == "signature":
        raw = _replace_byte(base64.b64decode(signature.removeprefix("v1,")), index, xor)
        signature = "v1," + base64.b64encode(raw).decode()
    else:
        key = _replace_byte(key, index, xor)
    headers = headers_for(msg_id, timestamp, signature)
    assert not reference_accepts(body, headers, whsec(key))
    # The signature is checked before the clock, so even a changed timestamp fails on the signature.
    assert isinstance(refusal(body, headers, whsec(key)), webhooks.NoMatchingSignatureError)


@SETTINGS
@given(
    key=keys, position=st.integers(0, 43), replacement=st.sampled_from(sorted(set(base64.b64encode(bytes(range(256))))))
)
def test_any_other_character_in_the_signature_is_refused(key: bytes, position: int, replacement: int) -> None:
    # Including the last character's spare bits: the reference decodes "...A=" and "...B=" to the same
    # bytes there; this module compares the canonical text and refuses both spellings but the one sent.
    signature = webhooks.sign(b"{}", key, "wh_1", NOW)
    value = signature.removeprefix("v1,")
    character = chr(replacement)
    if value[position] == character:
        return
    forged = "v1," + value[:position] + character + value[position + 1 :]
    assert isinstance(refusal(b"{}", headers_for("wh_1", NOW, forged), key), webhooks.NoMatchingSignatureError)


# --- headers --------------------------------------------------------------------------------------------


@SETTINGS
@given(key=keys, body=bodies, cases=st.lists(st.booleans(), min_size=44, max_size=44))
def test_header_names_in_any_case(key: bytes, body: bytes, cases: list[bool]) -> None:
    flips = iter(cases)
    headers = {
        "".join(c.upper() if next(flips) else c for c in name): value for name, value in signed(body, key).items()
    }
    assert ours_accepts(body, headers, key)
    assert reference_accepts(body, headers, key)


@pytest.mark.parametrize(
    "container",
    [
        pytest.param(dict, id="dict"),
        pytest.param(lambda h: Headers(list(h.items())), id="werkzeug Headers"),
        pytest.param(lambda h: HTTPHeaderDict(h), id="urllib3 HTTPHeaderDict"),
        pytest.param(lambda h: [(name.title(), value) for name, value in h.items()], id="list of pairs"),
        pytest.param(lambda h: [(name.encode(), value.encode()) for name, value in h.items()], id="ASGI bytes pairs"),
    ],
)
def test_header_containers(container: Callable[[dict[str, str]], Any]) -> None:
    key = b"k" * 32
    headers = {"Content-Type": "application/json", **signed(b"{}", key)}
    webhooks.verify_signature(b"{}", container(headers), key)
    headers["webhook-id"] = "wh_other"
    assert isinstance(refusal(b"{}", container(headers), key), webhooks.NoMatchingSignatureError)


@SETTINGS
@given(
    key=keys,
    body=bodies,
    others=st.lists(
        st.one_of(
            st.binary(min_size=32, max_size=32).map(lambda raw: "v1," + base64.b64encode(raw).decode()),
            st.binary(min_size=1, max_size=64).map(lambda raw: "v1a," + base64.b64encode(raw).decode()),
            st.sampled_from(["v2,abc=", "v0,Zm9v"]),
        ),
        max_size=4,
    ),
    position=st.integers(0, 4),
)
def test_one_matching_signature_among_several(key: bytes, body: bytes, others: list[str], position: int) -> None:
    good = webhooks.sign(body, key, "wh_1", NOW)
    entries = list(others)
    entries.insert(position % (len(entries) + 1), good)
    headers = headers_for("wh_1", NOW, " ".join(entries))
    assert ours_accepts(body, headers, key)
    assert reference_accepts(body, headers, key)
    if good not in others:
        without = headers_for("wh_1", NOW, " ".join(others) or "v1a,Zm9v")
        assert not ours_accepts(body, without, key)
        assert not reference_accepts(body, without, key)


@pytest.mark.parametrize("version", ["v1a", "v2", "V1", "v10"])
def test_the_right_value_under_another_version_is_ignored(version: str) -> None:
    value = webhooks.sign(b"{}", b"key", "wh_1", NOW).removeprefix("v1,")
    headers = headers_for("wh_1", NOW, f"{version},{value} v2,YmFy")
    error = refusal(b"{}", headers, b"key")
    assert isinstance(error, webhooks.NoMatchingSignatureError)
    assert "no v1 signature" in str(error)
    assert not reference_accepts(b"{}", headers, b"key")


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
@pytest.mark.parametrize("how", ["absent", "empty", "blank"])
def test_missing_header(missing: str, how: str) -> None:
    headers = signed(b"{}", b"key")
    if how == "absent":
        del headers[missing]
    else:
        headers[missing] = "" if how == "empty" else "   "
    error = refusal(b"{}", headers, b"key")
    assert isinstance(error, webhooks.MissingHeaderError)
    assert missing in str(error)
    assert not reference_accepts(b"{}", headers, b"key")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("webhook-timestamp", "soon"),
        ("webhook-timestamp", f"{NOW}.0"),
        ("webhook-timestamp", f"0{NOW}"),
        ("webhook-timestamp", f"-{NOW}"),
        ("webhook-timestamp", f"+{NOW}"),
        ("webhook-timestamp", f"{NOW}e0"),
        ("webhook-timestamp", "١٧٦٧٢٢٥٦٠٠"),  # digits, but not ASCII ones
        ("webhook-timestamp", "9" * 21),
        ("webhook-signature", "v1"),
        ("webhook-signature", "garbage"),
        ("webhook-signature", ",Zm9v"),
        ("webhook-signature", "v1,"),
    ],
)
def test_malformed_header(name: str, value: str) -> None:
    headers = signed(b"{}", b"key")
    good = headers[name]
    headers[name] = value
    error = refusal(b"{}", headers, b"key")
    assert isinstance(error, webhooks.MalformedHeaderError)
    assert name in str(error)
    assert good not in str(error) and value not in str(error)


def test_malformed_signature_entry_next_to_a_good_one() -> None:
    headers = signed(b"{}", b"key")
    headers["webhook-signature"] += " junk"
    assert isinstance(refusal(b"{}", headers, b"key"), webhooks.MalformedHeaderError)


def test_repeated_header_is_refused() -> None:
    pairs = [*signed(b"{}", b"key").items(), ("Webhook-Id", "wh_other")]
    error = refusal(b"{}", pairs, b"key")
    assert isinstance(error, webhooks.MalformedHeaderError)
    assert "more than once" in str(error)


def test_header_bytes_that_are_not_utf8() -> None:
    pairs = [(k.encode(), v.encode()) for k, v in signed(b"{}", b"key").items()]
    pairs += [(b"x-other", b"\xff"), (b"x-\xff", b"1")]
    webhooks.verify_signature(b"{}", pairs, b"key")  # other headers are not read
    pairs[0] = (b"webhook-id", b"\xff")
    assert isinstance(refusal(b"{}", pairs, b"key"), webhooks.MalformedHeaderError)


@pytest.mark.parametrize("headers", [42, "webhook-id: x", [("webhook-id",)], [(1, "x")]])
def test_headers_of_the_wrong_type_are_a_type_error(headers: Any) -> None:
    with pytest.raises(TypeError) as caught:
        webhooks.verify_signature(b"{}", headers, b"key")
    assert not isinstance(caught.value, webhooks.WebhookVerificationError)


# --- the clock -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "tolerance", "expected"),
    [
        (NOW + TOLERANCE, TOLERANCE, None),
        (NOW + TOLERANCE + 0.5, TOLERANCE, "TimestampTooOldError"),
        (NOW + TOLERANCE + 1, TOLERANCE, "TimestampTooOldError"),
        (NOW - TOLERANCE, TOLERANCE, None),
        (NOW - TOLERANCE - 0.5, TOLERANCE, "TimestampInFutureError"),
        (NOW - TOLERANCE - 1, TOLERANCE, "TimestampInFutureError"),
        (NOW + 10, 10, None),
        (NOW + 11, 10, "TimestampTooOldError"),
        (NOW - 11, 10, "TimestampInFutureError"),
        (NOW, 0, None),
        (NOW + 1, 0, "TimestampTooOldError"),
    ],
)
def test_tolerance_edges(clock: float, tolerance: int, expected: str | None) -> None:
    headers = signed(b"{}", b"key")
    with clock_at(clock):
        if tolerance == TOLERANCE:  # the reference's window is fixed at 5 minutes
            assert reference_accepts(b"{}", headers, b"key") is (expected is None)
        if expected is None:
            webhooks.verify_signature(b"{}", headers, b"key", tolerance)
        else:
            error = refusal(b"{}", headers, b"key", tolerance)
            assert type(error) is getattr(webhooks, expected)
            assert f"the {tolerance} allowed" in str(error)


def test_stale_and_forged_says_no_matching_signature() -> None:
    headers = signed(b"{}", b"key", timestamp=NOW - 10_000)
    assert isinstance(refusal(b"{}", headers, b"key"), webhooks.TimestampTooOldError)
    assert isinstance(refusal(b"{}", headers, b"other key"), webhooks.NoMatchingSignatureError)


@pytest.mark.parametrize("tolerance", [-1, True, 1.5])
def test_bad_tolerance(tolerance: Any) -> None:
    with pytest.raises(ValueError, match="tolerance"):
        webhooks.verify_signature(b"{}", signed(b"{}", b"key"), b"key", tolerance)


# --- payload and secret ---------------------------------------------------------------------------------


def test_str_payload_is_refused() -> None:
    headers = signed(b'{"type": "x"}', b"key")
    error = refusal('{"type": "x"}', headers, b"key")
    assert isinstance(error, webhooks.PayloadNotBytesError) and isinstance(error, TypeError)
    assert "re-encoding" in str(error) and "not a str" in str(error)
    error = refusal(None, headers, b"key")
    assert isinstance(error, webhooks.PayloadNotBytesError)
    assert "NoneType" in str(error)


@pytest.mark.parametrize(
    ("spelling", "reference_agrees"),
    [
        pytest.param(lambda b64: "whsec_" + b64, True, id="whsec_ prefix"),
        pytest.param(lambda b64: b64, True, id="no prefix"),
        pytest.param(lambda b64: "whsec_" + b64.rstrip("="), True, id="prefix, unpadded"),
        pytest.param(lambda b64: b64.rstrip("="), True, id="no prefix, unpadded"),
        pytest.param(lambda b64: f"whsec_{b64}\n", True, id="trailing newline"),
        # The reference misses the prefix behind the spaces and reads "whsec" as base64; this module
        # strips the whitespace first, as a secret pasted into an environment file often has some.
        pytest.param(lambda b64: f"  whsec_{b64} ", False, id="surrounding spaces"),
    ],
)
def test_secret_spellings_name_the_same_key(spelling: Callable[[str], str], reference_agrees: bool) -> None:
    key = bytes(range(1, 25)) + b"\xfe"  # 25 bytes: base64 with one padding character
    headers = signed(b"{}", key)
    secret = spelling(base64.b64encode(key).decode())
    webhooks.verify_signature(b"{}", headers, secret)
    assert reference_accepts(b"{}", headers, secret) is reference_agrees


def test_raw_bytes_secret_is_the_key_itself() -> None:
    key = b"not base64 at all!"
    headers = headers_for("wh_1", NOW, webhooks.sign(b"{}", key, "wh_1", NOW))
    webhooks.verify_signature(b"{}", headers, key)
    assert reference_accepts(b"{}", headers, key)
    # The same characters as a str are read as base64, as the reference reads them, and refused here.
    assert isinstance(refusal(b"{}", headers, key.decode()), webhooks.InvalidSecretError)


@pytest.mark.parametrize("secret", ["", "whsec_", "  ", b"", "whsec_a!b", "whsec_abcde", "whsec_ab cd", "whsec_é"])
def test_invalid_secret(secret: str | bytes) -> None:
    error = refusal(b"{}", signed(b"{}", b"key"), secret)
    assert isinstance(error, webhooks.InvalidSecretError)
    assert "secret" in str(error)


def test_secret_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        webhooks.verify_signature(b"{}", signed(b"{}", b"key"), 12345)  # type: ignore[arg-type]


def test_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = signed(b"{}", b"env key")
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", whsec(b"env key"))
    webhooks.verify_signature(b"{}", headers)
    # A secret passed in wins over the environment.
    assert isinstance(refusal(b"{}", headers, whsec(b"other")), webhooks.NoMatchingSignatureError)


@pytest.mark.parametrize("value", [None, "", "  \n"])
def test_no_secret_anywhere(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("OPENAI_WEBHOOK_SECRET", raising=False)
    else:
        monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", value)
    error = refusal(b"{}", signed(b"{}", b"key"), None)
    assert isinstance(error, webhooks.MissingSecretError)
    assert "OPENAI_WEBHOOK_SECRET" in str(error)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((b"{}", b"key", "", NOW), "msg_id"),
        ((b"{}", b"key", " wh_1", NOW), "msg_id"),
        ((b"{}", b"key", "wh_1", -1), "timestamp"),
        ((b"{}", b"key", "wh_1", True), "timestamp"),
        ((b"{}", b"key", "wh_1", float(NOW)), "timestamp"),
    ],
)
def test_sign_refuses_what_could_not_be_sent(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        webhooks.sign(*args)


# --- unwrap ---------------------------------------------------------------------------------------------


def test_unwrap_returns_the_event_through_the_parse_hook() -> None:
    # A type no webhook of the description has: the typed stand-in, keeping the object as sent.
    event = {"id": "evt_1", "type": "example.call.ended", "data": {"call_id": "rtc_1"}}
    body = json.dumps(event).encode()
    assert webhooks.unwrap(body, signed(body, b"key"), b"key") == UnknownVariant(event)
    seen: list[dict[str, Any]] = []

    def parse(data: dict[str, Any]) -> Any:
        seen.append(data)
        return ("parsed", data["type"])

    with mock.patch.object(webhooks, "_parse_event", parse):
        assert webhooks.unwrap(body, signed(body, b"key"), b"key") == ("parsed", "example.call.ended")
    assert seen == [event]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[1, 2]", "the signed body is JSON but a list, not an object"),
        (b'"text"', "the signed body is JSON but a str, not an object"),
        (b"not json", "the signed body is not UTF-8 JSON"),
        (b'{"a": "\xff"}', "the signed body is not UTF-8 JSON"),
    ],
)
def test_unwrap_refuses_a_signed_body_that_is_not_a_json_object(body: bytes, message: str) -> None:
    with pytest.raises(webhooks.MalformedPayloadError) as caught:
        webhooks.unwrap(body, signed(body, b"key"), b"key")
    assert str(caught.value) == message


def test_unwrap_verifies_with_the_tolerance_it_is_given() -> None:
    body = b'{"id": "evt_1", "type": "example.call.ended"}'
    headers = signed(body, b"key", timestamp=NOW - 2 * TOLERANCE)
    assert webhooks.unwrap(body, headers, b"key", tolerance=3 * TOLERANCE) == UnknownVariant(json.loads(body))
    with pytest.raises(webhooks.TimestampTooOldError):
        webhooks.unwrap(body, signed(body, b"key", timestamp=NOW - 2), b"key", tolerance=1)


def test_unwrap_refuses_an_event_of_a_known_type_that_does_not_fit_its_model_without_showing_it() -> None:
    private = "sip:+15550100@caller.example.invalid"
    event = {"id": "evt_1", "type": "realtime.call.incoming", "created_at": NOW, "data": {"call_id": private}}
    body = json.dumps(event).encode()
    with pytest.raises(webhooks.MalformedPayloadError) as caught:
        webhooks.unwrap(body, signed(body, b"key"), b"key")
    # The field that did not fit is named; the values are not, and nothing of the body rides along.
    assert str(caught.value) == (
        "the signed event does not fit its model: data.sip_headers: required field missing in "
        "WebhookRealtimeCallIncomingData"
    )
    assert caught.value.__context__ is None and caught.value.__cause__ is None
    assert private not in repr(caught.value.args)


def test_unwrap_verifies_before_parsing() -> None:
    headers = signed(b"{}", b"key")
    with pytest.raises(webhooks.NoMatchingSignatureError):
        webhooks.unwrap(b"not json", headers, b"key")


def test_error_hierarchy_has_a_docstring_per_cause() -> None:
    causes = [
        getattr(webhooks, name)
        for name in webhooks.__all__
        if name.endswith("Error") and name != "WebhookVerificationError"
    ]
    assert len(causes) == 9
    for cause in causes:
        assert issubclass(cause, webhooks.WebhookVerificationError)
        assert cause.__doc__ and cause.__doc__.startswith("Raised ")
        # One hierarchy: defined in errors.py, so the package exports them with its other exceptions.
        assert getattr(errors, cause.__name__) is cause and cause.__name__ in errors.__all__
    assert issubclass(webhooks.WebhookVerificationError, errors.APIError)
    assert "WebhookVerificationError" in errors.__all__


# --- nothing secret in any refusal ----------------------------------------------------------------------


def _pieces(text: str, size: int = 8) -> set[str]:
    return {text[i : i + size] for i in range(len(text) - size + 1)}


# Body bytes from 0x80 up: the messages are ASCII, so a piece of the body found in one (raw, or escaped
# as a bytes repr shows it) is a leak and not the body happening to spell a word of a message.
high_bytes = st.lists(st.integers(0x80, 0xFF), min_size=8, max_size=200).map(bytes)


@settings(max_examples=80, deadline=None)
@given(key=st.binary(min_size=8, max_size=64), body=high_bytes, msg_id=ascii_ids)
def test_no_refusal_shows_the_secret_a_signature_or_the_body(key: bytes, body: bytes, msg_id: str) -> None:
    secret = whsec(key)
    good = webhooks.sign(body, secret, msg_id, NOW)
    forged = webhooks.sign(body, whsec(key + b"x"), msg_id, NOW)
    stale = webhooks.sign(body, secret, msg_id, NOW - 1000)
    early = webhooks.sign(body, secret, msg_id, NOW + 1000)
    not_json = b"\xff" + body
    errors = [
        refusal(body, headers_for(msg_id, NOW, forged), secret),
        refusal(body + b"!", headers_for(msg_id, NOW, good), secret),
        refusal(body, headers_for(msg_id, NOW - 1000, stale), secret),
        refusal(body, headers_for(msg_id, NOW + 1000, early), secret),
        refusal(body, headers_for(msg_id, NOW, good.replace(",", "")), secret),
        refusal(body, headers_for(msg_id, NOW, f"{forged} {good}x"), secret),
        refusal(body, headers_for(msg_id, NOW, good), secret + "!"),
        refusal(body.decode("latin-1"), headers_for(msg_id, NOW, good), secret),
        refusal(body, {"webhook-signature": good}, secret),
    ]
    with pytest.raises(webhooks.MalformedPayloadError) as caught:
        webhooks.unwrap(not_json, headers_for(msg_id, NOW, webhooks.sign(not_json, secret, msg_id, NOW)), secret)
    errors.append(caught.value)
    assert {type(e).__name__ for e in errors} == {
        "NoMatchingSignatureError",
        "TimestampTooOldError",
        "TimestampInFutureError",
        "MalformedHeaderError",
        "InvalidSecretError",
        "PayloadNotBytesError",
        "MissingHeaderError",
        "MalformedPayloadError",
    }
    escaped = repr(body)[2:-1]
    sensitive = [secret, base64.b64encode(key).decode(), good, forged, stale, early, body.decode("latin-1"), escaped]
    pieces = {piece for value in sensitive for piece in _pieces(value)}
    for error in errors:
        # A chained decoding error would keep the text it failed on, even when its display is suppressed.
        assert error.__cause__ is None and error.__context__ is None
        shown = " ".join([str(error), repr(error), repr(error.args)])
        assert str(error).isascii()
        leaked = [piece for piece in pieces if piece in shown]
        assert not leaked, f"{type(error).__name__} shows part of a secret, signature or body"


# --- the replay guard --------------------------------------------------------------------------------------


def test_the_replay_guard_acts_once_per_id_until_its_delivery_could_no_longer_verify() -> None:
    guard = webhooks.ReplayGuard(tolerance=TOLERANCE)
    assert guard.first_time("wh_a", NOW) and not guard.first_time("wh_a", NOW)
    assert guard.first_time("wh_b", NOW - TOLERANCE)  # still verifiable at NOW: kept
    assert not guard.first_time("wh_b", NOW - TOLERANCE)
    with clock_at(NOW + TOLERANCE + 1):  # wh_a's window is over: a replay would be refused by verification
        assert guard.first_time("wh_a", NOW)
    guard.forget("wh_a")
    assert guard.first_time("wh_a", NOW)  # acting on it failed: the retry is acted on
    guard.forget("wh_never_seen")  # nothing to forget is not an error
    assert guard.first_time("wh_never_seen", NOW)


def test_an_id_acted_on_again_after_forget_is_kept_for_its_new_delivery_not_the_old_one() -> None:
    guard = webhooks.ReplayGuard(tolerance=10)
    assert guard.first_time("wh_a", NOW - 5)  # kept until NOW + 5
    guard.forget("wh_a")
    assert guard.first_time("wh_a", NOW + 20)  # a later delivery: kept until NOW + 30
    with clock_at(NOW + 6):  # the first delivery's time is over, the second's is not
        assert not guard.first_time("wh_a", NOW + 20)
    with clock_at(NOW + 30):  # up to its expiry, included
        assert not guard.first_time("wh_a", NOW + 20)
    with clock_at(NOW + 31):
        assert guard.first_time("wh_a", NOW + 20)
