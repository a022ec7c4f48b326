"""The engine under AsyncRealtimeApi (runtime/openai_realtime_client/_async.py) with plain blocking
callables: how many workers it starts, when it refuses a call, and when its workers end."""

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable

import pytest

from runtime.openai_realtime_client import _async
from runtime.openai_realtime_client.errors import QueueFullError


def _run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), timeout=10))


def test_workers_start_as_calls_arrive_and_never_exceed_the_setting() -> None:
    engine = _async.CallEngine(4, max_queued=None, name="engine")
    release = threading.Event()
    running: set[str] = set()
    most = 0
    lock = threading.Lock()

    def call() -> str:
        nonlocal most
        with lock:
            running.add(threading.current_thread().name)
            most = max(most, len(running))
        release.wait(5)
        with lock:
            running.discard(threading.current_thread().name)
        return "done"

    async def scenario() -> None:
        assert engine.threads == 0  # nothing is started before the first call
        calls = [asyncio.create_task(engine.run(call, None)) for _ in range(10)]
        await asyncio.sleep(0.1)
        assert engine.threads == 4 and engine.queued == 6
        release.set()
        assert await asyncio.gather(*calls) == ["done"] * 10

    _run(scenario)
    assert most == 4
    engine.close()


def test_max_queued_counts_only_calls_no_worker_will_take() -> None:
    engine = _async.CallEngine(2, max_queued=1, name="engine")
    release = threading.Event()

    async def scenario() -> None:
        # Two calls take the two workers (one started for each), a third waits: the bound is reached.
        calls = [asyncio.create_task(engine.run(lambda: release.wait(5), None)) for _ in range(3)]
        await asyncio.sleep(0.1)
        with pytest.raises(QueueFullError, match=r"1 calls are already waiting for one of 2 workers \(max_queued=1\)"):
            await engine.run(lambda: True, None)
        release.set()
        assert await asyncio.gather(*calls) == [True] * 3
        # The workers are idle now: a call is taken at once, so it is not refused.
        assert await engine.run(lambda: "again", None) == "again"

    _run(scenario)
    engine.close()


def test_an_idle_worker_ends_and_the_next_call_starts_one_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_async, "IDLE_SECONDS", 0.05)
    engine = _async.CallEngine(3, max_queued=None, name="engine")

    async def scenario() -> None:
        assert await asyncio.gather(*(engine.run(lambda: 1, None) for _ in range(3))) == [1, 1, 1]
        deadline = time.monotonic() + 5
        while engine.threads and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert engine.threads == 0
        assert await engine.run(lambda: 2, None) == 2

    _run(scenario)
    engine.close()


def test_an_exception_raised_by_the_call_reaches_the_caller() -> None:
    engine = _async.CallEngine(1, max_queued=None, name="engine")

    def fails() -> None:
        raise LookupError("from the worker")

    async def scenario() -> None:
        with pytest.raises(LookupError, match="from the worker"):
            await engine.run(fails, None)

    _run(scenario)
    engine.close()
