"""Every exception a call can raise, and the status table: which status raises which class, and
which statuses are retried. The docs pages read the table from here when they are generated."""

import json
from collections.abc import Mapping
from typing import Any


class APIError(Exception):
    """Root of every error this client raises."""

    #: How many retries were made before giving up (0: the first attempt failed for good).
    retries_taken: int = 0


class APIKeyMissingError(APIError):
    """Raised before anything is sent when no API key was given and OPENAI_API_KEY is not set."""


class RequestValidationError(APIError, ValueError):
    """Raised before anything is sent when a request breaks a rule of the API description."""

    def __init__(self, path: str, value: object, rule: str, *, missing: bool = False) -> None:
        self.path = path  # e.g. "turn_detection.threshold"; "" for the body as a whole
        self.value = value
        self.rule = rule
        if missing:
            text = f"{path} {rule}"
        elif path:
            text = f"{path}={value!r} {rule}"
        else:
            text = f"the request body {rule}"
        super().__init__(text)


class APIConnectionError(APIError):
    """Raised when no HTTP response arrived: refused or reset connection, DNS, TLS or protocol failure."""


class APITimeoutError(APIConnectionError):
    """Raised when connecting or waiting for the response took longer than the timeout."""


class APIResponseValidationError(APIError):
    """Raised when a 2xx response body is not JSON or does not fit the response schema."""

    def __init__(self, message: str, *, status_code: int, body: bytes, request_id: str | None) -> None:
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        suffix = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{status_code} response did not match the API description: {message}{suffix}")


class APIStatusError(APIError):
    """Raised for a non-2xx status that has no more specific class below."""

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


class UnprocessableEntityError(APIStatusError):
    """Raised for 422: the request was well formed but could not be carried out."""


class RateLimitError(APIStatusError):
    """Raised for 429: a rate limit or quota was hit."""


class InternalServerError(APIStatusError):
    """Raised for any status of 500 or above: the service failed."""


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


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for a non-2xx status."""
    if status_code >= SERVER_ERROR_FROM:
        return InternalServerError
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
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "UnprocessableEntityError",
    "status_error_class",
]
