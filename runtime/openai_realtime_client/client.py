"""ApiClient: configuration, one urllib3 pool, and the one place where a request is sent."""

import contextlib
import json
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import urllib3
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import EmptyPoolError, NewConnectionError
from urllib3.exceptions import HTTPError as _Urllib3Error
from urllib3.exceptions import TimeoutError as _Urllib3Timeout
from urllib3.response import BaseHTTPResponse
from urllib3.util import parse_url

from ._project import PROJECT_NAME, VERSION
from .errors import (
    APIConnectionError,
    APIError,
    APIKeyMissingError,
    APIResponseValidationError,
    APITimeoutError,
    ResponseShapeError,
    is_retried_status,
    status_error_class,
)
from .types import ApiResponse

if TYPE_CHECKING:
    from urllib3._base_connection import BaseHTTPConnection

T = TypeVar("T")

# The package's own logger name, whatever package it was vendored under.
logger = logging.getLogger(__name__.rpartition(".")[0] or __name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = urllib3.Timeout(connect=5.0, read=60.0)
# Connections per host, and so the calls in flight at once (AsyncRealtimeApi runs as many worker
# threads). A burst of page loads against a 200 ms upstream needs hundreds in flight: 1,000 calls
# finish in two round trips with 512, and an idle connection costs a socket and ~10 KiB.
DEFAULT_MAX_CONNECTIONS = 512
USER_AGENT = f"{PROJECT_NAME}/{VERSION}"

DEFAULT_MAX_RETRIES = 2
INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 8.0
BACKOFF_JITTER = 0.25
# A Retry-After asking for longer than this is ignored in favour of the backoff.
MAX_RETRY_AFTER = 60.0

# Looked up at call time so that tests can observe the waits without sleeping through them.
_sleep = time.sleep

# Parsing a response may fail in any of these ways when the body does not fit the schema.
_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


class ApiClient:
    """Holds the API key, base URL and connection pool shared by every call.

    Safe to share between threads. Use it as a context manager, or call ``close()``, to release
    its connections. The API key is never shown by ``repr`` or ``str``.

    Args:
        api_key: The API key; defaults to ``$OPENAI_API_KEY``. Without one, calls fail before
            anything is sent.
        base_url: Where the API lives; defaults to ``$OPENAI_BASE_URL``, else ``https://api.openai.com/v1``.
        default_headers: Headers added to every request (they cannot replace Authorization).
        organization: Sent as ``OpenAI-Organization``; defaults to ``$OPENAI_ORG_ID``.
        project: Sent as ``OpenAI-Project``; defaults to ``$OPENAI_PROJECT_ID``.
        ca_certs: Path of a CA bundle to verify the server's certificate with, instead of the
            system's. TLS verification is always on for the pool this client creates.
        client_side_validation: Check each request body against the API description before
            sending it (types, enums, required fields, bounds). Turn it off to reach a server that
            accepts more than this client's description.
        pool_manager: A caller's own ``urllib3.PoolManager`` or ``ProxyManager`` (for proxies or a
            CA bundle). The caller keeps ownership: ``close()`` leaves it open.
        timeout: Seconds per attempt, or a ``urllib3.Timeout``; defaults to 5 s to connect and
            60 s to read. The connect part also bounds the time an attempt waits for a free
            connection, and for an async call the time it waited for a worker.
        max_connections: Connections kept to the API host, which is also the number of calls in
            flight at once: threads beyond it wait for a connection (counted against the connect
            timeout), and ``AsyncRealtimeApi`` runs this many worker threads. Default 512.
            With ``pool_manager=``, the manager's own ``maxsize`` is used.
        max_retries: Further attempts after a connection error, a timeout, or a status that
            ``should_retry`` accepts (``errors.RETRIED_STATUSES`` and every status from
            ``errors.SERVER_ERROR_FROM`` up, unless the server says otherwise); default 2, so 3
            attempts in all.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        default_headers: Mapping[str, str] | None = None,
        pool_manager: urllib3.PoolManager | None = None,
        timeout: float | urllib3.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        organization: str | None = None,
        project: str | None = None,
        ca_certs: str | None = None,
        client_side_validation: bool = True,
        max_connections: int | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {max_retries}")
        self.max_connections: int = _pool_size(max_connections, pool_manager)
        self.max_retries = max_retries
        self.client_side_validation = client_side_validation
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self._api_key: str | None = key or None
        self.base_url: str = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.timeout: urllib3.Timeout = _as_timeout(timeout)
        self._owns_pool = pool_manager is None
        self._pool: urllib3.PoolManager = (
            pool_manager if pool_manager is not None else _own_pool_manager(self.max_connections, ca_certs)
        )
        # Built once: every call sends the same headers, so nothing is assembled per request.
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        organization = organization or os.environ.get("OPENAI_ORG_ID")
        project = project or os.environ.get("OPENAI_PROJECT_ID")
        if organization:
            headers["OpenAI-Organization"] = organization
        if project:
            headers["OpenAI-Project"] = project
        headers.update(default_headers or {})
        if self._api_key is not None:
            headers["Authorization"] = f"Bearer {self._api_key}"
        self._headers: dict[str, str] = headers
        # The connection pool of the last host called, and that host; see _send.
        self._host_pool: tuple[tuple[str, str, int | None], HTTPConnectionPool] | None = None

    @property
    def has_api_key(self) -> bool:
        """Whether an API key is configured (the key itself is never exposed)."""
        return self._api_key is not None

    @property
    def pool_manager(self) -> urllib3.PoolManager:
        """The urllib3 pool every request goes through."""
        return self._pool

    def __repr__(self) -> str:
        key_state = "set" if self._api_key is not None else "missing"
        return f"ApiClient(base_url={self.base_url!r}, api_key=<{key_state}>)"

    __str__ = __repr__

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections, unless the pool manager was the caller's."""
        # Let go of the pool kept for the host as well: the manager's clear() only drops its own
        # references, and a pool's connections close when nothing refers to it any more.
        self._host_pool = None
        if self._owns_pool:
            self._pool.clear()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None,
        parse: Callable[[Any], T],
        timeout: float | urllib3.Timeout | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ApiResponse[T]:
        """Send a request, retrying what is safe to retry; return the parsed 2xx response.

        ``parse`` turns the decoded JSON into the operation's model. ``timeout`` and
        ``max_retries`` override the client's settings for this call; ``extra_headers`` are added
        to this call's headers (they cannot replace Authorization). Raises an ``APIError``
        subclass for everything else. Used by the generated operations; call it directly only for
        operations this client does not describe.
        """
        if self._api_key is None:
            raise APIKeyMissingError(
                "no API key: pass api_key= to ApiClient or set the OPENAI_API_KEY environment variable"
            )
        url = self.base_url + path
        attempt_timeout = self.timeout if timeout is None else _as_timeout(timeout)
        retries_allowed = self.max_retries if max_retries is None else max_retries
        headers_sent = self._headers
        if extra_headers:
            headers_sent = {**self._headers, **extra_headers, "Authorization": self._headers["Authorization"]}
        debug = logger.isEnabledFor(logging.DEBUG)
        # Set by AsyncRealtimeApi's worker thread: the call's budget and whether it was cancelled.
        control = _current.control
        first_timeout = attempt_timeout
        if control is not None:
            first_timeout = control.first_attempt_timeout(method, url, attempt_timeout)
        retries_taken = 0
        while True:
            started = time.monotonic() if debug else 0.0
            try:
                # The same body bytes on every attempt.
                response = self._send(
                    method, url, body, headers_sent, first_timeout if retries_taken == 0 else attempt_timeout
                )
            except _Urllib3Error as err:
                failure = _transport_failure(method, url, err, self.max_connections)
                failure.retries_taken = retries_taken
                if debug:
                    _log_attempt(method, url, headers_sent, retries_taken, started, f"failed: {failure}", None)
                if retries_taken >= retries_allowed or (control is not None and control.cancelled):
                    raise failure from err
                if _pause(retry_delay(retries_taken, None), control):
                    raise failure from err
                retries_taken += 1
                continue

            status = response.status
            headers = response.headers
            raw = response.data
            request_id = headers.get("x-request-id")
            if debug:
                _log_attempt(method, url, headers_sent, retries_taken, started, f"HTTP {status}", request_id)
            if 200 <= status < 300:
                break
            if (
                retries_taken < retries_allowed
                and should_retry(status, headers)
                and not _pause(retry_delay(retries_taken, headers), control)
            ):
                retries_taken += 1
                continue
            raise status_error_class(status)(
                status_code=status, headers=headers, body=raw, request_id=request_id, retries_taken=retries_taken
            )

        try:
            data = parse(json.loads(raw))
        except _PARSE_ERRORS as err:
            raise APIResponseValidationError(
                _parse_failure(err), status_code=status, body=raw, request_id=request_id
            ) from err
        return ApiResponse(
            status_code=status,
            headers=headers,
            data=data,
            raw_data=raw,
            request_id=request_id,
            retries_taken=retries_taken,
        )

    def _send(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str], timeout: urllib3.Timeout
    ) -> BaseHTTPResponse:
        """One attempt, no retries or redirects by urllib3: what ``PoolManager.request`` does, minus
        the work that gives the same answer on every call.

        With the client's own kind of pool (a plain ``PoolManager``), the host's connection pool is
        looked up once and kept, and the request goes to it directly: PoolManager would parse the
        URL, build a pool key and copy the headers on every call, for the same pool each time. The
        pool is looked up again when the host changes, after ``close()``, or when the pool itself
        was closed. Any other manager (a ``ProxyManager``, a subclass) gets the ``request`` call it
        always got.
        """
        manager = self._pool
        route = _route(url) if type(manager) is urllib3.PoolManager else None
        if route is None:
            return manager.request(
                method, url, body=body, headers=headers, timeout=timeout, retries=False, redirect=False
            )
        host, target = route
        # Waiting for a free connection (the pool blocks at max_connections) is part of connecting.
        pool_timeout = timeout.connect_timeout
        cached = self._host_pool
        if cached is not None and cached[0] == host and cached[1].pool is not None:
            pool = cached[1]
        else:
            pool = manager.connection_from_host(host[1], port=host[2], scheme=host[0])
            self._host_pool = (host, pool)
        return pool.urlopen(
            method.upper(),  # as PoolManager.request sends it
            target,
            body=body,
            headers=headers,
            timeout=timeout,
            # urllib3 annotates it int, but it is a queue.get timeout: seconds, as a float.
            pool_timeout=pool_timeout if isinstance(pool_timeout, int | float) else None,  # type: ignore[arg-type]
            retries=False,
            redirect=False,
            assert_same_host=False,
        )


