"""AsyncRealtimeApi never blocks the event loop; one ApiClient serves many threads without leaking."""

import asyncio
import logging
import threading
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from openai_realtime_client import ApiClient, AsyncRealtimeApi, BadRequestError, RealtimeApi
from openai_realtime_client.client import DEFAULT_MAX_CONNECTIONS
from openai_realtime_client.models import RealtimeSessionCreateRequest

from tests.support.keep_alive_server import KeepAliveServer
from tests.support.payloads import TEST_API_KEY, encoded, session, vendor_error
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
    # Sequential calls would take 10 s and a blocked loop would tick about never; the margins are wide
    # because a loaded 2-core machine delays both the answers and the ticker's wake-ups.
    assert elapsed < 0.5 * 50 * 0.2
    assert ticks >= elapsed / 0.01 * 0.2  # the loop ran its other task all along
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


def _counting_server(tmp_path: Path, delay: float) -> KeepAliveServer:
    """A keep-alive server in its own process that answers every mint after ``delay`` seconds and
    counts the sockets it accepts."""
    body = tmp_path / "session.json"
    body.write_bytes(encoded(SESSION))
    return KeepAliveServer(body, delay=delay)


@contextmanager
def _no_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fails if anything warns or logs at WARNING ("Connection pool is full, discarding connection")."""
    with caplog.at_level(logging.WARNING), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    # create_realtime_session is the deprecated beta operation: its DeprecationWarning is not the pool's.
    assert [str(w.message) for w in caught if not issubclass(w.category, DeprecationWarning)] == []


def test_one_client_shared_by_256_threads_keeps_exactly_its_pools_connections(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Each answer takes 50 ms, so all 16 connections are in use long before the first comes back.
    with _counting_server(tmp_path, delay=0.05) as server, _no_warnings(caplog):
        client = ApiClient(api_key=TEST_API_KEY, base_url=server.base_url, max_connections=16)
        api = RealtimeApi(client)
        start = threading.Barrier(256)

        def mint(_: int) -> list[str]:
            start.wait()
            return [api.create_realtime_session(RealtimeSessionCreateRequest()).client_secret.value for _ in range(2)]

        with ThreadPoolExecutor(max_workers=256) as executor:
            secrets = [secret for batch in executor.map(mint, range(256)) for secret in batch]
        accepted = server.accepted()
        client.close()

    assert secrets == ["ek_async"] * 512
    # 256 threads, 16 connections: the others waited for one instead of opening and discarding their own.
    assert accepted == 16


# The defaults with a burst of 1,000; and a pool of 64 with answers slow enough (200 ms) that the
# first burst fills it even on a busy machine, where starting 64 threads takes a while.
@pytest.mark.parametrize(("max_connections", "calls", "delay"), [(None, 1000, 0.05), (64, 256, 0.2)])
def test_bursts_of_async_calls_stay_within_the_pool_and_never_warn(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, max_connections: int | None, calls: int, delay: float
) -> None:
    with _counting_server(tmp_path, delay=delay) as server, _no_warnings(caplog):

        async def burst(api: AsyncRealtimeApi) -> list[str]:
            request = RealtimeSessionCreateRequest()
            sessions = await asyncio.gather(*(api.create_realtime_session(request) for _ in range(calls)))
            return [session.client_secret.value for session in sessions]

        async def scenario() -> tuple[int, int, int]:
            client = ApiClient(api_key=TEST_API_KEY, base_url=server.base_url, max_connections=max_connections)
            async with AsyncRealtimeApi(client) as api:
                assert await burst(api) == ["ek_async"] * calls
                first = server.accepted()
                assert await burst(api) == ["ek_async"] * calls
                threads = api._engine.threads
            client.close()
            return first, server.accepted(), threads

        first, after, threads = asyncio.run(scenario())

    pool = DEFAULT_MAX_CONNECTIONS if max_connections is None else max_connections
    assert threads <= pool and after <= pool
    if max_connections is not None:
        # A burst that fills the pool opens every connection there is to open; the next opens none.
        assert first == after == max_connections
