"""Shared fixtures: the spec-driven mock server and a client pointed at it."""

from collections.abc import Iterator

import pytest
from openai_realtime_client import ApiClient, RealtimeApi

from tools.servers.mock_server import MockServer

# A placeholder key: long and distinctive so that a leak into output is easy to search for.
TEST_API_KEY = "sk-test-3c5f9a1e7b2d4c6f8a0b2d4f6a8c0e1f"


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
