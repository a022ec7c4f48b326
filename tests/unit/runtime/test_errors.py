"""runtime/openai_realtime_client/errors.py: each exception's message and fields, and how a
response that does not fit a model is described (what and where, never the values read)."""

import json
import weakref
from typing import Any

import pytest

from runtime.openai_realtime_client import client, errors


@pytest.mark.parametrize(
    ("args", "missing", "message"),
    [
        (("temperature", 3.5, "must be at most 1.2"), False, "temperature=3.5 must be at most 1.2"),
        (("voice", "x", "is required"), True, "voice is required"),
        (("", [], "must be an object"), False, "the request body must be an object"),
    ],
)
def test_a_request_validation_error_says_where_what_and_which_rule(
    args: tuple[str, object, str], missing: bool, message: str
) -> None:
    err = errors.RequestValidationError(*args, missing=missing)
    assert (str(err), err.path, err.value, err.rule) == (message, *args)
    assert isinstance(err, ValueError)


def test_a_request_validation_error_does_not_show_a_value_it_need_not(monkeypatch: pytest.MonkeyPatch) -> None:
    # With no live client there is no key to hide, so the value is kept as it is and its repr,
    # which may fail or cost, is never asked for unless the message quotes it.
    class Unshowable:
        def __repr__(self) -> str:
            raise RuntimeError("repr asked for")

    monkeypatch.setattr(errors, "_key_holders", weakref.WeakSet())
    value = Unshowable()
    err = errors.RequestValidationError("", value, "is wrong")
    assert (str(err), err.value) == ("the request body is wrong", value)


def test_a_request_validation_error_keeps_a_value_holding_a_live_key_as_its_redacted_repr_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Holder:
        api_key_for_redaction = "sk-live-0123456789"

    holder = Holder()
    monkeypatch.setattr(errors, "_key_holders", weakref.WeakSet([holder]))
    leaked = errors.RequestValidationError("a", ["sk-live-0123456789"], "is wrong")
    assert (str(leaked), leaked.value) == ("a=['<redacted>'] is wrong", "['<redacted>']")
    clean = ["nothing secret"]
    kept = errors.RequestValidationError("a", clean, "is wrong")
    assert kept.value is clean


def test_a_request_validation_error_is_not_missing_unless_told() -> None:
    assert str(errors.RequestValidationError("a", 1, "is wrong")) == "a=1 is wrong"


@pytest.mark.parametrize(("request_id", "suffix"), [("req_1", " (request id req_1)"), (None, ""), ("", "")])
def test_a_response_validation_error_names_the_status_and_the_request(request_id: str | None, suffix: str) -> None:
    err = errors.APIResponseValidationError("bad", status_code=201, body=b"{}", request_id=request_id)
    assert str(err) == f"201 response did not match the API description: bad{suffix}"
    assert (err.status_code, err.body, err.request_id) == (201, b"{}", request_id)


def test_a_shape_error_prefixes_its_path_when_it_has_one() -> None:
    assert str(errors.ResponseShapeError("a.b", "is wrong")) == "a.b: is wrong"
    assert str(errors.ResponseShapeError("", "is wrong")) == "is wrong"
    err = errors.ResponseShapeError("p", "q", source=[1])
    assert (err.path, err.problem, err.source) == ("p", "q", [1])
    assert errors.ResponseShapeError("p", "q").source is None


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ({}, "an object"), ([], "an array"), ("", "a string"), (True, "a boolean"), (None, "null"), (0, "a number"),
        (1.5, "a number"), (b"", "bytes"),
    ],
)  # fmt: skip
def test_values_are_described_by_their_json_type_only(value: object, name: str) -> None:
    assert errors._json_type(value) == name


@pytest.mark.parametrize(
    ("err", "text"),
    [
        (ValueError("not a date"), "ValueError: not a date"),
        (KeyError("type"), "KeyError: missing 'type'"),
        (TypeError(), "TypeError"),
    ],
)
def test_a_parser_failure_is_described_by_its_class_and_message(err: Exception, text: str) -> None:
    assert errors._describe(err) == text


