"""Shared fixtures: the spec-driven mock server, a client pointed at it, and the keep-alive server."""

from collections.abc import Iterator

import pytest
from openai_realtime_client import ApiClient, RealtimeApi

from tests.support.keep_alive_server import KeepAliveServer
from tests.support.payloads import TEST_API_KEY, encoded, session
from tools.servers.mock_server import MockServer


@pytest.fixture(scope="session")
def _mock_server_process_wide() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture
def mock_server(_mock_server_process_wide: MockServer) -> Iterator[MockServer]:
    """The mock on 127.0.0.1, with no requests remembered and no answers queued."""
    server = _mock_server_process_wide
    server.reset()
    yield server
    assert not server.response_problems, "the mock's own answers broke the spec"
    server.reset()


@pytest.fixture
def client(mock_server: MockServer) -> Iterator[ApiClient]:
    with ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url) as api_client:
        yield api_client


@pytest.fixture
def api(client: ApiClient) -> RealtimeApi:
    return RealtimeApi(client)


@pytest.fixture(scope="session")
def _keep_alive_server_process_wide(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KeepAliveServer]:
    body = tmp_path_factory.mktemp("keep-alive") / "session.json"
    body.write_bytes(encoded(session()))
    with KeepAliveServer(body) as server:
        yield server


@pytest.fixture
def keep_alive_server(_keep_alive_server_process_wide: KeepAliveServer) -> KeepAliveServer:
    """A server that keeps connections alive and counts those it accepts (from 0 here), answering
    every ``POST /v1/realtime/sessions`` with ``payloads.session()``. The mock cannot show reuse."""
    _keep_alive_server_process_wide.reset()
    return _keep_alive_server_process_wide
