"""Back-pressure a caller can see, against a stalled local server: a bound on queued async calls,
timeouts that count the wait for a worker or a connection, and cancellation that stops a call
where it is. Every wait here is bounded and short: the stalled server is released at the end."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
import urllib3
from openai_realtime_client import (
    ApiClient,
    APIConnectionError,
    APITimeoutError,
    AsyncRealtimeApi,
    QueueFullError,
    RealtimeApi,
)
from openai_realtime_client.models import RealtimeSessionCreateRequest

from tests.support.fault_server import FaultServer, reply, stall
from tests.support.payloads import TEST_API_KEY
from tests.support.signals import as_from_a_terminal
from tools import paths

OK_BODY = json.dumps({"client_secret": {"value": "ek_pressure", "expires_at": 1798761600}}).encode()
REQUEST = RealtimeSessionCreateRequest(model="gpt-realtime")
# Long enough that a call stuck behind a stalled read would visibly hang the test; the server
# releases every stall when the test leaves it.
STALL = 30.0
SLOW_READ = urllib3.Timeout(connect=5.0, read=STALL)

T = TypeVar("T")


def ok() -> Callable[..., bool]:
    return reply(200, OK_BODY, {"Content-Type": "application/json"})


async def _until(condition: Callable[[], bool], what: str, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what}")
        await asyncio.sleep(0.005)


async def _cancelled(task: "asyncio.Task[T]") -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def _run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), timeout=20))


def test_a_cancelled_call_frees_its_worker_at_once_and_makes_no_further_attempt() -> None:
    with FaultServer(stall(STALL), ok(), ok(), ok()) as server:
        client = ApiClient(api_key=TEST_API_KEY, base_url=server.url, timeout=SLOW_READ, max_connections=1)

        async def scenario() -> None:
            async with AsyncRealtimeApi(client) as api:
                stuck = asyncio.create_task(api.create_realtime_session(REQUEST, max_retries=3))
                await _until(lambda: server.attempts == 1, "the first request to arrive")
                await _cancelled(stuck)
                # The one worker was held by a read that would last 30 s; cancelling shut its socket.
                started = time.monotonic()
                secret = (await api.create_realtime_session(REQUEST, max_retries=0)).client_secret.value
                assert secret == "ek_pressure"
                assert time.monotonic() - started < 2.0
                await asyncio.sleep(0.2)
            # Had the cancelled call retried, it would have taken an answer scripted for the second.
            assert server.attempts == 2

        _run(scenario)
        client.close()


def test_a_call_cancelled_while_queued_leaves_the_queue_at_once_and_is_never_sent() -> None:
    with FaultServer(stall(STALL), ok(), ok()) as server:
        client = ApiClient(api_key=TEST_API_KEY, base_url=server.url, timeout=SLOW_READ, max_connections=1)

        async def scenario() -> None:
            async with AsyncRealtimeApi(client, max_queued=1) as api:
                stuck = asyncio.create_task(api.create_realtime_session(REQUEST, max_retries=0))
                await _until(lambda: server.attempts == 1, "the first request to arrive")
                queued = asyncio.create_task(api.create_realtime_session(REQUEST))
                await asyncio.sleep(0)  # it reaches the queue
                with pytest.raises(QueueFullError, match=r"1 calls are already waiting for one of 1 workers"):
                    await api.create_realtime_session(REQUEST)
                await _cancelled(queued)
                # Its place is free: the next call queues instead of being refused.
                accepted = asyncio.create_task(api.create_realtime_session(REQUEST))
                await asyncio.sleep(0)
                assert not accepted.done()
                await _cancelled(stuck)
                assert (await accepted).client_secret.value == "ek_pressure"
            assert server.attempts == 2  # the stalled call and the accepted one; the cancelled one never

        _run(scenario)
        client.close()


def test_the_wait_for_a_worker_counts_against_the_connect_timeout_and_nothing_is_sent() -> None:
    with FaultServer(stall(STALL), ok()) as server:
        client = ApiClient(api_key=TEST_API_KEY, base_url=server.url, timeout=SLOW_READ, max_connections=1)

        async def scenario() -> None:
            async with AsyncRealtimeApi(client) as api:
                stuck = asyncio.create_task(api.create_realtime_session(REQUEST, max_retries=0))
                await _until(lambda: server.attempts == 1, "the first request to arrive")
                started = time.monotonic()
                waited = r"waited 0\.3 s \(the connect timeout\) for one of 1 workers"
                with pytest.raises(APITimeoutError, match=waited):
                    await api.create_realtime_session(REQUEST, timeout=0.3, max_retries=2)
                # It gave up when its budget ran out, not when the worker came free (30 s later).
                assert 0.25 <= time.monotonic() - started < 2.0
                await _cancelled(stuck)
            assert server.attempts == 1

        _run(scenario)
        client.close()


def test_a_worker_that_frees_late_sends_only_with_the_budget_left(monkeypatch: pytest.MonkeyPatch) -> None:
    with FaultServer(ok()) as server:
        client = ApiClient(api_key=TEST_API_KEY, base_url=server.url, timeout=2.0, max_connections=1)
        seen: list[urllib3.Timeout] = []
        send = client._send

        def recording_send(*args: object) -> object:
            seen.append(args[-1])  # type: ignore[arg-type]
            return send(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(client, "_send", recording_send)
        times: dict[str, float] = {}

        def busy() -> None:
            time.sleep(0.5)
            times["freed"] = time.monotonic()

        async def scenario() -> None:
            async with AsyncRealtimeApi(client) as api:
                # The one worker is busy with something else for 0.5 s.
                blocker = asyncio.create_task(api._run(busy, None))
                await asyncio.sleep(0.05)
                times["asked"] = time.monotonic()
                await api.create_realtime_session(REQUEST, max_retries=0)
                await blocker

        _run(scenario)
        client.close()
    waited = times["freed"] - times["asked"]
    connect = seen[0].connect_timeout
    # 2 s less the time spent waiting for the worker (and the moment it took to pick the call up).
    assert isinstance(connect, float) and 2.0 - waited - 0.2 < connect <= 2.0 - waited + 0.01
    assert seen[0].read_timeout == 2.0


def test_a_thread_waiting_for_a_connection_times_out_within_the_connect_timeout() -> None:
    with FaultServer(stall(STALL)) as server:
        client = ApiClient(
            api_key=TEST_API_KEY,
            base_url=server.url,
            timeout=urllib3.Timeout(connect=0.3, read=STALL),
            max_connections=1,
            max_retries=0,
        )
        api = RealtimeApi(client)
        held: list[BaseException] = []

        def hold() -> None:
            try:
                api.create_realtime_session(REQUEST)
            except APIConnectionError as err:  # the stall ends with the server's exit
                held.append(err)

        holder = threading.Thread(target=hold)
        holder.start()
        deadline = time.monotonic() + 5
        while server.attempts < 1 and time.monotonic() < deadline:
            time.sleep(0.005)
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="waiting for a free connection: all 1 were in use"):
            api.create_realtime_session(REQUEST)
        assert 0.25 <= time.monotonic() - started < 2.0
    holder.join(timeout=10)
    assert not holder.is_alive() and len(held) == 1
    client.close()


def test_async_calls_fail_typed_when_the_engine_is_closed() -> None:
    client = ApiClient(api_key=TEST_API_KEY, base_url="http://127.0.0.1:9/v1")

    async def scenario() -> None:
        api = AsyncRealtimeApi(client)
        api.close()
        with pytest.raises(RuntimeError, match="AsyncRealtimeApi is closed"):
            await api.create_realtime_session(REQUEST)

    _run(scenario)


@pytest.mark.parametrize("value", [-1, 1.5, "8", True])
def test_max_queued_is_checked_at_construction(value: object) -> None:
    with pytest.raises(ValueError, match=r"max_queued must be None or a whole number of 0 or more, got"):
        AsyncRealtimeApi(ApiClient(api_key=TEST_API_KEY), max_queued=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [0, -3, 2.0, "16", True])
def test_max_connections_is_checked_at_construction(value: object) -> None:
    with pytest.raises(ValueError, match=r"max_connections must be a whole number of 1 or more, got"):
        ApiClient(api_key=TEST_API_KEY, max_connections=value)  # type: ignore[arg-type]


def test_one_setting_sizes_the_pool_and_the_workers() -> None:
    client = ApiClient(api_key=TEST_API_KEY, max_connections=24)
    assert client.pool_manager.connection_pool_kw["maxsize"] == 24
    assert client.pool_manager.connection_pool_kw["block"] is True
    assert AsyncRealtimeApi(client)._engine.workers == 24
    # A caller's pool manager brings its own size; a different max_connections beside it is refused.
    assert ApiClient(api_key=TEST_API_KEY, pool_manager=urllib3.PoolManager(maxsize=7)).max_connections == 7
    with pytest.raises(ValueError, match=r"max_connections is 8 but the pool_manager's maxsize is 7"):
        ApiClient(api_key=TEST_API_KEY, pool_manager=urllib3.PoolManager(maxsize=7), max_connections=8)


INTERRUPTED_PROGRAM = """
import asyncio, sys, urllib3
from openai_realtime_client import ApiClient, AsyncRealtimeApi
from openai_realtime_client.models import RealtimeCreateClientSecretRequest