def _pool_size(max_connections: int | None, pool_manager: urllib3.PoolManager | None) -> int:
    """The one figure for connections, calls in flight and async workers; a caller's pool manager
    brings its own (urllib3's default is 1), and a different max_connections beside it is refused."""
    if max_connections is not None and (
        isinstance(max_connections, bool) or not isinstance(max_connections, int) or max_connections < 1
    ):
        raise ValueError(f"max_connections must be a whole number of 1 or more, got {max_connections!r}")
    if pool_manager is None:
        return DEFAULT_MAX_CONNECTIONS if max_connections is None else max_connections
    own = pool_manager.connection_pool_kw.get("maxsize", 1)
    if max_connections is not None and max_connections != own:
        raise ValueError(
            f"max_connections={max_connections} disagrees with the pool_manager's maxsize={own}: "
            "give the pool manager the size you want and leave max_connections out"
        )
    return int(own)


def _own_pool_manager(max_connections: int, ca_certs: str | None) -> urllib3.PoolManager:
    """A pool that never holds more than ``max_connections`` per host: a thread beyond them waits
    for one (block=True) instead of opening a connection the pool would then discard with a warning."""
    manager = urllib3.PoolManager(maxsize=max_connections, block=True, cert_reqs="CERT_REQUIRED", ca_certs=ca_certs)
    # Its pools tell a cancelled async call which connection to shut down.
    manager.pool_classes_by_scheme = {"http": _TrackedHTTPPool, "https": _TrackedHTTPSPool}
    return manager


