"""ApiClient: configuration, one urllib3 pool, and the one place where a request is sent."""

import contextlib
import http.client
import json
import logging
import math
import os
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import urlsplit

import urllib3
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, EmptyPoolError, NewConnectionError, ReadTimeoutError
from urllib3.exceptions import HTTPError as _Urllib3Error
from urllib3.exceptions import TimeoutError as _Urllib3Timeout
from urllib3.response import BaseHTTPResponse
from urllib3.util import parse_url

from ._project import PROJECT_NAME, VERSION
from ._wire import decode_text
from .errors import (
    APIConnectionError,
    APIError,
    APIKeyMissingError,
    APIResponseValidationError,
    APITimeoutError,
    ConfigurationError,
    InvalidAPIKeyError,
    ResponseShapeError,
    is_retried_status,
    mentions_secret,
    redact,
    redact_bytes,
    register_key_holder,
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
JSON_MEDIA_TYPE = "application/json"

DEFAULT_MAX_RETRIES = 2
INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 8.0
BACKOFF_JITTER = 0.25
# A Retry-After asking for longer than this is ignored in favour of the backoff.
MAX_RETRY_AFTER = 60.0

# Looked up at call time so that tests can observe the waits without sleeping through them.
_sleep = time.sleep

# The response header with the request's id (header names match in any case).
_REQUEST_ID = "x-request-id"

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
        # The key first: every other argument's error text is redacted with it.
        self._api_key: str | None = _checked_api_key(api_key)
        register_key_holder(self)
        self.max_retries: int = _checked_retries(max_retries, "max_retries", self._api_key)
        self.max_connections: int = _pool_size(max_connections, pool_manager)
        self.client_side_validation = client_side_validation
        self.base_url: str = _checked_base_url(base_url, self._api_key)
        self.timeout: urllib3.Timeout = _checked_timeout(timeout, "timeout", self._api_key)
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
        for name, value in headers.items():
            _check_header(name, value, self._api_key)
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
    def api_key_for_redaction(self) -> str | None:
        """The key, for ``errors.redact`` only: what an error raised outside a call must hide."""
        return self._api_key

    @property
    def pool_manager(self) -> urllib3.PoolManager:
        """The urllib3 pool every request goes through."""
        return self._pool

    def __repr__(self) -> str:
        key_state = "set" if self._api_key is not None else "missing"
        return f"ApiClient(base_url={redact(repr(self.base_url), self._api_key)}, api_key=<{key_state}>)"

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
        parse: Callable[[Any], T] | None = None,
        parse_with_headers: Callable[[Any, Mapping[str, str]], T] | None = None,
        content_type: str = JSON_MEDIA_TYPE,
        answer: str | None = JSON_MEDIA_TYPE,
        timeout: float | urllib3.Timeout | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ApiResponse[T]:
        """Send a request, retrying what is safe to retry; return the parsed 2xx response.

        ``content_type`` is the media type of ``body`` (with its parameters, such as a multipart
        boundary). ``answer`` is the media type of the 2xx body: JSON is decoded, a text type is
        decoded and checked (``_wire.decode_text``), None means no body (``parse`` gets None).
        ``parse`` turns that into the operation's result; ``parse_with_headers`` instead, when the
        result reads the answer's headers too. A body or header that does not fit raises
        ``APIResponseValidationError``. ``timeout`` and ``max_retries`` override the client's
        settings for this call; ``extra_headers`` are added to this call's headers (they cannot
        replace Authorization). Raises an ``APIError`` subclass for everything else. Used by the
        generated operations; call it directly only for operations this client does not describe.
        """
        if self._api_key is None:
            raise APIKeyMissingError(
                "no API key: pass api_key= to ApiClient or set the OPENAI_API_KEY environment variable"
            )
        if (parse is None) == (parse_with_headers is None):
            raise TypeError("request() takes exactly one of parse and parse_with_headers")
        key = self._api_key
        url = self.base_url + path
        attempt_timeout = self.timeout if timeout is None else _checked_timeout(timeout, "timeout", key)
        retries_allowed = self.max_retries if max_retries is None else _checked_retries(max_retries, "max_retries", key)
        headers_sent = self._headers
        if content_type != JSON_MEDIA_TYPE or answer not in (JSON_MEDIA_TYPE, None):
            headers_sent = {**headers_sent, "Content-Type": content_type, "Accept": answer or "*/*"}
        if extra_headers:
            for name, value in extra_headers.items():
                _check_header(name, value, key)
            headers_sent = {**headers_sent, **extra_headers, "Authorization": self._headers["Authorization"]}
        debug = logger.isEnabledFor(logging.DEBUG)
        # Set by AsyncRealtimeApi's worker thread: the call's budget and whether it was cancelled.
        control = _current.control
        first_timeout = attempt_timeout
        if control is not None:
            first_timeout = _first_attempt_timeout(control, method, url, attempt_timeout, key)
        retries_taken = 0
        while True:
            started = time.monotonic()
            timeout_used = first_timeout if retries_taken == 0 else attempt_timeout
            # The same body bytes on every attempt.
            response = self._attempt(method, url, body, headers_sent, timeout_used)
            if isinstance(response, _Urllib3Error):
                if isinstance(response, EmptyPoolError):
                    failure: APIError = _pool_wait_failure(method, url, timeout_used, self.max_connections, key)
                else:
                    failure = _connection_failure(method, url, response, timeout_used, key)
                failure.retries_taken = retries_taken
                if debug:
                    _log_attempt(method, url, headers_sent, retries_taken, started, f"failed: {failure}", None, key)
                # A cancelled call makes no further attempt (nobody waits for it).
                if retries_taken >= retries_allowed or _pause(retry_delay(retries_taken, None), control):
                    # Raised outside any except block, so that the urllib3 error is its cause only
                    # when nothing in it shows the key.
                    raise failure from _clean_cause(response, key)
                retries_taken += 1
                continue

            status = response.status
            headers = response.headers
            raw = response.data
            request_id = headers.get(_REQUEST_ID)
            if debug:
                _log_attempt(method, url, headers_sent, retries_taken, started, f"HTTP {status}", request_id, key)
            if 200 <= status < 300:
                break
            if (
                retries_taken < retries_allowed
                and should_retry(status, headers)
                and not _pause(retry_delay(retries_taken, headers), control)
            ):
                retries_taken += 1
                continue
            # What the server sent may quote the key (a 401 often does): the error keeps it redacted.
            shown_headers = _redacted_headers(headers, key)
            raise status_error_class(status, raw)(
                status_code=status,
                headers=shown_headers,
                body=redact_bytes(raw, key),
                request_id=shown_headers.get(_REQUEST_ID),
                retries_taken=retries_taken,
            )

        outcome = _parse_body(raw, headers, answer, parse, parse_with_headers)
        if isinstance(outcome, _Failed):
            shown_id = None if request_id is None else redact(request_id, key)
            raise APIResponseValidationError(
                redact(outcome.message, key), status_code=status, body=redact_bytes(raw, key), request_id=shown_id
            ) from _clean_cause(outcome.cause, key)
        # By position (status_code, headers, data, raw_data, request_id, retries_taken): by keyword,
        # type() would pack them into a dict first, a third of what building it costs.
        return ApiResponse(status, headers, outcome, raw, request_id, retries_taken)

    def _attempt(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str], timeout: urllib3.Timeout
    ) -> BaseHTTPResponse | _Urllib3Error:
        """``_send``, with a urllib3 failure returned instead of raised, so that the caller raises
        its own error outside the except block and decides what it is chained to."""
        try:
            return self._send(method, url, body, headers, timeout)
        except _Urllib3Error as err:
            return err

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
            redirect=False,  # pragma: no mutate (retries=False already keeps urllib3 from following a redirect)
            assert_same_host=False,  # pragma: no mutate (the target is a path: always this pool's host)
        )