FIELDS = ("id", "items", "expires_at")


def _locate(data: dict[str, Any], read: tuple[str, ...], err: Exception) -> errors.ResponseShapeError:
    left = {name: value for name, value in data.items() if name not in read}
    return errors.ResponseShapeError.locate("Session", data, left, FIELDS, err)


def test_locate_names_a_required_field_that_is_missing() -> None:
    data: dict[str, Any] = {"items": []}
    err = _locate(data, (), KeyError("id"))
    assert (err.path, err.problem, err.source) == ("id", "required field missing in Session", data)


def test_locate_blames_the_last_field_read_with_its_json_type_but_not_its_value() -> None:
    data = {"id": "sess_secret_value", "items": [], "expires_at": "soon"}
    err = _locate(data, ("id", "items", "expires_at"), ValueError("bad date"))
    assert str(err) == "expires_at: a string does not fit Session.expires_at: ValueError: bad date"
    assert "soon" not in str(err) and "sess_secret_value" not in str(err)
    assert err.source is data  # so that a parent's locate finds it in an array


def test_locate_without_any_field_read_describes_the_whole_object() -> None:
    err = _locate({"id": 1}, (), TypeError("not a mapping"))
    assert (err.path, err.problem, err.source) == ("", "Session: TypeError: not a mapping", {"id": 1})


def test_a_key_error_for_a_field_that_is_present_is_not_a_missing_field() -> None:
    err = _locate({"id": {"nested": 1}}, ("id",), KeyError("id"))
    assert str(err) == "id: an object does not fit Session.id: KeyError: missing 'id'"
    other = _locate({"id": 1}, ("id",), KeyError("unknown"))
    assert str(other) == "id: a number does not fit Session.id: KeyError: missing 'unknown'"
    bare = _locate({"id": 1}, ("id",), KeyError())
    assert str(bare) == "id: a number does not fit Session.id: KeyError: missing "


def test_locate_extends_the_path_of_a_nested_error_with_the_index_in_an_array() -> None:
    bad = {"type": "x"}
    data = {"id": "s", "items": [{"type": "ok"}, bad]}
    inner = errors.ResponseShapeError("type", "unknown", source=bad)
    err = _locate(data, ("id", "items"), inner)
    assert (err.path, err.problem, err.source) == ("items[1].type", "unknown", data)

    not_found = _locate(data, ("id", "items"), errors.ResponseShapeError("", "wrong", source={"type": "x"}))
    assert not_found.path == "items[]"
    nested_object = _locate({"id": {"a": 1}}, ("id",), errors.ResponseShapeError("a", "wrong", source={"a": 1}))
    assert nested_object.path == "id.a"
    at_the_field = _locate({"id": {"a": 1}}, ("id",), errors.ResponseShapeError("", "wrong"))
    assert (at_the_field.path, at_the_field.problem) == ("id", "wrong")


def test_a_value_that_fits_no_union_member_is_described_by_kind_only() -> None:
    def problem(data: object) -> str:
        err = errors.ResponseShapeError.no_member(data, "A | B")
        assert (err.path, err.source) == ("", data)
        return err.problem

    assert problem({"type": "audio"}) == "an object of type 'audio' fits none of A | B"
    assert problem({"type": "t" * 64}) == f"an object of type '{'t' * 64}' fits none of A | B"
    assert problem({"type": "t" * 65}) == "an object fits none of A | B"
    assert problem({"type": 7}) == "an object fits none of A | B"
    assert problem({}) == "an object fits none of A | B"
    assert problem([1]) == "an array fits none of A | B"


def _status_error(body: bytes, request_id: str | None = "req_9") -> errors.APIStatusError:
    return errors.APIStatusError(status_code=400, headers={"x": "y"}, body=body, request_id=request_id)


