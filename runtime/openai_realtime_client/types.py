"""Shared value types: the UNSET marker and the response wrapper."""

from collections.abc import Mapping
from typing import Generic, Literal, TypeVar

from attrs import define, field


class Unset:
    """The type of UNSET: a field the caller never set, so it is left off the wire."""

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Unset = Unset()

T = TypeVar("T")


def mask_secret(value: object) -> str:
    """How a secret shows in a repr: a short prefix and the last four characters, never all of it."""
    if not isinstance(value, str):
        return repr(value)
    if len(value) <= 12:
        return "'***'"
    return f"'{value[:3]}...{value[-4:]}'"


@define(frozen=True, slots=True)
class ApiResponse(Generic[T]):
    """What a ``*_with_http_info`` call returns: the parsed body and everything about the response.

    ``headers`` is case-insensitive (``headers["X-Request-Id"]`` and ``headers["x-request-id"]``
    agree). ``retries_taken`` counts the failed attempts before the one that succeeded.
    """

    status_code: int
    headers: Mapping[str, str]
    data: T
    # The body may hold a minted secret: repr shows only its size.
    raw_data: bytes = field(repr=lambda raw: f"<{len(raw)} bytes>")
    request_id: str | None
    retries_taken: int = 0


__all__ = ["UNSET", "ApiResponse", "Unset", "mask_secret"]