class CallControl:
    """What AsyncRealtimeApi tells the call it runs in a worker thread: when the call started
    waiting (the wait counts against its connect timeout), and whether its caller cancelled it.
    Cancelling shuts the socket of the attempt under way, so a stalled read ends at once, and no
    further attempt starts."""

    __slots__ = ("_connection", "_lock", "_wake", "cancelled", "queued_at")

    def __init__(self, queued_at: float) -> None:
        self.queued_at = queued_at
        self.cancelled = False
        self._lock = threading.Lock()
        self._connection: object = None
        self._wake: threading.Event | None = None

    def first_attempt_timeout(self, method: str, url: str, timeout: urllib3.Timeout) -> urllib3.Timeout:
        """The first attempt's timeout, its connect part less the time already spent waiting."""
        if self.cancelled:
            raise APIConnectionError(f"{method} {url} was cancelled before it was sent")
        connect = timeout.connect_timeout
        if not isinstance(connect, int | float):
            return timeout
        waited = time.monotonic() - self.queued_at
        if waited >= connect:
            raise APITimeoutError(
                f"{method} {url} timed out: waited {waited:.2f} s for a worker, the connect timeout is {connect:g} s"
            )
        return urllib3.Timeout(connect=connect - waited, read=timeout.read_timeout, total=timeout.total)

    def cancel(self) -> None:
        """Called from the event loop's thread: stop the call where it is."""
        with self._lock:
            self.cancelled = True
            connection, wake = self._connection, self._wake
        if wake is not None:
            wake.set()
        sock = getattr(connection, "sock", None)
        if isinstance(sock, socket.socket):
            # The plain socket's shutdown, also for TLS: it wakes a blocked read in the worker
            # without closing the descriptor under it (the worker's urllib3 closes it).
            with contextlib.suppress(OSError):  # already closed
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def _attach(self, connection: object) -> None:
        with self._lock:
            self._connection = connection

    def _detach(self) -> None:
        with self._lock:
            self._connection = None

    def _pause(self, seconds: float) -> bool:
        """Sleep before a retry unless cancelled meanwhile; True when cancelled."""
        with self._lock:
            if self.cancelled:
                return True
            if self._wake is None:
                self._wake = threading.Event()
            wake = self._wake
        return wake.wait(seconds)


