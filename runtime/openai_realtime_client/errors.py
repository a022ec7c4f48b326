"""Every exception a call can raise, and the status table: which status raises which class, and
which statuses are retried. The docs pages read the table from here when they are generated."""

import itertools
import json
import threading
import weakref
from collections.abc import Mapping
from typing import Any


class APIError(Exception):
    """Root of every error this client raises."""

    #: How many retries were made before giving up (0: the first attempt failed for good).
    retries_taken: int = 0


class APIKeyMissingError(APIError):
    """Raised before anything is sent when no API key was given and OPENAI_API_KEY is not set."""


class ConfigurationError(APIError, ValueError, TypeError):
    """Raised by ``ApiClient(...)`` or a call's settings for an argument of the wrong type or value."""

    # ``argument`` names it (``max_retries``, ``base_url``, ``OPENAI_BASE_URL``, ``header X``). A
    # ValueError and a TypeError both, so that either ``except`` catches it.

    def __init__(self, argument: str, problem: str) -> None:
        self.argument = argument
        self.problem = problem
        super().__init__(f"{argument} {problem}")


class InvalidAPIKeyError(ConfigurationError):
    """Raised by ``ApiClient(...)`` for an API key that cannot be sent in a header; never shows the key."""

    # Empty, a control character (a newline left over from a file), a non-ASCII character, or
    # surrounding spaces: the text names the problem and its position.


REDACTED = "<redacted>"
#: A piece of the API key this long or longer is never shown; a key shorter than this is looked
#: for whole.
MIN_REDACTED_PIECE = 8


def redaction_marker(secret: str) -> str:
    """What ``redact`` puts in place of the secret: REDACTED, unless the marker could itself show a
    piece of this secret (a piece inside it, or, for a secret with an angle bracket, one made of the
    marker's edge and the text beside it). Then a run of a character the secret does not have,
    which no piece of the secret can overlap."""
    size = min(MIN_REDACTED_PIECE, len(secret))
    pieces = (secret[i : i + size] for i in range(len(secret) - size + 1))
    if not {"<", ">"} & set(secret) and not any(piece in REDACTED for piece in pieces):
        return REDACTED
    # Counting up from "*" finds one long before the last code point: a secret is finite.
    unused = next(c for c in map(chr, itertools.count(ord("*"))) if c not in secret)
    return unused * len(REDACTED)


def redact(text: str, secret: str | None) -> str:
    """``text`` with every piece of ``secret`` of MIN_REDACTED_PIECE or more characters (and the
    whole secret, when it is shorter) replaced by ``redaction_marker(secret)``.

    Every longer piece is made of overlapping pieces of exactly that size, so marking where each
    of those occurs and replacing the marked runs covers them all."""
    if not secret:
        return text
    size = min(MIN_REDACTED_PIECE, len(secret))
    marked = bytearray(len(text))
    for piece in {secret[i : i + size] for i in range(len(secret) - size + 1)}:
        start = text.find(piece)
        while start != -1:
            marked[start : start + size] = b"\x01" * size
            start = text.find(piece, start + 1)
    if 1 not in marked:
        return text
    marker = redaction_marker(secret)
    parts: list[str] = []
    position = 0
    while position < len(text):
        end = position
        if marked[position]:
            while end < len(text) and marked[end]:
                end += 1
            parts.append(marker)
        else:
            end = marked.find(1, position)
            end = len(text) if end == -1 else end
            parts.append(text[position:end])
        position = end
    return "".join(parts)


def redact_bytes(data: bytes, secret: str | None) -> bytes:
    """``redact`` for a body: the key is ASCII, so reading the bytes as Latin-1 finds it wherever
    it occurs, and every other byte goes back unchanged."""
    if not secret or not data:
        return data
    return redact(data.decode(_BYTES_AS_TEXT), secret).encode(_BYTES_AS_TEXT)


