"""What ``ApiClient(...)`` and a call say about arguments they cannot work with, and the texts of
errors that must say what happened: a refused connection, a proxy's HTML page, a misspelled field."""

import copy
import pickle
import warnings
from typing import Any

import pytest
import urllib3
from openai_realtime_client import (
    ApiClient,
    APIConnectionError,
    APIResponseValidationError,
    ConfigurationError,
    RealtimeApi,
)
from openai_realtime_client import client as client_module
from openai_realtime_client.models import (
    RealtimeSessionCreateRequest,
    RealtimeSessionCreateRequestTurnDetection,
)
from openai_realtime_client.types import UNSET, UnknownFieldWarning, Unset

from tests.support.fault_server import FaultServer, reply
from tests.support.payloads import TEST_API_KEY
from tests.support.ports import closed_port


@pytest.mark.parametrize(
    ("arguments", "argument", "problem"),
    [
        ({"max_retries": "2"}, "max_retries", "must be a whole number of 0 or more, got str '2'"),
        ({"max_retries": 2.0}, "max_retries", "must be a whole number of 0 or more, got float 2.0"),
        ({"max_retries": True}, "max_retries", "must be a whole number of 0 or more, got bool True"),
        ({"max_retries": -1}, "max_retries", "must be 0 or more, got -1"),
        ({"timeout": "5"}, "timeout", "must be seconds (a number above 0) or a urllib3.Timeout, got str '5'"),
        ({"timeout": (5, 60)}, "timeout", "must be seconds (a number above 0) or a urllib3.Timeout, got tuple (5, 60)"),
        ({"timeout": 0}, "timeout", "must be a finite number of seconds above 0, got 0"),
        ({"timeout": float("nan")}, "timeout", "must be a finite number of seconds above 0, got nan"),
        (
            {"base_url": ""},
            "base_url",
            "is empty: leave it out for https://api.openai.com/v1, or give the server's URL",
        ),
        ({"base_url": "127.0.0.1:8000"}, "base_url", "has no scheme (http:// or https://): '127.0.0.1:8000'"),
        ({"base_url": "localhost:8000/v1"}, "base_url", "has no scheme (http:// or https://): 'localhost:8000/v1'"),
        (
            {"base_url": "ftp://127.0.0.1/v1"},
            "base_url",
            "must use http:// or https://, got ftp:// in 'ftp://127.0.0.1/v1'",
        ),
        ({"base_url": "http:///v1"}, "base_url", "has no host: 'http:///v1'"),
        (
            {"base_url": "http://127.0.0.1/v1\n"},
            "base_url",
            "has whitespace or a control character: 'http://127.0.0.1/v1\\n'",
        ),
        ({"base_url": 8000}, "base_url", "must be a string, got int"),
        ({"organization": "org-1\n"}, "header OpenAI-Organization", "has a control character (U+000A) at position 6"),
        ({"default_headers": {"X-Team": "caf\u00e9 \u2615"}}, "header X-Team", "has a character that cannot be sent"),
    ],
)
def test_an_argument_the_client_cannot_use_is_refused_at_construction_by_name(
    arguments: dict[str, Any], argument: str, problem: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not a urllib3 warning on the first call either
        with pytest.raises(ConfigurationError) as caught:
            ApiClient(api_key=TEST_API_KEY, **arguments)

    assert caught.value.argument == argument
    assert str(caught.value).startswith(f"{argument} {problem}")
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, TypeError)


def test_the_environment_variable_is_named_when_it_is_the_base_url_at_fault(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "api.example.test/v1")

    with pytest.raises(ConfigurationError, match=r"^OPENAI_BASE_URL has no scheme"):
        ApiClient(api_key=TEST_API_KEY)


def test_an_empty_base_url_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "")

    assert ApiClient(api_key=TEST_API_KEY).base_url == client_module.DEFAULT_BASE_URL


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/v1/", "HTTPS://api.example.test/v1"])
def test_http_and_https_urls_are_taken(url: str) -> None:
    assert ApiClient(api_key=TEST_API_KEY, base_url=url).base_url == url.rstrip("/")


