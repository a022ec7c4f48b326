"""Checking that a webhook really came from the vendor, by the Standard Webhooks rules.

The vendor signs every webhook it sends (``realtime.call.incoming`` among them) and puts three headers
on the request:

* ``webhook-id``: the delivery's id; the same id comes again when the vendor retries a delivery.
* ``webhook-timestamp``: when it was signed, in whole seconds since the Unix epoch.
* ``webhook-signature``: one or more ``v1,<base64>`` entries separated by spaces. Each is the base64 of
  HMAC-SHA256 over ``<webhook-id>.<webhook-timestamp>.<body>``. One matching entry is enough, so that a
  secret can be rotated; entries of other versions (``v1a,...``) are skipped.

:func:`verify_signature` checks those, :func:`unwrap` checks them and returns the event as the model of
its ``type`` (the description's webhooks decide which), and :func:`sign` makes the signature header,
for testing a receiver. Every refusal raises a subclass of :class:`WebhookVerificationError` (an
``APIError``, defined in ``errors.py`` with the package's other exceptions) whose message names the
cause and never contains the secret, a signature or the body.

The secret
    The dashboard shows it as ``whsec_`` followed by the base64 of the key. A ``str`` is read that way,
    with or without the prefix (base64 padding is optional; whitespace around it is ignored), exactly
    as the reference implementation of Standard Webhooks reads it. To use a key that is not in base64,
    pass its bytes: ``bytes`` are the key itself. (The vendor's own SDK differs for a ``str`` without
    the prefix, which it uses as UTF-8 text; the secrets the vendor hands out all have the prefix, so
    the two agree on them.) When ``secret`` is not given it is read from ``OPENAI_WEBHOOK_SECRET``.

Verification uses the standard library only; the event models are the package's own.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeAlias, TypeVar, runtime_checkable

from ._webhook_events import WebhookEvent, parse_webhook_event
from .errors import (
    InvalidSecretError,
    MalformedHeaderError,
    MalformedPayloadError,
    MissingHeaderError,
    MissingSecretError,
    NoMatchingSignatureError,
    PayloadNotBytesError,
    ResponseShapeError,
    TimestampInFutureError,
    TimestampTooOldError,
    WebhookVerificationError,
)

__all__ = [
    "DEFAULT_TOLERANCE",
    "SECRET_ENV_VAR",
    "HeadersLike",
    "InvalidSecretError",
    "MalformedHeaderError",
    "MalformedPayloadError",
    "MissingHeaderError",
    "MissingSecretError",
    "NoMatchingSignatureError",
    "PayloadNotBytesError",
    "ReplayGuard",
    "TimestampInFutureError",
    "TimestampTooOldError",
    "WebhookEvent",
    "WebhookVerificationError",
    "sign",
    "unwrap",
    "verify_signature",
]

SECRET_ENV_VAR = "OPENAI_WEBHOOK_SECRET"
DEFAULT_TOLERANCE = 300
"""Seconds a timestamp may be away from now, either way (the vendor's SDK and Standard Webhooks use 5 min)."""

_SECRET_PREFIX = "whsec_"
_ID = "webhook-id"
_TIMESTAMP = "webhook-timestamp"
_SIGNATURE = "webhook-signature"
_SIGNED_VERSION = "v1"


@runtime_checkable
class _HasItems(Protocol):
    def items(self) -> Iterable[tuple[str | bytes, str | bytes]]: ...


HeadersLike: TypeAlias = _HasItems | Iterable[tuple[str | bytes, str | bytes]]
"""A mapping (dict, werkzeug/urllib3/Starlette headers: anything with ``.items()``) or (name, value) pairs,
e.g. an ASGI scope's raw ``headers``. Names are matched in any case; values are ``str`` or UTF-8 ``bytes``."""

Payload: TypeAlias = bytes | bytearray | memoryview

_T = TypeVar("_T")

# The clock, looked up on every call so that tests can set it.
_now: Callable[[], float] = time.time


def verify_signature(
    payload: Payload, headers: HeadersLike, secret: str | bytes | None = None, tolerance: int = DEFAULT_TOLERANCE
) -> None:
    """Return if the vendor signed this body with ``secret`` at most ``tolerance`` seconds from now.

    ``payload`` is the request body exactly as received (``bytes``: a decoded ``str`` is refused).
    ``headers`` are the request's headers, in any case (see :data:`HeadersLike`). ``secret`` is the
    webhook's signing secret (see the module's documentation), ``OPENAI_WEBHOOK_SECRET`` when ``None``.

    The signature is checked before the timestamp, so a stale timestamp error means a genuine delivery
    that arrived late or was replayed, and a well-formed forgery gets :class:`NoMatchingSignatureError`
    whatever its timestamp. A delivery stays acceptable until its ``webhook-timestamp`` plus
    ``tolerance``; to stop replays inside that window, remember the ``webhook-id`` of each delivery you
    accept until then and drop repeats.

    Raises a :class:`WebhookVerificationError` subclass for every refusal; ``ValueError`` for a negative
    tolerance and ``TypeError`` for headers or a secret of the wrong type (mistakes in the calling code).
    """
    body = _payload_bytes(payload)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise ValueError("tolerance must be a whole number of seconds, 0 or more")
    key = _key(secret)
    msg_id, timestamp_text, signature_header = _required_headers(headers)
    timestamp = _timestamp(timestamp_text)
    offered = _offered_signatures(signature_header)

    expected = _signature(key, msg_id, timestamp_text, body).encode()  # base64: ASCII in any codec
    # compare_digest: how long a comparison takes says nothing about how much of a forgery was right.
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        if offered:
            raise NoMatchingSignatureError(
                f"no v1 signature in the {_SIGNATURE} header matches this body, id, timestamp and secret"
            )
        raise NoMatchingSignatureError(f"the {_SIGNATURE} header has no v1 signature")

    age = _now() - timestamp
    if age > tolerance:
        raise TimestampTooOldError(
            f"the {_TIMESTAMP} is {int(age)} seconds old, more than the {tolerance} allowed (late or replayed)"
        )
    if -age > tolerance:
        raise TimestampInFutureError(
            f"the {_TIMESTAMP} is {int(-age)} seconds ahead of this machine's clock, more than the {tolerance} "
            "allowed (is the clock right?)"
        )


def unwrap(
    payload: Payload, headers: HeadersLike, secret: str | bytes | None = None, tolerance: int = DEFAULT_TOLERANCE
) -> WebhookEvent:
    """Verify the webhook as :func:`verify_signature` does, then return its event, typed.

    The event is the model of its ``type`` among the webhooks of the API description (such as
    ``models.WebhookRealtimeCallIncoming`` for ``realtime.call.incoming``), fields it does not name
    kept in ``additional_properties``; an event of a type this client does not know arrives as
    :class:`~.types.UnknownVariant`, which keeps the object as sent. Raises what
    :func:`verify_signature` raises, and :class:`MalformedPayloadError` when the signed body is not a
    UTF-8 JSON object or does not fit the model of its ``type``.
    """
    verify_signature(payload, headers, secret, tolerance)
    data = _quietly(lambda: json.loads(bytes(payload).decode("utf-8")))  # pragma: no mutate: codec names ignore case
    if data is _FAILED:
        raise MalformedPayloadError("the signed body is not UTF-8 JSON")
    if not isinstance(data, dict):
        raise MalformedPayloadError(f"the signed body is JSON but a {type(data).__name__}, not an object")
    return _parse_event(data)


def _parse_event(data: dict[str, Any]) -> WebhookEvent:
    """A verified event's JSON object as the model of its ``type`` (``_webhook_events.py``, rendered from
    the description's webhooks), or ``UnknownVariant`` for a type it does not list."""
    try:
        return parse_webhook_event(data)
    except ResponseShapeError as err:
        # The message names the field and JSON types, not the values; raised outside the except
        # block so that the body read does not ride along as the refusal's context.
        problem = str(err)
    raise MalformedPayloadError(f"the signed event does not fit its model: {problem}")


class ReplayGuard:
    """The ``webhook-id`` of each delivery acted on lately, so that a receiver acts on a delivery once.

    A signature proves who sent a delivery, not that it arrives for the first time: a captured request
    verifies again until its timestamp is ``tolerance`` seconds old, and the vendor sends the same
    ``webhook-id`` again when it retries. ``first_time`` records an id and says whether it is new; each
    id is kept until its ``webhook-timestamp`` plus ``tolerance``, after which verification refuses a
    replay anyway. Call it after verifying, never before (forged requests would fill it with the ids of
    deliveries to come). In memory and thread-safe: right for one process; several processes need a
    shared store with an atomic "insert if absent".
    """

    def __init__(self, tolerance: int = DEFAULT_TOLERANCE) -> None:
        self._tolerance = tolerance
        self._expiry: dict[str, int] = {}
        self._queue: list[tuple[int, str]] = []  # (expiry, id), soonest first
        self._lock = threading.Lock()

    def first_time(self, msg_id: str, timestamp: int) -> bool:
        """Whether ``msg_id`` is new; it is recorded either way, until ``timestamp`` plus the tolerance."""
        now = _now()
        with self._lock:
            while self._queue and self._queue[0][0] < now:
                expiry, old = heapq.heappop(self._queue)
                if self._expiry.get(old) == expiry:
                    del self._expiry[old]
            if msg_id in self._expiry:
                return False
            expiry = timestamp + self._tolerance
            self._expiry[msg_id] = expiry
            heapq.heappush(self._queue, (expiry, msg_id))
            return True

    def forget(self, msg_id: str) -> None:
        """Drop ``msg_id``, so that the next delivery with it is acted on (when acting on it failed)."""
        with self._lock:
            self._expiry.pop(msg_id, None)


def sign(payload: Payload, secret: str | bytes, msg_id: str, timestamp: int) -> str:
    """The ``webhook-signature`` value (``v1,<base64>``) the vendor would send for this body.

    For testing a receiver: send ``payload`` with the headers ``webhook-id: <msg_id>``,
    ``webhook-timestamp: <timestamp>`` and ``webhook-signature: <this>``, ``timestamp`` being whole Unix
    seconds (``int(time.time())`` for now). ``secret`` is read as :func:`verify_signature` reads it.
    """
    body = _payload_bytes(payload)
    key = _key(secret)
    if not isinstance(msg_id, str) or not msg_id or msg_id != msg_id.strip():
        raise ValueError("msg_id must be a non-empty string without surrounding whitespace")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("timestamp must be whole seconds since the Unix epoch, 0 or more")
    return f"{_SIGNED_VERSION},{_signature(key, msg_id, str(timestamp), body)}"


def _signature(key: bytes, msg_id: str, timestamp_text: str, body: bytes) -> str:
    # The pragmas: codec names ignore case, so "UTF-8" or "ASCII" would change nothing.
    signed = b"%s.%s.%s" % (msg_id.encode("utf-8"), timestamp_text.encode("ascii"), body)  # pragma: no mutate
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")  # pragma: no mutate


def _payload_bytes(payload: object) -> bytes:
    if isinstance(payload, bytes | bytearray | memoryview):
        return bytes(payload)
    if isinstance(payload, str):
        raise PayloadNotBytesError(
            "the webhook body must be the bytes received, not a str: decoding and re-encoding can change "
            "the bytes and break the signature (use e.g. request.get_data() or await request.body())"
        )
    raise PayloadNotBytesError(f"the webhook body must be bytes, not {type(payload).__name__}")


def _key(secret: object) -> bytes:
    """The HMAC key for ``secret``; the messages describe the secret, never quote it."""
    if secret is None:
        secret = os.environ.get(SECRET_ENV_VAR, "")
        if not secret.strip():
            raise MissingSecretError(f"no webhook secret: pass secret= or set {SECRET_ENV_VAR}")
    if isinstance(secret, bytes | bytearray):
        key = bytes(secret)
    elif isinstance(secret, str):
        encoded = secret.strip().removeprefix(_SECRET_PREFIX).rstrip("=")
        decoded = _quietly(lambda: base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True))
        if not isinstance(decoded, bytes):
            raise InvalidSecretError(
                f"the webhook secret is not base64 after the optional {_SECRET_PREFIX} prefix "
                "(pass bytes to use a raw key)"
            )
        key = decoded
    else:
        raise TypeError(f"the webhook secret must be str or bytes, not {type(secret).__name__}")
    if not key:
        raise InvalidSecretError("the webhook secret is empty")
    return key


