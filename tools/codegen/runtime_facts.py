"""What the templates read from the runtime (runtime/openai_realtime_client/), so that the docs and
the generation-time checks say what the shipped code does instead of keeping their own copy.

The runtime modules read here import nothing outside the standard library and runtime/, so tools
can import them from the repository without the generated package.
"""

from dataclasses import dataclass

from runtime.openai_realtime_client import errors
from runtime.openai_realtime_client.api import CHECKED_KEYWORDS, SCHEMA_KEYWORDS

__all__ = ["CHECKED_KEYWORDS", "ERROR_CLASSES", "SCHEMA_KEYWORDS", "STATUS_CODES", "StatusCodes"]


@dataclass(frozen=True)
class StatusCodes:
    """Template global ``status_codes``: the status -> exception table of ``errors.py``."""

    STATUS_ERRORS: tuple[tuple[int, str], ...]  # (status, exception class), by status
    SERVER_ERROR: str  # raised for every status from SERVER_ERROR_FROM up
    SERVER_ERROR_FROM: int
    FALLBACK_ERROR: str  # raised for any other non-2xx status
    RETRIED_STATUSES: tuple[int, ...]  # retried besides every status from SERVER_ERROR_FROM up

    def error_class(self, status: int) -> str:
        return errors.status_error_class(status).__name__

    def is_retried(self, status: int) -> bool:
        return errors.is_retried_status(status)


STATUS_CODES = StatusCodes(
    STATUS_ERRORS=tuple(sorted((status, cls.__name__) for status, cls in errors._STATUS_ERRORS.items())),
    SERVER_ERROR=errors.status_error_class(errors.SERVER_ERROR_FROM).__name__,
    SERVER_ERROR_FROM=errors.SERVER_ERROR_FROM,
    FALLBACK_ERROR=errors.APIStatusError.__name__,
    RETRIED_STATUSES=tuple(sorted(errors.RETRIED_STATUSES)),
)


# Template global ``error_classes``: every exception class errors.py exports, which the package
# re-exports, sorted.
ERROR_CLASSES = tuple(sorted(name for name in errors.__all__ if isinstance(getattr(errors, name), type)))
