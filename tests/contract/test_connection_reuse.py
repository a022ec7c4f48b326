"""Connection reuse against a server that keeps connections alive (the mock closes each one).

The benchmark's server counts the connections it accepts: many calls use one, and ``close()``
really lets it go, so the next call opens another.
"""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openai_realtime_client import ApiClient, RealtimeApi
from openai_realtime_client.models import RealtimeSessionCreateRequest

from bench import environment
from bench.server import BenchServer
from tests.conftest import TEST_API_KEY


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BenchServer]:
    _, response = environment.bodies()
    body = tmp_path_factory.mktemp("keep-alive") / "response.json"
    body.write_text(json.dumps(response), encoding="utf-8")
    with BenchServer(Path(body)) as running:
        yield running


def test_many_calls_use_one_connection(server: BenchServer) -> None:
    server.reset()
    with ApiClient(api_key=TEST_API_KEY, base_url=server.base_url) as client:
        api = RealtimeApi(client)
        for _ in range(50):
            assert api.create_realtime_session(RealtimeSessionCreateRequest()).client_secret.value

    assert server.accepted() == 1


def test_close_lets_the_connection_go_and_the_next_call_opens_another(server: BenchServer) -> None:
    server.reset()
    client = ApiClient(api_key=TEST_API_KEY, base_url=server.base_url)
    api = RealtimeApi(client)
    api.create_realtime_session(RealtimeSessionCreateRequest())
    pool = client.pool_manager.connection_from_url(client.base_url)
    assert pool.pool is not None
    connection = next(conn for conn in pool.pool.queue if conn is not None)
    assert connection.sock is not None
    del pool

    client.close()

    assert connection.sock is None  # closed once nothing refers to its pool any more
    api.create_realtime_session(RealtimeSessionCreateRequest())
    assert server.accepted() == 2
    client.close()