def _required_headers(headers: HeadersLike) -> tuple[str, str, str]:
    shape = "headers must be a mapping, an object with .items(), or (name, value) pairs"
    if isinstance(headers, _HasItems):
        pairs: Iterable[object] = headers.items()
    elif isinstance(headers, Iterable) and not isinstance(headers, str | bytes | bytearray):
        pairs = headers
    else:
        raise TypeError(shape)
    found: dict[str, str] = {}
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError(shape)
        raw_name = pair[0]
        if isinstance(raw_name, bytes | bytearray):
            # Never fails; a name outside ASCII is not ours.
            raw_name = bytes(raw_name).decode("latin-1")  # pragma: no mutate: codec names ignore case
        elif not isinstance(raw_name, str):
            raise TypeError(f"a header name must be str or bytes, not {type(raw_name).__name__}")
        name = raw_name.strip().lower()
        if name not in (_ID, _TIMESTAMP, _SIGNATURE):
            continue
        if name in found:
            raise MalformedHeaderError(f"the {name} header appears more than once")
        found[name] = _text(pair[1], f"the {name} header").strip()
    for name in (_ID, _TIMESTAMP, _SIGNATURE):
        if not found.get(name):
            raise MissingHeaderError(f"the {name} header is missing or empty")
    return found[_ID], found[_TIMESTAMP], found[_SIGNATURE]


