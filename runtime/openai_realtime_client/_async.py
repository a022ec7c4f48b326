"""The engine under ``AsyncRealtimeApi``: urllib3 blocks, so calls run on worker threads, and this
decides which call runs when and what the caller sees meanwhile.

- As many workers as the client has connections (``ApiClient(max_connections=)``), started as
  calls arrive and stopped after a minute without work: the three figures cannot disagree, and a
  worker never waits for a connection that another worker of this engine holds.
- Calls beyond the workers wait in a queue. ``max_queued`` bounds it: the call after that raises
  ``QueueFullError`` at once. Without a bound, calls wait, as long as their timeout allows.
- The time a call waits for a worker counts against its connect timeout: past it, the caller gets
  ``APITimeoutError`` without waiting on, and the call is never sent.
- A cancelled call leaves the queue at once, or, when it is running, its socket is shut so that
  the worker is free at once, and it makes no further attempt (``client.CallControl``).
"""

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from .client import ApiClient, CallControl, _checked_timeout, _current
from .errors import APITimeoutError, ConfigurationError, QueueFullError

T = TypeVar("T")

# A worker with nothing to do for this long ends; the next burst starts it again.
IDLE_SECONDS = 60.0

_QUEUED, _RUNNING, _DROPPED = 0, 1, 2


class _Job(Generic[T]):
    __slots__ = ("call", "control", "future", "loop", "state")

    def __init__(self, call: Callable[[], T], loop: asyncio.AbstractEventLoop) -> None:
        self.call = call
        self.loop = loop
        self.future: asyncio.Future[T] = loop.create_future()
        self.control = CallControl(time.monotonic())
        self.state = _QUEUED


def connect_budget(client: ApiClient, timeout: Any) -> float | None:
    """Seconds a call may spend before its request is sent: its connect timeout (the call's own,
    else the client's); None when it has none."""
    chosen = client.timeout if timeout is None else _checked_timeout(timeout, "timeout", client.api_key_for_redaction)
    connect = chosen.connect_timeout
    return float(connect) if isinstance(connect, int | float) else None


class CallEngine:
    """Runs blocking calls for coroutines on at most ``workers`` threads (see the module's text)."""

    def __init__(self, workers: int, *, max_queued: int | None, name: str) -> None:
        whole = isinstance(max_queued, int) and not isinstance(max_queued, bool)
        if max_queued is not None and (not whole or max_queued < 0):
            raise ConfigurationError("max_queued", f"must be None or a whole number of 0 or more, got {max_queued!r}")
        self.workers = workers
        self.max_queued = max_queued
        self._name = name
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._jobs: deque[_Job[Any]] = deque()
        self._queued = 0  # jobs in _jobs still waiting (cancelled and expired ones are skipped)
        self._threads = 0
        self._idle = 0
        self._closed = False

    @property
    def queued(self) -> int:
        """Calls waiting for a worker now."""
        return self._queued

    @property
    def threads(self) -> int:
        """Worker threads alive now."""
        return self._threads

    async def run(self, call: Callable[[], T], connect_timeout: float | None) -> T:
        """Run ``call`` on a worker and return what it returns (or raise what it raised)."""
        loop = asyncio.get_running_loop()
        job = _Job(call, loop)
        self._submit(job)
        expiry = None
        if connect_timeout is not None:
            expiry = loop.call_later(connect_timeout, self._expire, job, connect_timeout)
        try:
            return await job.future
        except asyncio.CancelledError:
            self._cancel(job)
            raise
        finally:
            if expiry is not None:
                expiry.cancel()

    def close(self) -> None:
        """No new calls; the workers finish the calls queued and under way, then end."""
        with self._lock:
            self._closed = True
            self._ready.notify_all()

    def _submit(self, job: _Job[Any]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"{self._name} is closed")
            # Waiting: queued calls that no idle worker, nor a worker yet to start, will take.
            waiting = self._queued - self._idle - (self.workers - self._threads)
            if self.max_queued is not None and waiting >= self.max_queued:
                raise QueueFullError(
                    f"{waiting} calls are already waiting for one of {self.workers} workers "
                    f"(max_queued={self.max_queued})"
                )
            self._jobs.append(job)
            self._queued += 1
            if self._idle:
                self._ready.notify()
            start = self._queued > self._idle and self._threads < self.workers
            if start:
                self._threads += 1
        if start:
            threading.Thread(target=self._work, name=f"{self._name}-{self._threads}", daemon=True).start()

    def _expire(self, job: _Job[Any], connect_timeout: float) -> None:
        """On the loop, when the call's connect timeout ends: fail it if it is still queued."""
        with self._lock:
            if job.state != _QUEUED:
                return  # running: the attempt's own timeouts take over
            job.state = _DROPPED  # pragma: no mutate (any state but _QUEUED and _RUNNING reads as dropped)
            self._queued -= 1
        if not job.future.done():
            job.future.set_exception(
                APITimeoutError(
                    f"timed out: waited {connect_timeout:g} s (the connect timeout) for one of {self.workers} "
                    "workers, all busy; nothing was sent"
                )
            )

    def _cancel(self, job: _Job[Any]) -> None:
        with self._lock:
            state = job.state
            if state == _QUEUED:
                job.state = _DROPPED  # pragma: no mutate (any state but _QUEUED and _RUNNING reads as dropped)
                self._queued -= 1
        if state == _RUNNING:
            job.control.cancel()

    def _next(self) -> _Job[Any] | None:
        """The next job to run, or None when this worker should end. Called with the lock held."""
        while True:
            while self._jobs:
                job = self._jobs.popleft()
                if job.state == _QUEUED:
                    job.state = _RUNNING
                    self._queued -= 1
                    return job
            if self._closed:
                return None
            self._idle += 1
            woken = self._ready.wait(IDLE_SECONDS)
            self._idle -= 1
            if not woken and not self._queued:
                return None

    def _work(self) -> None:
        while True:
            with self._lock:
                job = self._next()
                if job is None:
                    self._threads -= 1
                    return
            _current.control = job.control
            try:
                value = job.call()
            except BaseException as err:
                _deliver(job, _fail, err)
            else:
                _deliver(job, _succeed, value)
            finally:
                _current.control = None  # pragma: no mutate (tidiness: overwritten unread by the next job)


def _succeed(future: "asyncio.Future[Any]", value: Any) -> None:
    if not future.done():
        future.set_result(value)


def _fail(future: "asyncio.Future[Any]", err: BaseException) -> None:
    if not future.done():
        future.set_exception(err)


def _deliver(job: _Job[Any], settle: Callable[["asyncio.Future[Any]", Any], None], outcome: Any) -> None:
    with contextlib.suppress(RuntimeError):  # the loop was closed: nobody is waiting any more
        job.loop.call_soon_threadsafe(settle, job.future, outcome)


__all__ = ["CallEngine", "connect_budget"]