class _Current(threading.local):
    control: CallControl | None = None


# The control of the call a worker thread is running, if any: the generated operations call
# ApiClient.request without knowing about it.
_current = _Current()


def _pause(seconds: float, control: CallControl | None) -> bool:
    """Wait before a retry; True when the call was cancelled (then no retry follows)."""
    if control is None:
        _sleep(seconds)
        return False
    return control._pause(seconds)


class _TrackedHTTPPool(HTTPConnectionPool):
    """A connection pool that lets a worker's CallControl see the connection it is using."""

    def _get_conn(self, timeout: float | None = None) -> "BaseHTTPConnection":
        connection = super()._get_conn(timeout)
        control = _current.control
        if control is not None:
            control._attach(connection)
        return connection

    def _put_conn(self, conn: "BaseHTTPConnection | None") -> None:
        control = _current.control
        if control is not None:
            # Before it goes back: another thread may take it at once.
            control._detach()
        super()._put_conn(conn)


class _TrackedHTTPSPool(_TrackedHTTPPool, HTTPSConnectionPool):
    pass


def _transport_failure(method: str, url: str, err: _Urllib3Error, max_connections: int) -> APIError:
    """The error for an attempt that got no response."""
    if isinstance(err, EmptyPoolError):
        return APITimeoutError(
            f"{method} {url} timed out waiting for a free connection: all {max_connections} were in use "
            "for the whole connect timeout"
        )
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2.x, but a refused connection
    # is not a timeout.
    if isinstance(err, _Urllib3Timeout) and not isinstance(err, NewConnectionError):
        return APITimeoutError(f"{method} {url} timed out: {type(err).__name__}")
    return APIConnectionError(f"{method} {url} failed before a response arrived: {type(err).__name__}")


@lru_cache(maxsize=256)
def _route(url: str) -> tuple[tuple[str, str, int | None], str] | None:
    """((scheme, host, port), request target) of a URL, as PoolManager works them out; None when
    it has no scheme or host, so that PoolManager handles it (and warns or refuses) as before."""
    parsed = parse_url(url)
    if parsed.scheme is None or not parsed.host:
        return None
    return (parsed.scheme, parsed.host, parsed.port), parsed.request_uri


def _log_attempt(
    method: str,
    url: str,
    headers: Mapping[str, str],
    retries_taken: int,
    started: float,
    outcome: str,
    request_id: str | None,
) -> None:
    shown = {
        name: ("Bearer <redacted>" if name.lower() == "authorization" else value) for name, value in headers.items()
    }
    logger.debug(
        "%s %s -> %s in %.1f ms (attempt %d, request id %s, headers %s)",
        method,
        url,
        outcome,
        (time.monotonic() - started) * 1000.0,
        retries_taken + 1,
        request_id,
        shown,
    )


def _parse_failure(err: Exception) -> str:
    """What did not fit and where. A model says it (ResponseShapeError); anything else failed on
    the body as a whole: not JSON (the decoder says where), or not the JSON type expected."""
    if isinstance(err, ResponseShapeError):
        return str(err)
    return f"the body: {type(err).__name__}: {err}" if str(err) else f"the body: {type(err).__name__}"


def _as_timeout(timeout: float | urllib3.Timeout) -> urllib3.Timeout:
    return timeout if isinstance(timeout, urllib3.Timeout) else urllib3.Timeout(connect=timeout, read=timeout)


def should_retry(status: int, headers: Mapping[str, str]) -> bool:
    """Whether a non-2xx answer is worth another attempt; the server's x-should-retry decides first."""
    verdict = headers.get("x-should-retry", "").strip().lower()
    if verdict in ("true", "false"):
        return verdict == "true"
    return is_retried_status(status)


def retry_delay(retries_taken: int, headers: Mapping[str, str] | None) -> float:
    """Seconds to wait before the next attempt: what the server asked for when it is at most
    MAX_RETRY_AFTER, else exponential backoff with jitter."""
    asked = _retry_after(headers) if headers is not None else None
    if asked is not None and 0 <= asked <= MAX_RETRY_AFTER:
        return asked
    backoff = min(INITIAL_BACKOFF * 2.0**retries_taken, MAX_BACKOFF)
    # Jitter spreads the retries of many clients that failed at the same moment.
    return backoff * random.uniform(1.0 - BACKOFF_JITTER, 1.0)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return float(milliseconds) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        # Imported only for a date the standard library cannot read, which is rare.
        from dateutil import parser as dateutil_parser

        try:
            when = dateutil_parser.parse(value)
        except (ValueError, OverflowError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - datetime.now(UTC)).total_seconds()


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "ApiClient",
    "CallControl",
    "retry_delay",
    "should_retry",
]
