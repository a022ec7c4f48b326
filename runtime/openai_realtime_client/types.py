"""Shared value types: the UNSET marker, the response wrapper and the stand-in for unknown union members."""

import warnings
from collections.abc import Iterable, Mapping
from typing import Any, Generic, Literal, Self, TypeVar, final

from attrs import define, field

_the_unset: "Unset | None" = None


@final
class Unset:
    """The type of UNSET: a field the caller never set, so it is left off the wire.

    It has one instance: ``Unset()``, a copy and an unpickled UNSET are all UNSET itself, so that
    the models can test a field with ``is UNSET`` (cheaper than ``isinstance``, on every field of
    every call)."""

    def __new__(cls) -> "Unset":
        global _the_unset
        if _the_unset is None:
            _the_unset = super().__new__(cls)
        return _the_unset

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


class UnknownFieldWarning(UserWarning):
    """Warned by a model's ``from_dict`` for a field it does not know whose name is close to one it
    does (``temprature``): likely a typo. The field is kept and sent all the same, since a server
    newer than this client may know it."""


def nearest_name(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` is most likely a misspelling of, or None when none is close."""
    import difflib  # only needed once a name is not known, which is rare

    matches = difflib.get_close_matches(
        name,
        list(known),
        n=1,  # pragma: no mutate: only the first (the closest) is used, so any n answers the same
        cutoff=0.75,
    )
    return matches[0] if matches else None


def warn_unknown_fields(model: str, unknown: Iterable[str], known: tuple[str, ...]) -> None:
    """Called by ``from_dict`` with the fields it did not know: an UnknownFieldWarning for each one
    that looks like a misspelling of a known field. Fields with no close known name (most often
    fields the API added after this client was generated) pass silently."""
    for name in unknown:
        near = nearest_name(name, known)
        if near is not None:
            warnings.warn(
                f"{model}: unknown field {name!r} kept and sent as given; did you mean {near!r}?",
                UnknownFieldWarning,
                # Checked by tests/unit/test_client_arguments.py, which make mutate cannot run: its
                # trampoline adds frames between the caller and this call.
                stacklevel=3,  # pragma: no mutate
            )


class UnknownVariant:
    """A member of a response union whose ``type`` this client does not know: a kind the API added
    after the client was generated (say a session ``type`` of ``"translation"``). It arrives as
    this stand-in instead of failing the call, and keeps the object as it came: read it with
    ``variant.raw`` or ``variant["field"]``; ``to_dict()`` gives it back unchanged.

    Its ``repr`` shows the ``type`` and the field names, never the values (they may hold a secret).
    """

    __slots__ = ("raw",)

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw: dict[str, Any] = dict(raw)

    @property
    def type(self) -> Any:
        """The ``type`` value the server sent."""
        return self.raw.get("type")

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        return cls(src_dict)

    def to_dict(self) -> dict[str, Any]:
        """The object as it arrived (a copy)."""
        return dict(self.raw)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __contains__(self, key: object) -> bool:
        return key in self.raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnknownVariant) and other.raw == self.raw

    __hash__ = None  # type: ignore[assignment]  # mutable, like the models

    def __repr__(self) -> str:
        return f"UnknownVariant(type={self.type!r}, fields={sorted(self.raw)!r})"


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


__all__ = [
    "UNSET",
    "ApiResponse",
    "UnknownFieldWarning",
    "UnknownVariant",
    "Unset",
    "mask_secret",
    "nearest_name",
    "warn_unknown_fields",
]
