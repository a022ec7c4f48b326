"""Connection reuse, counted as connections the server accepted (the mock cannot show it): many
calls use one connection, and ``close()`` really lets it go. Threads: test_async_and_threads.py."""

from openai_realtime_client import ApiClient, RealtimeApi
from openai_realtime_client.models import RealtimeSessionCreateRequest

from tests.support.keep_alive_server import KeepAliveServer
from tests.support.payloads import TEST_API_KEY


def test_many_calls_use_one_connection(keep_alive_server: KeepAliveServer) -> None:
    with ApiClient(api_key=TEST_API_KEY, base_url=keep_alive_server.base_url) as client:
        api = RealtimeApi(client)
        for _ in range(50):
            assert api.create_realtime_session(RealtimeSessionCreateRequest()).client_secret.value

    assert keep_alive_server.accepted() == 1


def test_close_lets_the_connection_go_and_the_next_call_opens_another(keep_alive_server: KeepAliveServer) -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url=keep_alive_server.base_url)
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
    assert keep_alive_server.accepted() == 2
    client.close()
