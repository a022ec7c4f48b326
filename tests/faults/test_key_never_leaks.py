"""The client's own API key never shows, whole or as any piece of 8 or more characters, in what the
library raises (text, repr, args, attributes, the errors chained to it) or logs, whatever the server
answers and whatever the caller passes; and a key that cannot be sent is refused by name of the
problem. Keys and answers are drawn by hypothesis; the answers come from a raw-socket server on
127.0.0.1."""

import json
import logging
import string
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openai_realtime_client import (
    ApiClient,
    APIError,
    ConfigurationError,
    InvalidAPIKeyError,
    RealtimeApi,
    RequestValidationError,
)
from openai_realtime_client import client as client_module
from openai_realtime_client.errors import MIN_REDACTED_PIECE, REDACTED, redact, redaction_marker
from openai_realtime_client.models import RealtimeSessionCreateRequest

from tests.support.fault_server import Action, FaultServer, raw, reply, stall

# Printable ASCII a header can carry. Without quotes and backslashes, so that a repr shows a piece
# of the key exactly as it is and the search below cannot miss an escaped copy.
KEY_ALPHABET = "".join(c for c in string.printable if c.isprintable() and c not in " \"'\\")
keys = st.text(KEY_ALPHABET, min_size=MIN_REDACTED_PIECE, max_size=64)


def pieces(key: str) -> Iterator[str]:
    """Every piece of the key that must not show: all of its MIN_REDACTED_PIECE-character windows
    (any longer piece contains one)."""
    for start in range(len(key) - MIN_REDACTED_PIECE + 1):
        yield key[start : start + MIN_REDACTED_PIECE]


def leaked(key: str, text: str) -> list[str]:
    return [piece for piece in pieces(key) if piece in text]


def everything_about(error: BaseException) -> str:
    """Text, repr, args and attributes of the error and of every error it was raised from."""
    parts: list[str] = []
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        parts += [str(current), repr(current), repr(current.args), repr(vars(current))]
        pending += [c for c in (current.__cause__, current.__context__) if c is not None]
    return "\n".join(parts)