def _text(value: object, what: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        # UTF-8, as the signer encodes the id: the same bytes go into the signed text again.
        decoded = _quietly(lambda: bytes(value).decode("utf-8"))  # pragma: no mutate: codec names ignore case
        if not isinstance(decoded, str):
            raise MalformedHeaderError(f"{what} is not UTF-8")
        return decoded
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


_FAILED = object()


def _quietly(decode: Callable[[], _T]) -> _T | object:
    """``decode()``, or :data:`_FAILED` if it raises ``ValueError``.

    The refusal is then raised outside any ``except`` block, so it carries no ``__context__``: a decoding
    error keeps the text it failed on (``UnicodeDecodeError.object``), which would put the body, a
    signature or the secret into whatever records the refusal.
    """
    try:
        return decode()
    except ValueError:  # binascii.Error, UnicodeDecodeError and json.JSONDecodeError among them
        return _FAILED


def _timestamp(text: str) -> int:
    # Whole seconds in plain decimal, as Standard Webhooks sends them; anything else is refused rather
    # than re-spelled, since the signature covers the header's text as sent.
    if not (text.isascii() and text.isdigit()) or (len(text) > 1 and text[0] == "0") or len(text) > 20:
        raise MalformedHeaderError(f"the {_TIMESTAMP} header is not whole seconds since the Unix epoch")
    return int(text)


def _offered_signatures(header: str) -> list[bytes]:
    """The values of the header's v1 entries; entries of other versions are skipped."""
    offered: list[bytes] = []
    for entry in header.split():
        version, comma, value = entry.partition(",")
        if not comma or not version or not value:
            raise MalformedHeaderError(f"an entry of the {_SIGNATURE} header is not in the form version,signature")
        if version == _SIGNED_VERSION:
            offered.append(value.encode("utf-8"))  # pragma: no mutate: codec names ignore case
    return offered
