"""The mock's answer reflects the request: what the caller configured comes back where the
description's response has the same field and the value fits there.

Generic on purpose, with no code per operation: walking the response schema beside the request
body, a request field is copied into the answer when the response schema has a property of that
name at the same place and the value validates against it; an object that does not fit whole is
walked into. At a union (oneOf/anyOf) the member that takes the most of the request wins, so a
client-secret request for a ``transcription`` session is answered with a transcription session.
"""

from typing import Any

from tools import openapi_document
from tools.openapi_document import SchemaValidator, escape


class Echo:
    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._validator = SchemaValidator(document)

    def answer(self, value: Any, request: Any, pointer: str) -> Any:
        """value (an answer that fits the schema at pointer) with request's fields copied in."""
        return self._echo(value, request, pointer, 0)[0]

    def _property(self, schema: dict[str, Any], pointer: str, name: str) -> str | None:
        """The pointer of property name's schema: in the schema itself or in one of its allOf parts."""
        if name in (schema.get("properties") or {}):
            return f"{pointer}/properties/{escape(name)}"
        for index, _ in enumerate(schema.get("allOf") or []):
            part, at = openapi_document.target(self._document, f"{pointer}/allOf/{index}")
            found = self._property(part, at, name) if isinstance(part, dict) else None
            if found is not None:
                return found
        return None

    def _echo(self, value: Any, request: Any, pointer: str, depth: int) -> tuple[Any, int]:
        """The echoed value and how many request fields went into it."""
        schema, pointer = openapi_document.target(self._document, pointer)
        if not (isinstance(request, dict) and isinstance(schema, dict)) or depth > openapi_document.MAX_REF_CHAIN:
            return value, 0
        members = [f"{pointer}/{key}/{i}" for key in ("oneOf", "anyOf") for i in range(len(schema.get(key) or []))]
        if members:
            best: tuple[Any, int] = (value, 0)
            for member in members:
                base = value
                if not self._validator.is_valid(value, member):
                    base = openapi_document.sample(self._document, openapi_document.pointer_get(self._document, member))
                candidate, copied = self._echo(base, request, member, depth + 1)
                if copied > best[1] and self._validator.is_valid(candidate, member):
                    best = (candidate, copied)
            return best
        if not isinstance(value, dict):
            return value, 0
        result, copied = dict(value), 0
        for name, wanted in request.items():
            at = self._property(schema, pointer, name)
            if at is None:
                continue
            if self._validator.is_valid(wanted, at):
                result[name], copied = wanted, copied + 1
                continue
            inner, count = self._echo(result.get(name), wanted, at, depth + 1)
            if count:
                result[name], copied = inner, copied + count
        return result, copied
