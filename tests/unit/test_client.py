"""ApiClient and the error classes, without a server: nothing here opens a connection (refused
connections are in tests/faults/)."""

import inspect

import pytest
import urllib3
from openai_realtime_client import ApiClient, APIError, RealtimeApi, errors

from tests.support.payloads import TEST_API_KEY


def test_repr_and_str_never_show_the_api_key() -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url="http://127.0.0.1:9/v1")

    for text in (repr(client), str(client), repr(RealtimeApi(client))):
        assert TEST_API_KEY not in text
        assert "api_key=<set>" in text
    assert client.has_api_key


def test_repr_says_when_the_key_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)

    client = ApiClient(base_url="http://127.0.0.1:9/v1")

    assert "api_key=<missing>" in repr(client)
    assert not client.has_api_key


def test_a_float_timeout_becomes_a_urllib3_timeout() -> None:
    client = ApiClient(api_key="k", timeout=2.5)

    assert isinstance(client.timeout, urllib3.Timeout)
    assert client.timeout.connect_timeout == 2.5 and client.timeout.read_timeout == 2.5


def test_default_timeout_is_5s_connect_and_60s_read() -> None:
    client = ApiClient(api_key="k")

    assert (client.timeout.connect_timeout, client.timeout.read_timeout) == (5.0, 60.0)


def test_every_error_class_derives_from_api_error_and_documents_when_it_is_raised() -> None:
    classes = [obj for _, obj in inspect.getmembers(errors, inspect.isclass) if obj.__module__ == errors.__name__]

    assert len(classes) >= 13
    for cls in classes:
        assert issubclass(cls, APIError)
        assert cls.__doc__ and "\n" not in cls.__doc__.strip(), cls