def _pool_size(max_connections: object, pool_manager: urllib3.PoolManager | None) -> int:
    """The one figure for connections, calls in flight and async workers; a caller's pool manager
    brings its own (urllib3's default is 1), and a different max_connections beside it is refused."""
    if max_connections is not None and (
        isinstance(max_connections, bool) or not isinstance(max_connections, int) or max_connections < 1
    ):
        raise ConfigurationError("max_connections", f"must be a whole number of 1 or more, got {max_connections!r}")
    if pool_manager is None:
        return DEFAULT_MAX_CONNECTIONS if max_connections is None else max_connections
    own = int(pool_manager.connection_pool_kw.get("maxsize", 1))
    if max_connections is not None and max_connections != own:
        raise ConfigurationError(
            "max_connections",
            f"is {max_connections} but the pool_manager's maxsize is {own}: "
            "give the pool manager the size you want and leave max_connections out",
        )
    return own


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
        self._connection: object = None  # pragma: no mutate (anything without a socket means none)
        self._wake: threading.Event | None = None

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
            self._connection = None  # pragma: no mutate (anything without a socket means none)

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


def _first_attempt_timeout(
    control: CallControl, method: str, url: str, timeout: urllib3.Timeout, key: str | None
) -> urllib3.Timeout:
    """The first attempt's timeout, its connect part less the time the call already waited."""
    if control.cancelled:
        raise APIConnectionError(redact(f"{method} {url} was cancelled before it was sent", key))
    connect = timeout.connect_timeout
    if not isinstance(connect, int | float):
        return timeout
    waited = time.monotonic() - control.queued_at
    if waited >= connect:
        problem = f"waited {waited:.2f} s for a worker, the connect timeout is {connect:g} s"
        raise APITimeoutError(redact(f"{method} {url} timed out: {problem}", key))
    return urllib3.Timeout(connect=connect - waited, read=timeout.read_timeout, total=timeout.total)


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
    key: str | None,
) -> None:
    # Authorization by name; any other header, the URL and the outcome by their content, should a
    # caller or a server have put the key there.
    shown = {
        name: ("Bearer <redacted>" if name.lower() == "authorization" else redact(value, key))
        for name, value in headers.items()
    }
    logger.debug(
        "%s %s -> %s in %.1f ms (attempt %d, request id %s, headers %s)",
        method,
        redact(url, key),
        redact(outcome, key),
        (time.monotonic() - started) * 1000.0,
        retries_taken + 1,
        None if request_id is None else redact(request_id, key),
        shown,
    )