def test_a_calls_own_timeout_and_retries_are_checked_the_same_way() -> None:
    api = RealtimeApi(ApiClient(api_key=TEST_API_KEY, base_url=f"http://127.0.0.1:{closed_port()}"))

    with pytest.raises(ConfigurationError, match=r"^max_retries must be a whole number"):
        api.create_realtime_session(RealtimeSessionCreateRequest(), max_retries="1")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"^timeout must be seconds"):
        api.create_realtime_session(RealtimeSessionCreateRequest(), timeout="1")  # type: ignore[arg-type]


def test_a_timeout_object_is_taken_as_it_is() -> None:
    timeout = urllib3.Timeout(connect=1.0, read=2.0)

    assert ApiClient(api_key=TEST_API_KEY, timeout=timeout).timeout is timeout


def test_a_refused_connection_says_so_with_host_and_port() -> None:
    port = closed_port()
    api = RealtimeApi(ApiClient(api_key=TEST_API_KEY, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0))

    with pytest.raises(APIConnectionError) as caught:
        api.create_realtime_session(RealtimeSessionCreateRequest())

    assert str(caught.value) == (
        f"POST http://127.0.0.1:{port}/v1/realtime/sessions failed before a response arrived: "
        f"connection refused by 127.0.0.1:{port} (NewConnectionError)"
    )
    assert caught.value.__cause__ is not None  # urllib3's error, which holds nothing secret here


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        (
            {"Content-Type": "text/html; charset=utf-8"},
            b"<html><head><title>Proxy login</title></head></html>",
            "expected JSON, got text/html (52 bytes starting '<html><head><title>Proxy login</title></head></html>')",
        ),
        ({}, b"", "expected JSON, got an empty body (no Content-Type)"),
        (
            {"Content-Type": "application/json"},
            b"{oops",
            "expected JSON, got application/json that does not parse (Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)); 5 bytes starting '{oops'",
        ),
    ],
    ids=["html", "empty", "broken-json"],
)
def test_a_2xx_body_that_is_not_json_says_what_it_is(headers: dict[str, str], body: bytes, expected: str) -> None:
    with FaultServer(reply(200, body, {**headers, "x-request-id": "req_proxy"})) as server:
        api = RealtimeApi(ApiClient(api_key=TEST_API_KEY, base_url=server.url, max_retries=0))
        with pytest.raises(APIResponseValidationError) as caught:
            api.create_realtime_session(RealtimeSessionCreateRequest())

    assert str(caught.value) == f"200 response did not match the API description: {expected} (request id req_proxy)"


def test_from_dict_warns_about_a_misspelled_field_names_the_nearest_and_keeps_it() -> None:
    with pytest.warns(UnknownFieldWarning) as warned:
        request = RealtimeSessionCreateRequest.from_dict({"temprature": 0.9, "voice": "alloy"})

    assert [str(w.message) for w in warned] == [
        "RealtimeSessionCreateRequest: unknown field 'temprature' kept and sent as given; did you mean 'temperature'?"
    ]
    assert warned[0].filename == __file__  # points at the caller's line
    assert request.to_dict() == {"temprature": 0.9, "voice": "alloy"}


def test_from_dict_warns_in_nested_objects_too() -> None:
    with pytest.warns(UnknownFieldWarning, match="RealtimeSessionCreateRequestTurnDetection: unknown field 'thresh'"):
        RealtimeSessionCreateRequest.from_dict({"turn_detection": {"type": "server_vad", "thresh": 0.5}})


def test_from_dict_keeps_a_field_unlike_any_known_one_silently() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        turn = RealtimeSessionCreateRequestTurnDetection.from_dict({"type": "server_vad", "idle_timeout_ms": 5000})

    assert turn.to_dict() == {"type": "server_vad", "idle_timeout_ms": 5000}


def test_a_copied_or_unpickled_model_still_leaves_its_unset_fields_off_the_wire() -> None:
    # to_dict tests a field with `is UNSET`: a copy of a model must not carry an UNSET of its own.
    request = RealtimeSessionCreateRequest.from_dict({"voice": "alloy", "turn_detection": {"type": "server_vad"}})
    for copied in (copy.copy(request), copy.deepcopy(request), pickle.loads(pickle.dumps(request))):
        assert copied.to_dict() == {"voice": "alloy", "turn_detection": {"type": "server_vad"}}
    assert Unset() is UNSET and copy.deepcopy(UNSET) is UNSET and not UNSET