def test_a_status_error_reads_the_vendor_envelope() -> None:
    body = {
        "error": {"message": "Bad\n  value\tthere ", "type": "invalid_request_error", "param": "voice", "code": "x"}
    }
    err = _status_error(json.dumps(body).encode())
    assert str(err) == "HTTP 400: Bad value there (request id req_9)"
    assert (err.message, err.type, err.param, err.code) == (
        "Bad\n  value\tthere ",
        "invalid_request_error",
        "voice",
        "x",
    )
    assert (err.status_code, err.headers, err.request_id, err.retries_taken) == (400, {"x": "y"}, "req_9", 0)
    retried = errors.APIStatusError(status_code=500, headers={}, body=b"", request_id=None, retries_taken=2)
    assert (str(retried), retried.retries_taken) == ("HTTP 500", 2)


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1]", b'{"error": "text"}', b'{"error": null}', b'{"message": "top level"}', b"\xff"],
)
def test_a_body_that_is_not_the_envelope_gives_no_details(body: bytes) -> None:
    err = _status_error(body, request_id=None)
    assert str(err) == "HTTP 400"
    assert (err.message, err.type, err.param, err.code) == (None, None, None, None)


def test_fields_of_the_envelope_that_are_not_strings_are_dropped() -> None:
    err = _status_error(json.dumps({"error": {"message": 5, "type": ["a"], "param": None, "code": 429}}).encode())
    assert (err.message, err.type, err.param, err.code) == (None, None, None, None)
    assert str(err) == "HTTP 400 (request id req_9)"
    empty = _status_error(json.dumps({"error": {"message": ""}}).encode(), request_id="")
    assert (str(empty), empty.message) == ("HTTP 400", "")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequestError), (401, errors.AuthenticationError), (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError), (409, errors.ConflictError), (422, errors.UnprocessableEntityError),
        (429, errors.RateLimitError), (499, errors.APIStatusError), (500, errors.InternalServerError),
        (501, errors.InternalServerError), (418, errors.APIStatusError),
    ],
)  # fmt: skip
def test_each_status_has_its_class(status: int, cls: type[errors.APIStatusError]) -> None:
    assert errors.status_error_class(status) is cls


@pytest.mark.parametrize(("status", "retried"), [(407, False), (408, True), (429, True), (499, False), (500, True)])
def test_retried_statuses_at_their_boundaries(status: int, retried: bool) -> None:
    assert errors.is_retried_status(status) is retried


def test_a_body_that_did_not_parse_is_described_by_the_model_or_as_the_body() -> None:
    shape = errors.ResponseShapeError("a.b", "is wrong")
    assert client._parse_failure(shape) == "a.b: is wrong"
    assert (
        client._parse_failure(ValueError("Expecting value: line 1")) == "the body: ValueError: Expecting value: line 1"
    )
    assert client._parse_failure(TypeError()) == "the body: TypeError"


def test_a_body_is_redacted_byte_for_byte_whatever_its_encoding() -> None:
    key = "sk-live-0123456789"
    data = b"\xff\x80 " + key.encode() + b" \xe9"
    assert errors.redact_bytes(data, key) == b"\xff\x80 <redacted> \xe9"
    assert errors.redact_bytes(data, None) is data
    assert errors.redact_bytes(b"", key) == b""


def _envelope(code: str, message: str = "The beta shape is off.") -> bytes:
    return json.dumps({"error": {"message": message, "type": "invalid_request_error", "code": code}}).encode()


def test_the_beta_shape_code_gets_its_own_class_on_a_4xx_only() -> None:
    beta = _envelope("beta_api_shape_disabled")
    assert errors.status_error_class(400, beta) is errors.BetaApiShapeDisabledError
    assert errors.status_error_class(404, beta) is errors.BetaApiShapeDisabledError
    assert errors.status_error_class(399, beta) is errors.APIStatusError
    assert errors.status_error_class(500, beta) is errors.InternalServerError
    # The code named in the message but not as the code is not it.
    assert errors.status_error_class(400, _envelope("other", "not beta_api_shape_disabled")) is errors.BadRequestError
    err = errors.BetaApiShapeDisabledError(status_code=400, headers={}, body=beta, request_id="req_b")
    assert str(err) == (
        "HTTP 400: The beta shape is off. (request id req_b); the beta Realtime API shape is switched off: call "
        "create_realtime_client_secret (POST /realtime/client_secrets) with session.type 'realtime' for a session, "
        "or 'transcription' for a transcription session, instead"
    )
    assert isinstance(err, errors.BadRequestError)


