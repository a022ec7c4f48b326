"""Bodies that are not JSON, path parameters and the ids answers name: what the operation modules
call to put a request on the wire and to read an answer that is not JSON. One implementation for
every operation; which operation needs what is decided by the API description, at generation time.
"""

import json
import secrets
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .errors import RequestValidationError

# Compact and UTF-8, NaN refused: the bytes the server receives, for JSON bodies and JSON parts alike.
JSON_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _sdp_problem(text: str) -> str | None:
    # RFC 8866: a session description starts with its protocol version line, "v=0".
    first = text.lstrip("\r\n").partition("\n")[0].rstrip("\r")
    return None if first == "v=0" else "is not an SDP session description (its first line must be v=0)"


# Text media types whose content the client checks, both ways: media type -> the problem, or None.
TEXT_CHECKS: dict[str, Callable[[str], str | None]] = {
    "application/sdp": _sdp_problem,
}


def text_problem(media_type: str, text: str) -> str | None:
    """What is wrong with ``text`` as a body of ``media_type``, or None (types without a check pass)."""
    check = TEXT_CHECKS.get(media_type.partition(";")[0].strip().lower())
    return None if check is None else check(text)


def encode_text(where: str, media_type: str, value: object, validate: bool) -> bytes:
    """A text body or part as UTF-8, checked first when ``validate``; ``where`` names it in errors."""
    if not isinstance(value, str):
        raise RequestValidationError(where, value, f"must be text (str) to be sent as {media_type}")
    if validate:
        problem = text_problem(media_type, value)
        if problem is not None:
            raise RequestValidationError(where, _shorten(value), problem)
    return value.encode()


def encode_multipart(payload: Mapping[str, Any], parts: Sequence[tuple[str, str]], validate: bool) -> tuple[bytes, str]:
    """(body, Content-Type) of a ``multipart/form-data`` request: one part per field of ``payload``
    present in ``parts`` (name, media type), in that order, each with its own Content-Type; JSON
    parts compact, text parts UTF-8, names percent-encoded. A fresh random boundary (128 random bits)
    per call, checked not to occur inside."""
    encoded: list[tuple[str, str, bytes]] = []
    for name, media_type in parts:
        if name not in payload:
            continue
        value = payload[name]
        if media_type == "application/json" or media_type.endswith("+json"):
            try:
                data = JSON_ENCODER.encode(value).encode()
            except (TypeError, ValueError) as err:
                raise RequestValidationError(name, value, f"cannot be turned into JSON: {err}") from err
        else:
            data = encode_text(name, media_type, value, validate)
        encoded.append((name, media_type, data))
    while True:
        boundary = f"----openai-realtime-{secrets.token_hex(16)}"
        marker = boundary.encode()
        if not any(marker in data for _, _, data in encoded):
            break
    chunks: list[bytes] = []
    for name, media_type, data in encoded:
        chunks.append(
            b'--%s\r\nContent-Disposition: form-data; name="%s"\r\nContent-Type: %s\r\n\r\n%s\r\n'
            % (marker, _percent_encoded(name).encode(), media_type.encode(), data)
        )
    chunks.append(b"--%s--\r\n" % marker)
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def path_segment(name: str, value: object) -> str:
    """A path parameter as one percent-encoded path segment. Refused before anything is sent when it
    is empty, holds a slash (it would address another resource) or is a dot segment."""
    if not isinstance(value, str):
        raise RequestValidationError(name, value, "must be a string")
    if not value:
        raise RequestValidationError(name, value, "must not be empty")
    if "/" in value or "\\" in value:
        raise RequestValidationError(name, value, "must not contain a slash")
    if value in (".", ".."):
        raise RequestValidationError(name, value, "must not be a dot segment")
    return _percent_encoded(value)


def decode_text(media_type: str, raw: bytes) -> str:
    """A text answer: UTF-8, and what the media type's check accepts; ValueError saying what is wrong."""
    try:
        text = raw.decode()
    except UnicodeDecodeError as err:
        raise ValueError(f"the {media_type} body is not UTF-8 text: {err.reason} at byte {err.start}") from err
    problem = text_problem(media_type, text)
    if problem is not None:
        raise ValueError(f"the {media_type} body {problem}")
    return text


def required_header(headers: Mapping[str, str], name: str) -> str:
    """A header the description says every such answer carries; ValueError naming it when absent."""
    value = headers.get(name)
    if value is None or not value.strip():
        raise ValueError(f"the answer has no {name} header")
    return value.strip()


def created_id(location: str, collection: str) -> str:
    """The id a ``Location`` names under ``collection`` (``/v1/realtime/calls/rtc_1`` under
    ``/realtime/calls`` is ``rtc_1``); the base URL's own path may come before it. ``collection`` has
    no trailing slash (the generator strips it). ValueError when the location is not one segment
    under that collection."""
    path = urlsplit(location).path
    head, _, last = path.rstrip("/").rpartition("/")
    if not head.endswith(collection) or not last:
        raise ValueError(f"the Location header {_shorten(location)!r} does not name a resource under {collection}/")
    return unquote(last)


# The deprecated operations that have warned in this process: each warns on its first use only.
_WARNED: set[str] = set()


def warn_deprecated(operation: str, message: str) -> None:
    """A DeprecationWarning the first time ``operation`` is used, pointing at the caller of the
    public function that called this (so Python's default filters show it for a script's own call)."""
    if operation in _WARNED:
        return
    _WARNED.add(operation)
    # The caller's frame: tests/contract/test_calls.py checks it, which mutmut cannot run (its
    # trampoline adds a frame), so its mutants are left alone.
    warnings.warn(message, DeprecationWarning, stacklevel=3)  # pragma: no mutate


# quote() leaves letters, digits and "_.-~" as they are whatever it is told; nothing else is safe here.
_NOTHING_SAFE = ""


def _percent_encoded(text: str) -> str:
    return quote(text, safe=_NOTHING_SAFE)


def _shorten(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + "..."


__all__ = [
    "JSON_ENCODER",
    "TEXT_CHECKS",
    "created_id",
    "decode_text",
    "encode_multipart",
    "encode_text",
    "path_segment",
    "required_header",
    "text_problem",
    "warn_deprecated",
]
