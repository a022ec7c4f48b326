"""The engine under AsyncRealtimeApi (runtime/openai_realtime_client/_async.py) with plain blocking
callables: how many workers it starts, when it refuses a call, and when its workers end."""

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable

import pytest
import urllib3

from runtime.openai_realtime_client import _async
from runtime.openai_realtime_client.client import ApiClient, CallControl, _current
from runtime.openai_realtime_client.errors import APITimeoutError, ConfigurationError, QueueFullError
from tests.support.payloads import TEST_API_KEY


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


async def _until(condition: Callable[[], bool], what: str) -> None:
    """Waits for a state of the engine (its workers run on their own threads), never for a margin."""
    deadline = time.monotonic() + 5
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what}")
        await asyncio.sleep(0.001)


class _Calls:
    """Blocking calls that say when they start and wait until released; what ran, in order."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.ran: list[str] = []
        self.controls: dict[str, CallControl | None] = {}
        self.threads: dict[str, threading.Thread] = {}

    def __call__(self, label: str) -> Callable[[], str]:
        def call() -> str:
            self.controls[label] = _current.control
            self.threads[label] = threading.current_thread()
            self.ran.append(label)
            assert self.release.wait(5)
            return label

        return call


def test_max_queued_0_takes_calls_while_a_worker_is_free_or_yet_to_start_and_refuses_the_next() -> None:
    engine = _async.CallEngine(2, max_queued=0, name="engine")
    calls = _Calls()

    async def scenario() -> None:
        # Two workers yet to start: each of two calls starts one, neither is refused.
        first = asyncio.create_task(engine.run(calls("first"), None))
        await _until(lambda: calls.ran == ["first"], "the first call to start")
        second = asyncio.create_task(engine.run(calls("second"), None))
        await _until(lambda: len(calls.ran) == 2, "the second call to start")
        assert (engine.threads, engine.queued) == (2, 0)
        with pytest.raises(QueueFullError) as caught:
            await engine.run(calls("third"), None)
        assert str(caught.value) == "0 calls are already waiting for one of 2 workers (max_queued=0)"
        calls.release.set()
        assert list(await asyncio.gather(first, second)) == ["first", "second"]
        # Both workers idle now: a call is taken at once by one of them, so it is not refused either.
        await _until(lambda: engine._idle == 2, "both workers to be idle")
        assert await engine.run(calls("fourth"), None) == "fourth"
        assert engine.threads == 2

    _run(scenario)
    assert calls.ran == ["first", "second", "fourth"]
    engine.close()


def test_an_idle_worker_takes_the_next_call_on_its_daemon_thread_named_after_the_engine() -> None:
    engine = _async.CallEngine(3, max_queued=None, name="AsyncThing")
    calls = _Calls()
    calls.release.set()

    async def scenario() -> None:
        assert await engine.run(calls("one"), None) == "one"
        await _until(lambda: engine._idle == 1, "the worker to be idle")
        assert await engine.run(calls("two"), None) == "two"

    _run(scenario)
    assert engine.threads == 1  # the idle worker took the second call: no second thread
    assert calls.threads["one"] is calls.threads["two"]
    assert calls.threads["one"].name == "AsyncThing-1"
    assert calls.threads["one"].daemon  # a worker never keeps the program from exiting
    engine.close()


def test_cancelled_and_expired_calls_leave_the_queue_at_once_and_never_run() -> None:
    engine = _async.CallEngine(1, max_queued=None, name="engine")
    calls = _Calls()

    async def scenario() -> None:
        before = time.monotonic()
        running = asyncio.create_task(engine.run(calls("running"), 30.0))
        await _until(lambda: calls.ran == ["running"], "the first call to start")
        kept = [asyncio.create_task(engine.run(calls(f"kept{n}"), None)) for n in (1, 2)]
        cancelled = asyncio.create_task(engine.run(calls("cancelled"), None))
        await _until(lambda: engine.queued == 3, "three calls to queue")
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        assert engine.queued == 2
        # Its connect timeout runs out while the one worker is still held: it fails, nothing ran.
        with pytest.raises(APITimeoutError) as caught:
            await engine.run(calls("expired"), 0.05)
        assert str(caught.value) == (
            "timed out: waited 0.05 s (the connect timeout) for one of 1 workers, all busy; nothing was sent"
        )
        assert engine.queued == 2
        control = calls.controls["running"]
        assert control is not None and before <= control.queued_at <= time.monotonic()
        assert not control.cancelled
        calls.release.set()
        assert await asyncio.gather(running, *kept) == ["running", "kept1", "kept2"]
        assert engine.queued == 0

    _run(scenario)
    assert calls.ran == ["running", "kept1", "kept2"]
    engine.close()


def test_cancelling_a_running_call_cancels_its_control_and_the_caller_sees_the_cancellation() -> None:
    engine = _async.CallEngine(1, max_queued=None, name="engine")
    calls = _Calls()

    async def scenario() -> None:
        running = asyncio.create_task(engine.run(calls("running"), None))
        await _until(lambda: calls.ran == ["running"], "the call to start")
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        control = calls.controls["running"]
        assert control is not None and control.cancelled  # the worker's call is told to stop where it is
        calls.release.set()  # the worker comes free once the call returns; its late answer goes nowhere
        assert await engine.run(calls("next"), None) == "next"

    _run(scenario)
    assert engine.queued == 0
    engine.close()


def test_a_call_that_ends_after_its_loop_closed_leaves_the_worker_serving_the_next_loop() -> None:
    engine = _async.CallEngine(1, max_queued=None, name="engine")
    calls = _Calls()

    async def abandoned() -> None:
        running = asyncio.create_task(engine.run(calls("abandoned"), None))
        await _until(lambda: calls.ran == ["abandoned"], "the call to start")
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running

    _run(abandoned)  # its loop is closed now, while the call still runs
    calls.release.set()

    async def later() -> None:
        assert await engine.run(lambda: "later", None) == "later"

    _run(later)
    assert engine.threads == 1
    engine.close()


def test_closing_refuses_new_calls_and_lets_the_idle_workers_end_at_once() -> None:
    engine = _async.CallEngine(2, max_queued=None, name="AsyncThing")

    async def scenario() -> None:
        assert list(await asyncio.gather(engine.run(lambda: 1, None), engine.run(lambda: 2, None))) == [1, 2]
        engine.close()
        with pytest.raises(RuntimeError) as caught:
            await engine.run(lambda: 3, None)
        assert str(caught.value) == "AsyncThing is closed"
        await _until(lambda: engine.threads == 0, "the workers to end")  # not a minute later

    _run(scenario)


@pytest.mark.parametrize("value", [0, 1, 1000])
def test_max_queued_takes_none_or_any_whole_number_from_0(value: int) -> None:
    assert _async.CallEngine(1, max_queued=value, name="engine").max_queued == value
    assert _async.CallEngine(1, max_queued=None, name="engine").max_queued is None


@pytest.mark.parametrize(("value", "shown"), [(-1, "-1"), (1.5, "1.5"), (2.0, "2.0"), ("8", "'8'"), (True, "True")])
def test_a_max_queued_that_is_not_a_whole_number_is_refused_naming_it(value: object, shown: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        _async.CallEngine(1, max_queued=value, name="engine")  # type: ignore[arg-type]
    assert caught.value.argument == "max_queued"
    assert str(caught.value) == f"max_queued must be None or a whole number of 0 or more, got {shown}"


def test_the_connect_budget_is_the_calls_connect_timeout_else_the_clients() -> None:
    client = ApiClient(api_key=TEST_API_KEY, timeout=urllib3.Timeout(connect=2, read=9))

    budget = _async.connect_budget(client, None)
    assert budget == 2.0 and isinstance(budget, float)
    assert _async.connect_budget(client, 0.3) == 0.3
    assert _async.connect_budget(client, urllib3.Timeout(connect=1.5, read=9)) == 1.5
    assert _async.connect_budget(client, urllib3.Timeout(connect=None, read=9)) is None
    assert _async.connect_budget(client, urllib3.Timeout(read=9)) is None  # urllib3's default: none of its own


def test_a_call_timeout_that_is_not_one_is_refused_naming_it_without_the_key() -> None:
    client = ApiClient(api_key=TEST_API_KEY)
    with pytest.raises(ConfigurationError) as caught:
        _async.connect_budget(client, "1")
    assert str(caught.value) == "timeout must be seconds (a number above 0) or a urllib3.Timeout, got str '1'"
    with pytest.raises(ConfigurationError) as caught:
        _async.connect_budget(client, TEST_API_KEY)
    assert TEST_API_KEY[4:12] not in str(caught.value)


class _LateWaker(threading.Condition):
    """The engine's condition, except that once armed, the first worker woken by a notify lets go of
    the lock and waits for ``proceed`` before going on: the order in which a scheduler could let
    another worker take the call it was woken for."""

    def __init__(self, lock: threading.Lock) -> None:
        super().__init__(lock)
        self.armed = False
        self.woke = threading.Event()
        self.proceed = threading.Event()
        self.waits_again = threading.Event()  # the woken worker is back in wait()
        self._woken: threading.Thread | None = None

    def wait(self, timeout: float | None = None) -> bool:
        if threading.current_thread() is self._woken:
            self.waits_again.set()
        woken = super().wait(timeout)
        if woken and self.armed and not self.woke.is_set():
            self._woken = threading.current_thread()
            self.release()
            self.woke.set()
            assert self.proceed.wait(5)
            self.acquire()
        return woken


def test_a_worker_woken_for_a_call_another_worker_took_stays_for_the_next() -> None:
    engine = _async.CallEngine(2, max_queued=None, name="engine")
    condition = _LateWaker(engine._lock)
    engine._ready = condition
    first, second = _Calls(), _Calls()

    async def scenario() -> None:
        a = asyncio.create_task(engine.run(first("a"), None))
        b = asyncio.create_task(engine.run(second("b"), None))
        await _until(lambda: len(first.ran) + len(second.ran) == 2, "both calls to start")
        first.release.set()
        assert await a == "a"
        await _until(lambda: engine._idle == 1, "a's worker to be idle")
        condition.armed = True
        taken = asyncio.create_task(engine.run(lambda: threading.current_thread(), None))
        await _until(condition.woke.is_set, "the idle worker to be woken")
        second.release.set()  # b's worker comes free while the woken one still waits for the lock
        assert await b == "b"
        assert await taken is second.threads["b"]
        condition.proceed.set()
        # The woken worker found nothing to do: it goes back to waiting, it does not end.
        await _until(condition.waits_again.is_set, "the woken worker to wait again")
        await _until(lambda: engine._idle == 2, "both workers to be idle")
        assert engine.threads == 2

    _run(scenario)
    engine.close()