class Records(logging.Handler):
    """Every record of the package's logger, formatted, as a handler of the caller's would see it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.getMessage()} {record.args!r}")


@pytest.fixture
def records(monkeypatch: pytest.MonkeyPatch) -> Iterator[Records]:
    monkeypatch.setattr(client_module, "_sleep", lambda _: None)
    logger = logging.getLogger("openai_realtime_client")
    handler = Records()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@st.composite
def key_and_answer(draw: st.DrawFn) -> tuple[str, str, Action]:
    """A key, a piece of it (at least 8 characters, or all of it) and a server answer quoting it."""
    key = draw(keys)
    start = draw(st.integers(0, len(key) - MIN_REDACTED_PIECE))
    end = draw(st.integers(start + MIN_REDACTED_PIECE, len(key)))
    piece = draw(st.sampled_from([key, key[start:end]]))
    quoted = json.dumps(piece)
    status = draw(st.sampled_from([400, 401, 403, 404, 409, 422, 429, 500, 503]))
    kind = draw(st.integers(0, 7))
    headers = {"x-request-id": f"req_{piece}", "x-debug": piece}
    answers: list[Action] = [
        # The vendor's envelope quoting the key, as a 401 does.
        reply(
            status,
            f'{{"error": {{"message": "Incorrect API key provided: {piece}.", "type": {quoted}, '
            f'"code": {quoted}, "param": {quoted}}}}}'.encode(),
            headers,
        ),
        reply(status, f"<html><body>{piece}</body></html>".encode(), {"Content-Type": "text/html"}),
        # A 2xx that does not fit the response schema, with the key in the values read.
        reply(200, f'{{"client_secret": {{"value": {quoted}, "expires_at": {quoted}}}, "id": {quoted}}}'.encode()),
        reply(200, f"<html>{piece}</html>".encode(), {"Content-Type": "text/html", **headers}),
        reply(200, f'{{"client_secret": {{"value": {quoted}'.encode(), {"Content-Type": "application/json"}),
        # Not HTTP at all: the status line is the key.
        raw(f"{piece}\r\n\r\n".encode()),
        # A good answer that echoes the key: nothing is raised, and the log must not show it.
        reply(
            200,
            json.dumps({"client_secret": {"value": "ek_1", "expires_at": 1}, "instructions": piece}).encode(),
            headers,
        ),
        stall(0.5, f"HTTP/1.1 200 OK\r\nx-request-id: {piece}\r\n".encode()),
    ]
    return key, piece, answers[kind]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=key_and_answer(), retries=st.sampled_from([0, 1]))
def test_no_piece_of_the_key_in_anything_raised_or_logged_whatever_the_server_answers(
    records: Records, case: tuple[str, str, Action], retries: int
) -> None:
    key, _piece, answer = case
    records.lines.clear()
    shown: list[str] = []
    with FaultServer(answer, answer) as server:
        client = ApiClient(api_key=key, base_url=server.url, timeout=0.3, max_retries=retries)
        shown.append(repr(client))
        try:
            RealtimeApi(client).create_realtime_session(RealtimeSessionCreateRequest())
        except APIError as err:
            shown.append(everything_about(err))
        client.close()

    assert leaked(key, "\n".join(shown)) == []
    assert leaked(key, "\n".join(records.lines)) == []
    assert records.lines, "DEBUG logging was on: every attempt is logged"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=keys,
    where=st.sampled_from(["max_retries", "timeout", "base_url", "header", "call timeout", "field", "nested", "body"]),
)
def test_no_piece_of_the_key_when_the_caller_passes_it_where_it_does_not_belong(
    records: Records, key: str, where: str
) -> None:
    api = RealtimeApi(ApiClient(api_key=key, base_url="http://127.0.0.1:9"))
    with pytest.raises(
        ConfigurationError if where not in ("field", "nested", "body") else RequestValidationError
    ) as caught:
        if where == "field":
            api.create_realtime_session(RealtimeSessionCreateRequest(input_audio_format=key))  # type: ignore[arg-type]
        elif where == "nested":
            api.create_realtime_session(RealtimeSessionCreateRequest(turn_detection={"type": key}))  # type: ignore[arg-type]
        elif where == "body":
            api.create_realtime_session(key)  # type: ignore[arg-type]
        elif where == "max_retries":
            ApiClient(api_key=key, max_retries=key)  # type: ignore[arg-type]
        elif where == "timeout":
            ApiClient(api_key=key, timeout=key)  # type: ignore[arg-type]
        elif where == "base_url":
            ApiClient(api_key=key, base_url=key)
        elif where == "header":
            ApiClient(api_key=key, default_headers={"X-Key": key + "\n"})
        else:
            with FaultServer() as server:
                client = ApiClient(api_key=key, base_url=server.url)
                RealtimeApi(client).create_realtime_session(RealtimeSessionCreateRequest(), timeout=key)  # type: ignore[arg-type]

    assert leaked(key, everything_about(caught.value)) == []


BAD_CHARACTERS = ["\n", "\r\n", "\r", "\t", "\x00", "\x7f", "\u2013", "\u00e9", "\u200b", " "]


@settings(max_examples=150, deadline=None)
@given(
    key=keys,
    bad=st.sampled_from(BAD_CHARACTERS),
    at=st.sampled_from(["end", "start", "middle"]),
    source=st.sampled_from(["argument", "environment"]),
)
def test_a_key_that_cannot_go_in_a_header_is_refused_naming_the_problem_not_the_key(
    key: str, bad: str, at: str, source: str
) -> None:
    assume(not (bad == " " and at == "middle"))  # a space inside a key can be sent (see below)
    assume(not (bad == "\x00" and source == "environment"))  # no environment variable holds one
    middle = len(key) // 2
    broken = {"end": key + bad, "start": bad + key, "middle": key[:middle] + bad + key[middle:]}[at]
    with pytest.MonkeyPatch.context() as environment:
        environment.delenv("OPENAI_API_KEY", raising=False)
        with pytest.raises(InvalidAPIKeyError) as caught:
            if source == "argument":
                ApiClient(api_key=broken)
            else:
                environment.setenv("OPENAI_API_KEY", broken)
                ApiClient()

    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, APIError)
    assert error.argument == ("api_key" if source == "argument" else "OPENAI_API_KEY")
    assert str(error).startswith(error.argument + " ")
    if bad in ("\n", "\r\n", "\r") and at == "end":
        assert "ends with a line break" in error.problem
    elif bad == " ":
        assert error.problem == "starts or ends with whitespace: strip it"
    elif bad.isascii():
        assert f"control character (U+{ord(bad[0]):04X})" in error.problem
    else:
        assert "non-ASCII character" in error.problem
    assert leaked(key, everything_about(error)) == []


def test_a_space_inside_a_key_can_be_sent_and_is_kept() -> None:
    assert ApiClient(api_key="sk-with inner-space-0123456789").has_api_key


def test_an_empty_key_is_refused_but_an_empty_environment_variable_counts_as_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "")

    with pytest.raises(InvalidAPIKeyError, match=r"^api_key is empty$"):
        ApiClient(api_key="")
    assert not ApiClient().has_api_key


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("<redacte", "<redacte"),  # the marker would contain the key
        ("sk-redacted-0123", "sk-redacted-0123"),  # a piece of the key is the marker's word
        ("ted>abcdQQQQQQQQ", "QQQQQQQQabcd"),  # the marker's edge and the text beside it make a piece
        ("QQQQQQQQ<reda", "<redaQQQQQQQQ"),
    ],
)
def test_a_key_the_marker_could_rebuild_gets_another_marker(key: str, text: str) -> None:
    marker = redaction_marker(key)
    shown = redact(text, key)

    assert marker != REDACTED and not set(marker) & set(key)
    assert leaked(key, shown) == [] and marker in shown


def test_an_ordinary_key_is_replaced_by_the_readable_marker() -> None:
    assert redaction_marker("sk-proj-0123456789abcdef") == REDACTED
    assert redact("key sk-proj-0123456789abcdef.", "sk-proj-0123456789abcdef") == "key <redacted>."


@settings(max_examples=300, deadline=None)
@given(key=keys, filler=st.text(string.printable, max_size=40), data=st.data())
def test_redact_leaves_no_piece_and_nothing_else_changes(key: str, filler: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(key) - MIN_REDACTED_PIECE))
    end = data.draw(st.integers(start + MIN_REDACTED_PIECE, len(key)))
    text = f"{filler}{key[start:end]}{filler}{key}{filler}"

    shown = redact(text, key)

    assert leaked(key, shown) == []
    assert redaction_marker(key) in shown
    assert redact(filler, key) == filler or leaked(key, filler)
