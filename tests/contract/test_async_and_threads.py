"""AsyncRealtimeApi never blocks the event loop; one ApiClient serves many threads without leaking."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from openai_realtime_client import ApiClient, AsyncRealtimeApi, BadRequestError, RealtimeApi
from openai_realtime_client.models import RealtimeSessionCreateRequest

from tests.support.keep_alive_server import KeepAliveServer
from tests.support.payloads import TEST_API_KEY, session, vendor_error
from tools.servers.mock_server import MockServer, ScriptedResponse

SESSION = session("ek_async")


def test_50_concurrent_calls_with_200ms_answers_overlap_and_the_loop_keeps_running(mock_server: MockServer) -> None:
    mock_server.script(*[ScriptedResponse(body=SESSION, delay=0.2) for _ in range(50)])

    async def scenario() -> tuple[list[str], float, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        async with AsyncRealtimeApi(ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url)) as api:
            started = time.monotonic()
            sessions = await asyncio.gather(
                *(api.create_realtime_session(RealtimeSessionCreateRequest(voice="ash")) for _ in range(50))
            )
            elapsed = time.monotonic() - started
        ticking.cancel()
        return [s.client_secret.value for s in sessions], elapsed, ticks

    secrets, elapsed, ticks = asyncio.run(scenario())

    assert secrets == ["ek_async"] * 50
    assert elapsed < 0.25 * 50 * 0.2  # sequential calls would take 10 s
    assert ticks >= elapsed / 0.01 * 0.5  # the loop ran its other task all along
    assert len(mock_server.received) == 50


def test_async_with_http_info_and_errors_match_the_sync_api(mock_server: MockServer) -> None:
    mock_server.script(
        ScriptedResponse(body=SESSION, headers={"x-request-id": "req_a"}),
        ScriptedResponse(status=400, body=vendor_error("no", "t")),
    )

    async def scenario() -> None:
        async with AsyncRealtimeApi(ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url)) as api:
            info = await api.create_realtime_session_with_http_info(RealtimeSessionCreateRequest(), max_retries=0)
            assert (info.status_code, info.request_id, info.data.client_secret.value) == (200, "req_a", "ek_async")
            with pytest.raises(BadRequestError, match="HTTP 400: no"):
                await api.create_realtime_session(RealtimeSessionCreateRequest(), max_retries=0)

    asyncio.run(scenario())


def test_one_client_shared_by_16_threads_making_1000_calls_opens_at_most_16_connections(
    keep_alive_server: KeepAliveServer,
) -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url=keep_alive_server.base_url)
    api = RealtimeApi(client)

    def mint(_: int) -> str:
        return api.create_realtime_session(RealtimeSessionCreateRequest()).client_secret.value

    with ThreadPoolExecutor(max_workers=16) as executor:
        secrets = list(executor.map(mint, range(1000)))

    assert secrets == [session()["client_secret"]["value"]] * 1000
    # Counted at the server: a connection not put back, or dropped, would have been replaced by a new one.
    assert 1 <= keep_alive_server.accepted() <= 16
    pool = client.pool_manager.connection_from_url(client.base_url)
    assert pool.num_requests == 1000
    assert pool.pool is not None and pool.pool.qsize() == 16
    client.close()