class _Failed:
    """A 2xx body that could not be parsed: what went wrong, and the error it came from, if any."""

    __slots__ = ("cause", "message")

    def __init__(self, message: str, cause: Exception | None) -> None:
        self.message = message
        self.cause = cause


def _parse_body(
    raw: bytes,
    headers: Mapping[str, str],
    answer: str | None,
    parse: Callable[[Any], T] | None,
    parse_with_headers: Callable[[Any, Mapping[str, str]], T] | None,
) -> T | _Failed:
    """The 2xx body decoded as its media type says (JSON, checked text, or nothing), then parsed."""
    decoded: Any = None
    if answer == JSON_MEDIA_TYPE or (answer is not None and answer.endswith("+json")):
        try:
            decoded = json.loads(raw)
        except ValueError as err:
            return _Failed(_not_json(raw, headers, err), err)
    elif answer is not None:
        try:
            decoded = decode_text(answer, raw)
        except ValueError as err:
            return _Failed(str(err), err)
    try:
        if parse_with_headers is not None:
            return parse_with_headers(decoded, headers)
        assert parse is not None  # request() checked that one of the two is given
        return parse(decoded)
    except _PARSE_ERRORS as err:
        return _Failed(_parse_failure(err), err)


def _not_json(raw: bytes, headers: Mapping[str, str], err: ValueError) -> str:
    """Why a 2xx body is not JSON, with its Content-Type and how it starts: a proxy's HTML page
    shows as such instead of as "Expecting value"."""
    content_type = headers.get("content-type", "").partition(";")[0].strip().lower()
    if not raw.strip():
        return f"expected JSON, got an empty body ({content_type or 'no Content-Type'})"
    start = " ".join(raw[:60].decode(errors="replace").split())
    shown = f"{len(raw)} bytes starting {start!r}"
    if content_type == "application/json" or content_type.endswith("+json"):
        return f"expected JSON, got {content_type} that does not parse ({err}); {shown}"
    return f"expected JSON, got {content_type or 'no Content-Type'} ({shown})"