# One character per byte: every byte comes back unchanged.
_BYTES_AS_TEXT = "latin-1"


def mentions_secret(error: BaseException, secret: str | None) -> bool:
    """Whether the secret, or a piece of it ``redact`` would hide, shows anywhere in ``error`` or
    the errors it was raised from: text, repr, args or attributes."""
    if not secret:
        return False
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        try:
            shown = "\n".join((str(current), repr(current), repr(current.args), repr(vars(current))))
        except Exception:  # a repr that fails cannot be vouched for
            return True
        if redact(shown, secret) != shown:
            return True
        current = current.__cause__ or current.__context__
    return False


# The live clients of this process (weakly: a client that is gone is forgotten with its key). A
# request is checked before any client is involved, so its error cannot be told which key to hide:
# it hides every live client's.
# Each has an ``api_key_for_redaction`` property (an ApiClient; typed loosely because client.py
# imports this module).
_key_holders: "weakref.WeakSet[Any]" = weakref.WeakSet()
# A client made in one thread while an error is raised in another would change the set under the
# iteration.
_key_holders_lock = threading.Lock()


def register_key_holder(holder: Any) -> None:
    """Called by ``ApiClient(...)``: RequestValidationError hides this client's key from now on."""
    with _key_holders_lock:
        _key_holders.add(holder)


def _redact_live_keys(text: str) -> str:
    with _key_holders_lock:
        holders = list(_key_holders)
    for holder in holders:
        text = redact(text, holder.api_key_for_redaction)
    return text


class RequestValidationError(APIError, ValueError):
    """Raised before anything is sent when a request breaks a rule of the API description."""

    def __init__(self, path: str, value: object, rule: str, *, missing: bool = False) -> None:
        self.path = path  # e.g. "turn_detection.threshold"; "" for the body as a whole
        self.rule = _redact_live_keys(rule)
        if missing:
            text = f"{path} {self.rule}"
        elif path:
            text = f"{path}={value!r} {self.rule}"
        else:
            text = f"the request body {self.rule}"
        # A value that holds a client's key (passed by mistake) is kept as its redacted repr only.
        self.value = value
        if _key_holders:
            shown_value = _redact_live_keys(repr(value))
            if shown_value != repr(value):
                self.value = shown_value
        super().__init__(_redact_live_keys(text))


class APIConnectionError(APIError):
    """Raised when no HTTP response arrived: refused or reset connection, DNS, TLS or protocol failure."""


class APITimeoutError(APIConnectionError):
    """Raised when connecting or waiting for the response took longer than the timeout."""


class QueueFullError(APIError):
    """Raised by an async call, before anything is sent, when ``max_queued`` calls already wait."""


class APIResponseValidationError(APIError):
    """Raised when a 2xx response body is not JSON or does not fit the response schema."""

    def __init__(self, message: str, *, status_code: int, body: bytes, request_id: str | None) -> None:
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        suffix = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{status_code} response did not match the API description: {message}{suffix}")