def test_the_marker_changes_when_any_piece_of_the_secret_up_to_the_last_is_inside_it() -> None:
    # "dact" (shorter than a piece: looked for whole) and the last 8 characters of "zzredacted" are in
    # "<redacted>": the marker is then a run of the first character from "*" up the secret lacks.
    assert errors.redaction_marker("dact") == "*" * 10
    assert errors.redaction_marker("zzredacted") == "*" * 10
    assert errors.redaction_marker("*+,-redacted") == "." * 10
    assert errors.redaction_marker("zzredactez") == errors.REDACTED
    # Only whole pieces count: the key's last 7 characters are inside the marker, but no piece is.
    assert errors.redaction_marker("sk-0123456789redacte") == errors.REDACTED
    assert errors.redact("[dact]", "dact") == "[**********]"
    assert errors.redact("", "dact") == ""
    assert errors.redact("dact", "") == "dact"


def test_redact_replaces_each_run_of_pieces_and_keeps_the_text_between_them() -> None:
    key = "sk-0123456789"
    assert errors.redact(f"{key}+{key[:8]} and {key[-8:]}.", key) == "<redacted>+<redacted> and <redacted>."
    assert errors.redact(f"{key}{key}", key) == "<redacted>"
    assert errors.redact("no key here", key) == "no key here"


def test_mentions_secret_reads_str_and_args_even_when_repr_hides_them() -> None:
    key = "sk-live-0123456789"

    class ShownOnlyByStr(Exception):
        """The key in str() alone: no args, no attributes, a repr of its own."""

        def __str__(self) -> str:
            return f"key {key}"

        def __repr__(self) -> str:
            return "ShownOnlyByStr()"

    class ShownOnlyByArgs(Exception):
        """The key in its args alone."""

        def __str__(self) -> str:
            return "clean"

        def __repr__(self) -> str:
            return "ShownOnlyByArgs()"

    assert errors.mentions_secret(ShownOnlyByStr(), key) is True
    assert errors.mentions_secret(ShownOnlyByArgs(key), key) is True
    assert errors.mentions_secret(ShownOnlyByArgs("clean"), key) is False

    class EndsWithPartOfAPiece(Exception):
        def __str__(self) -> str:
            return "ends bcdefg"

    # Only pieces inside one of str, repr, args and attributes count, never one across two of them.
    assert errors.mentions_secret(EndsWithPartOfAPiece(), "zbcdefgXXq") is False


def test_redact_hides_overlapping_occurrences() -> None:
    assert errors.redact("a" * 9, "a" * 8) == errors.REDACTED
    assert errors.redact("ababababab", "abababab") == errors.REDACTED


def test_mentions_secret_looks_through_the_whole_chain_and_distrusts_a_repr_that_fails() -> None:
    key = "sk-live-0123456789"
    assert errors.mentions_secret(ValueError(key), None) is False
    assert errors.mentions_secret(ValueError("clean"), key) is False
    by_context, by_cause = ValueError("clean"), ValueError("clean")
    by_context.__context__ = KeyError(key)
    by_cause.__cause__ = KeyError(key[2:])
    assert errors.mentions_secret(by_context, key) is True
    assert errors.mentions_secret(by_cause, key) is True
    looped = ValueError("clean")
    looped.__context__ = ValueError("also clean")
    looped.__context__.__context__ = looped
    assert errors.mentions_secret(looped, key) is False

    class Unshowable(Exception):
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    assert errors.mentions_secret(Unshowable("clean"), key) is True


def test_only_a_key_error_can_mean_a_missing_field() -> None:
    # A parser's own error whose text happens to be a field's name says nothing about that field.
    err = _locate({"items": []}, (), ValueError("id"))
    assert (err.path, err.problem) == ("", "Session: ValueError: id")
    bare = _locate({"items": []}, (), KeyError())
    assert (bare.path, bare.problem) == ("", "Session: KeyError: missing ")
