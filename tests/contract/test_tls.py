"""TLS against a local HTTPS server whose certificate a throwaway CA (trustme) issued for 127.0.0.1:
trusted when the client is given that CA, refused otherwise, with the TLS error as the cause."""

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import urllib3
from openai_realtime_client import ApiClient, APIConnectionError, APITimeoutError, RealtimeApi
from openai_realtime_client.models import RealtimeSessionCreateRequest

from tests.support.keep_alive_server import Authority, KeepAliveServer, throwaway_authority
from tests.support.payloads import TEST_API_KEY, encoded, session


@pytest.fixture(scope="module")
def https(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KeepAliveServer, Authority]]:
    scratch = tmp_path_factory.mktemp("tls")
    authority = throwaway_authority(scratch)
    body = scratch / "session.json"
    body.write_bytes(encoded(session()))
    with KeepAliveServer(body, tls=authority.server) as server:
        yield server, authority


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, what it was raised from or during, and the exceptions it wraps, all the way down."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [e for e in (current.__cause__, current.__context__, *current.args) if isinstance(e, BaseException)]


def test_a_certificate_from_the_ca_given_is_trusted(https: tuple[KeepAliveServer, Authority]) -> None:
    server, authority = https
    with ApiClient(api_key=TEST_API_KEY, base_url=server.base_url, ca_certs=str(authority.ca_cert)) as client:
        minted = RealtimeApi(client).create_realtime_session(RealtimeSessionCreateRequest())

    assert minted.client_secret.value == session()["client_secret"]["value"]


@pytest.mark.parametrize("trusted", ["system", "another-ca"])
def test_an_untrusted_certificate_is_refused_with_the_tls_error_as_cause(
    https: tuple[KeepAliveServer, Authority], tmp_path: Path, trusted: str
) -> None:
    server, _ = https
    ca_certs = None if trusted == "system" else str(throwaway_authority(tmp_path).ca_cert)

    with (
        ApiClient(api_key=TEST_API_KEY, base_url=server.base_url, ca_certs=ca_certs) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        RealtimeApi(client).create_realtime_session(RealtimeSessionCreateRequest(), max_retries=0)

    assert not isinstance(caught.value, APITimeoutError)
    assert isinstance(caught.value.__cause__, urllib3.exceptions.SSLError)
    verification = [e for e in _causes(caught.value) if isinstance(e, ssl.SSLCertVerificationError)]
    assert verification and verification[0].reason == "CERTIFICATE_VERIFY_FAILED"
    assert "SSLError" in str(caught.value) and TEST_API_KEY not in str(caught.value)