class ResponseShapeError(APIError, ValueError):
    """Raised by a model's ``from_dict`` when the data does not fit it, saying what and where."""

    # ``path`` is the JSON path in the object (``session.audio.input.format``). A call turns this
    # into APIResponseValidationError. The message names fields and JSON types and does not print
    # the values read (only a parser's own message, such as a date's, may quote the text it could
    # not read), so a secret in a response does not reach it.

    def __init__(self, path: str, problem: str, source: object = None) -> None:
        self.path = path
        self.problem = problem
        self.source = source  # the object that did not fit, to find its index in an array
        super().__init__(f"{path}: {problem}" if path else problem)

    @classmethod
    def locate(
        cls, model: str, data: Mapping[str, Any], left: Mapping[str, Any], fields: tuple[str, ...], err: Exception
    ) -> "ResponseShapeError":
        """The error of a ``from_dict`` that failed on ``err``. ``fields`` are the JSON names in the
        order they are read, each taken out of ``left`` (a copy of ``data``) as it is read, so the
        field being read is the last one gone from ``left``: nothing is tracked until it fails."""
        if isinstance(err, KeyError) and err.args and err.args[0] in fields and err.args[0] not in data:
            return cls(str(err.args[0]), f"required field missing in {model}", data)
        read = [name for name in fields if name in data and name not in left]
        if not read:
            return cls("", f"{model}: {_describe(err)}", data)
        name = read[-1]
        value = data[name]
        if isinstance(err, ResponseShapeError):
            if isinstance(value, list):
                index = next((i for i, item in enumerate(value) if item is err.source), None)
                name = f"{name}[{'' if index is None else index}]"
            path = f"{name}.{err.path}" if err.path else name
            return cls(path, err.problem, data)
        return cls(name, f"{_json_type(value)} does not fit {model}.{name}: {_describe(err)}", data)

    @classmethod
    def no_member(cls, data: object, union: str) -> "ResponseShapeError":
        """The error of a union's parse when ``data`` fits none of its members (``union``, the
        annotation, e.g. ``"AudioFormatPcm | AudioFormatPcmu"``)."""
        if isinstance(data, dict):
            kind = data.get("type")
            shown = f"an object of type {kind!r}" if isinstance(kind, str) and len(kind) <= 64 else "an object"
        else:
            shown = _json_type(data)
        return cls("", f"{shown} fits none of {union}", data)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _describe(err: Exception) -> str:
    text = str(err) if not isinstance(err, KeyError) else f"missing {err}"
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