REQUEST = RealtimeCreateClientSecretRequest.from_dict({"session": {"type": "realtime", "model": "gpt-realtime"}})

async def main():
    client = ApiClient(base_url=sys.argv[1], timeout=urllib3.Timeout(connect=5, read=30))  # the key: OPENAI_API_KEY
    async with AsyncRealtimeApi(client) as api:
        await api.create_realtime_client_secret(REQUEST, max_retries=5)

try:
    asyncio.run(main())
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_an_interrupted_program_exits_at_once_and_its_call_is_not_retried() -> None:
    """Issue 11, item 9: Ctrl-C during a call to a stalled server used to leave the worker retrying
    (7.5 s to exit with short timeouts, minutes with the defaults)."""
    with FaultServer(stall(STALL), ok(), ok()) as server:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(paths.GENERATED), str(paths.REPO)]),
            "OPENAI_API_KEY": TEST_API_KEY,  # not in argv, which a failure's TimeoutExpired would print
        }
        child = subprocess.Popen(
            [sys.executable, "-c", INTERRUPTED_PROGRAM, server.url],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=as_from_a_terminal,
        )
        try:
            deadline = time.monotonic() + 10
            while server.attempts < 1 and time.monotonic() < deadline and child.poll() is None:
                time.sleep(0.01)
            assert server.attempts == 1
            started = time.monotonic()
            child.send_signal(signal.SIGINT)
            code = child.wait(timeout=10)
            elapsed = time.monotonic() - started
            time.sleep(0.2)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        _, stderr = child.communicate()
        assert code == 130, stderr.decode()[-2000:]
        assert elapsed < 5.0  # it used to wait out the 30 s read timeout and retry
        assert server.attempts == 1  # no retry after the interrupt
        assert TEST_API_KEY.encode() not in stderr