def _pool_wait_failure(method: str, url: str, timeout: urllib3.Timeout, size: int, key: str | None) -> APIError:
    """The error for an attempt that found every connection in use for its whole connect timeout."""
    return APITimeoutError(
        redact(
            f"{method} {url} timed out waiting for a free connection: all {size} were in use "
            f"for the whole connect timeout ({timeout.connect_timeout} s)",
            key,
        )
    )


def _connection_failure(
    method: str, url: str, err: _Urllib3Error, timeout: urllib3.Timeout, key: str | None
) -> APIError:
    """The error for an attempt that got no response: what happened, in words, and where."""
    parsed = parse_url(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    where = f"{parsed.host}:{port}"
    reason = _connection_reason(err, where, parsed.host, timeout)
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2.x, but a refused connection
    # is not a timeout.
    if isinstance(err, _Urllib3Timeout) and not isinstance(err, NewConnectionError):
        return APITimeoutError(redact(f"{method} {url} timed out: {reason} ({type(err).__name__})", key))
    return APIConnectionError(
        redact(f"{method} {url} failed before a response arrived: {reason} ({type(err).__name__})", key)
    )


def _connection_reason(err: BaseException, where: str, host: str | None, timeout: urllib3.Timeout) -> str:
    for cause in _causes(err):
        if isinstance(cause, ConnectionRefusedError):
            return f"connection refused by {where}"
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve the host name {host!r}"
        # Before ConnectionResetError, which http.client's RemoteDisconnected subclasses.
        if isinstance(cause, http.client.RemoteDisconnected):
            return f"{where} closed the connection without answering"
        if isinstance(cause, ConnectionResetError):
            return f"connection reset by {where}"
        if isinstance(cause, http.client.BadStatusLine):
            return f"{where} answered with something that is not HTTP"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"the TLS certificate of {where} could not be verified: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return f"the TLS handshake with {where} failed: {cause.reason or type(cause).__name__}"
    if isinstance(err, ReadTimeoutError):
        return f"no answer from {where} within {timeout.read_timeout} s"
    if isinstance(err, ConnectTimeoutError):
        return f"no connection to {where} within {timeout.connect_timeout} s"
    return str(err) or type(err).__name__


def _causes(err: BaseException) -> list[BaseException]:
    """The error, the errors it was raised from, and the errors it carries as arguments (urllib3's
    ProtocolError carries the http.client error)."""
    found: list[BaseException] = []
    pending: list[BaseException] = [err]
    while pending and len(found) < 16:
        current = pending.pop(0)
        if any(current is seen for seen in found):
            continue
        found.append(current)
        pending += [arg for arg in current.args if isinstance(arg, BaseException)]
        pending += [c for c in (current.__cause__, current.__context__) if c is not None]
    return found


def _clean_cause(cause: BaseException | None, key: str | None) -> BaseException | None:
    """The error to chain ours to: ``cause``, unless something in it shows the key."""
    return None if cause is None or mentions_secret(cause, key) else cause


def _redacted_headers(headers: Any, key: str | None) -> Any:
    """The response headers, or a copy with every piece of the key replaced when one shows."""
    if not key or all(redact(f"{name}: {value}", key) == f"{name}: {value}" for name, value in headers.items()):
        return headers
    shown = urllib3.HTTPHeaderDict()
    for name, value in headers.items():
        shown.add(redact(name, key), redact(value, key))
    return shown


def _parse_failure(err: Exception) -> str:
    """What did not fit and where. A model says it (ResponseShapeError); anything else failed on
    the body as a whole: not the JSON type expected."""
    if isinstance(err, ResponseShapeError):
        return str(err)
    return f"the body: {type(err).__name__}: {err}" if str(err) else f"the body: {type(err).__name__}"


# --- the constructor's checks: each names the argument (or the environment variable) at fault and
# never shows the key.


def _given_or_env(value: object, argument: str, variable: str) -> tuple[object, str]:
    """The value and the name it came by: the argument, else the environment variable (empty counts as unset,
    as in most tools)."""
    if value is not None:
        return value, argument
    return os.environ.get(variable) or None, variable


def _checked_api_key(api_key: object) -> str | None:
    key, source = _given_or_env(api_key, "api_key", "OPENAI_API_KEY")
    if key is None:
        return None
    if not isinstance(key, str):
        raise InvalidAPIKeyError(source, f"must be a string, got {type(key).__name__}")
    problem = _key_problem(key)
    if problem is not None:
        raise InvalidAPIKeyError(source, problem)
    return key


def _key_problem(key: str) -> str | None:
    """Why the key cannot go in an Authorization header as it is, in words that never quote it."""
    if not key:
        return "is empty"
    if key.endswith(("\n", "\r")):
        return "ends with a line break: strip it (a key read from a file keeps the file's newline)"
    if not (key.isascii() and key.isprintable()):
        for position, char in enumerate(key, 1):
            if not char.isascii():
                return f"has a non-ASCII character at position {position} of {len(key)}: API keys are plain ASCII"
            if not char.isprintable():
                return f"has a control character (U+{ord(char):04X}) at position {position} of {len(key)}"
    if key != key.strip():
        return "starts or ends with whitespace: strip it"
    return None


def _checked_retries(value: object, name: str, key: str | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        shown = redact(repr(value), key)
        raise ConfigurationError(name, f"must be a whole number of 0 or more, got {type(value).__name__} {shown}")
    if value < 0:
        raise ConfigurationError(name, f"must be 0 or more, got {value}")
    return value


def _checked_timeout(value: object, name: str, key: str | None) -> urllib3.Timeout:
    if isinstance(value, urllib3.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        shown = redact(repr(value), key)
        raise ConfigurationError(
            name, f"must be seconds (a number above 0) or a urllib3.Timeout, got {type(value).__name__} {shown}"
        )
    if not math.isfinite(value) or value <= 0:
        raise ConfigurationError(name, f"must be a finite number of seconds above 0, got {value}")
    return urllib3.Timeout(connect=value, read=value)


def _checked_base_url(base_url: object, key: str | None) -> str:
    url, source = _given_or_env(base_url, "base_url", "OPENAI_BASE_URL")
    if url is None:
        return DEFAULT_BASE_URL
    if not isinstance(url, str):
        raise ConfigurationError(source, f"must be a string, got {type(url).__name__}")
    shown = redact(repr(url), key)
    if not url.strip():
        return _refuse(source, f"is empty: leave it out for {DEFAULT_BASE_URL}, or give the server's URL")
    if not url.isprintable() or url != url.strip():
        return _refuse(source, f"has whitespace or a control character: {shown}")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        if "://" in url:
            return _refuse(source, f"must use http:// or https://, got {scheme}:// in {shown}")
        return _refuse(source, f"has no scheme (http:// or https://): {shown}")
    if not parts.hostname:
        return _refuse(source, f"has no host: {shown}")
    return url.rstrip("/")


def _refuse(argument: str, problem: str) -> str:
    raise ConfigurationError(argument, problem)


def _check_header(name: str, value: object, key: str | None) -> None:
    """A header value http.client would refuse (with a message quoting it) is refused here by name
    (the key hidden, should a caller have put it in the name)."""
    argument = f"header {redact(name, key)}"
    if not isinstance(value, str):
        raise ConfigurationError(argument, f"must be a string, got {type(value).__name__}")
    if value.isprintable():
        if all(ord(char) <= 0xFF for char in value):
            return
        raise ConfigurationError(argument, "has a character that cannot be sent in a header (only Latin-1 can)")
    position = next(i for i, char in enumerate(value, 1) if not char.isprintable())
    raise ConfigurationError(
        argument, f"has a control character (U+{ord(value[position - 1]):04X}) at position {position}"
    )


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
        when = parsedate_to_datetime(value)  # pragma: no mutate (dateutil, the fallback, reads the same dates)
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