class APIStatusError(APIError):
    """Raised for a non-2xx status that has no more specific class below."""

    #: Appended to the message: what to do about this error, for the classes that know.
    HINT = ""

    def __init__(
        self,
        *,
        status_code: int,
        headers: Mapping[str, str],
        body: bytes,
        request_id: str | None,
        retries_taken: int = 0,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.retries_taken = retries_taken
        self.body = body
        self.request_id = request_id
        detail = _error_detail(body)
        self.message: str | None = _str_or_none(detail.get("message"))
        self.type: str | None = _str_or_none(detail.get("type"))
        self.param: str | None = _str_or_none(detail.get("param"))
        self.code: str | None = _str_or_none(detail.get("code"))
        text = f"HTTP {status_code}"
        if self.message:
            text += f": {' '.join(self.message.split())}"
        if request_id:
            text += f" (request id {request_id})"
        if self.HINT:
            text += f"; {self.HINT}"
        super().__init__(text)


class BadRequestError(APIStatusError):
    """Raised for 400: the request was malformed or a value broke a rule."""


class AuthenticationError(APIStatusError):
    """Raised for 401: the API key was missing, malformed or revoked."""


class PermissionDeniedError(APIStatusError):
    """Raised for 403: the key may not use this model, project or organization."""


class NotFoundError(APIStatusError):
    """Raised for 404: the path or a referenced resource does not exist."""


class ConflictError(APIStatusError):
    """Raised for 409: the request clashed with another one in flight."""


class BetaApiShapeDisabledError(BadRequestError):
    """Raised for a 4xx with the code ``beta_api_shape_disabled``; the message says what to call instead."""

    #: The error code that selects this class.
    CODE = "beta_api_shape_disabled"
    #: What to call instead; the deprecation note of each beta method gives its equivalent request.
    HINT = (
        "the beta Realtime API shape is switched off: call create_realtime_client_secret "
        "(POST /realtime/client_secrets) with session.type 'realtime' for a session, or 'transcription' "
        "for a transcription session, instead"
    )


class UnprocessableEntityError(APIStatusError):
    """Raised for 422: the request was well formed but could not be carried out."""


class RateLimitError(APIStatusError):
    """Raised for 429: a rate limit or quota was hit."""


class InternalServerError(APIStatusError):
    """Raised for any status of 500 or above: the service failed."""


class WebhookVerificationError(APIError):
    """Raised when a webhook is refused (``webhooks`` module); the subclass says why. Answer it with 400."""


class PayloadNotBytesError(WebhookVerificationError, TypeError):
    """Raised when the body is not bytes (a ``str`` included): the signature covers the exact bytes sent."""


class MissingSecretError(WebhookVerificationError):
    """Raised when no webhook secret was passed and ``OPENAI_WEBHOOK_SECRET`` is unset or empty."""


class InvalidSecretError(WebhookVerificationError):
    """Raised when the webhook secret is empty, or a ``str`` that is not base64 after an optional ``whsec_``."""


class MissingHeaderError(WebhookVerificationError):
    """Raised when ``webhook-id``, ``webhook-timestamp`` or ``webhook-signature`` is absent or empty."""


class MalformedHeaderError(WebhookVerificationError):
    """Raised when a webhook header is repeated, not UTF-8, or not in its format (integer, ``version,value``)."""


class NoMatchingSignatureError(WebhookVerificationError):
    """Raised when no ``v1`` entry of ``webhook-signature`` matches the body, id, timestamp and secret."""


class TimestampTooOldError(WebhookVerificationError):
    """Raised when a correctly signed webhook's timestamp is more than ``tolerance`` seconds in the past."""


class TimestampInFutureError(WebhookVerificationError):
    """Raised when a correctly signed webhook's timestamp is more than ``tolerance`` seconds ahead of now."""


class MalformedPayloadError(WebhookVerificationError):
    """Raised by ``webhooks.unwrap`` when a signed body is not a JSON object or does not fit its type's model."""


# Every status from SERVER_ERROR_FROM up raises InternalServerError; any other status not in
# _STATUS_ERRORS raises APIStatusError itself.
SERVER_ERROR_FROM = 500
# Retried besides every status >= SERVER_ERROR_FROM, unless the server's x-should-retry says otherwise.
RETRIED_STATUSES = frozenset({408, 409, 429})

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int, body: bytes = b"") -> type[APIStatusError]:
    """The exception class for a non-2xx status; a 4xx whose error code has its own class gets that."""
    if status_code >= SERVER_ERROR_FROM:
        return InternalServerError
    code = BetaApiShapeDisabledError.CODE
    # The cheap byte search first: most error bodies never need decoding here.
    if status_code >= 400 and code.encode() in body and _error_detail(body).get("code") == code:
        return BetaApiShapeDisabledError
    return _STATUS_ERRORS.get(status_code, APIStatusError)


def is_retried_status(status_code: int) -> bool:
    """Whether a non-2xx status is worth another attempt when the server does not say."""
    return status_code in RETRIED_STATUSES or status_code >= SERVER_ERROR_FROM


def _error_detail(body: bytes) -> dict[str, Any]:
    """The ``error`` object of the vendor's error envelope, or {} when the body is something else."""
    try:
        document = json.loads(body)
    except ValueError:
        return {}
    detail = document.get("error") if isinstance(document, dict) else None
    return detail if isinstance(detail, dict) else {}


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


__all__ = [
    "APIConnectionError",
    "APIError",
    "APIKeyMissingError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BetaApiShapeDisabledError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidAPIKeyError",
    "InvalidSecretError",
    "MalformedHeaderError",
    "MalformedPayloadError",
    "MissingHeaderError",
    "MissingSecretError",
    "NoMatchingSignatureError",
    "NotFoundError",
    "PayloadNotBytesError",
    "PermissionDeniedError",
    "QueueFullError",
    "RateLimitError",
    "RequestValidationError",
    "ResponseShapeError",
    "TimestampInFutureError",
    "TimestampTooOldError",
    "UnprocessableEntityError",
    "WebhookVerificationError",
    "mentions_secret",
    "redact",
    "redact_bytes",
    "register_key_holder",
    "status_error_class",
]
