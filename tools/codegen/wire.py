"""What the templates need to know about an operation's messages beyond what openapi-python-client
parses: each request body's real media type (and, for multipart, its parts and their media types),
the 2xx answer's media type and headers, the id a ``201`` names in ``Location``, and whether the
operation is deprecated in favour of another. Read from ``openapi.yaml`` with ``$ref``s resolved;
exposed to the templates as the global ``wire(endpoint)``.

The generator maps media types it does not know to ``application/octet-stream`` (the
``content_type_overrides`` of generator-config.yaml) so that it parses the operation at all; the
templates take the real media type from here. Anything the runtime cannot encode or decode stops
generation, naming the operation.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from tools import openapi_document

JSON = "application/json"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class Part:
    name: str
    media_type: str
    required: bool


@dataclass(frozen=True)
class RequestBody:
    media_type: str
    # "json" (encoded as JSON), "multipart" (one part per property), "text" (a str sent as UTF-8).
    kind: str
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Header:
    name: str  # as the description spells it ("Location")
    field: str  # the result's attribute ("location")
    required: bool


@dataclass(frozen=True)
class Answer:
    status: int
    media_type: str | None  # None: no body
    kind: str  # "json", "text" or "none"
    # The result's attribute for a text body: the media type's subtype ("sdp" for application/sdp).
    body_field: str
    headers: tuple[Header, ...]
    # (attribute, collection path): the id a 201 names in Location, when other operations take it as
    # the path parameter right after this operation's path (`/realtime/calls` -> `{call_id}`).
    created_id: tuple[str, str] | None


@dataclass(frozen=True)
class Deprecation:
    # The operationId to call instead, the class of its JSON body (the component's name) and the
    # equivalent request there as plain data; None when the description names no replacement, or
    # names one it lacks (an older release).
    replaced_by: str | None = None
    request_class: str | None = None
    request: Any = None


@dataclass(frozen=True)
class Wire:
    bodies: tuple[RequestBody, ...]
    answer: Answer
    deprecation: Deprecation | None

    @property
    def has_result_class(self) -> bool:
        """A text answer with headers comes back as one object holding the text and the headers."""
        return self.answer.kind == "text" and bool(self.answer.headers)


def _media_kind(media_type: str) -> str:
    if media_type == JSON or media_type.endswith("+json"):
        return "json"
    if media_type == MULTIPART:
        return "multipart"
    return "other"


def _is_text_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "string" and schema.get("format") != "binary"


def _default_part_type(schema: Any) -> str | None:
    """The part media type OpenAPI 3.1 implies when `encoding` names none (None: not encodable here)."""
    if _is_text_schema(schema):
        return "text/plain"
    if isinstance(schema, dict) and (
        schema.get("type") in ("object", "array", "integer", "number", "boolean")
        or any(key in schema for key in ("allOf", "anyOf", "oneOf", "properties"))
    ):
        return JSON
    return None


def _identifier(text: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()
    if not name or name[0].isdigit():
        name = f"value_{name}"
    return name


class Wires:
    """Template global ``wire(endpoint)``."""

    def __init__(self, spec: Path, unsupported: Callable[[object, str], NoReturn]) -> None:
        self._document = openapi_document.load(spec)
        self._unsupported = unsupported

    def __call__(self, endpoint: Any) -> Wire:
        path = endpoint.path.get_untrusted_value()
        operation = self._document["paths"][path][endpoint.method]
        bodies = tuple(
            self._body(endpoint, operation, body.content_type.get_untrusted_value()) for body in endpoint.bodies
        )
        return Wire(bodies, self._answer(endpoint, path, operation), self._deprecation(endpoint, operation))

    def _resolve(self, node: Any) -> Any:
        return openapi_document.resolve(self._document, node)

    def _body(self, endpoint: Any, operation: dict[str, Any], media_type: str) -> RequestBody:
        content = self._resolve(operation.get("requestBody", {})).get("content", {})
        media = content.get(media_type, {})
        schema = self._resolve(media.get("schema", {}))
        kind = _media_kind(media_type)
        if kind == "json":
            return RequestBody(media_type, "json")
        if kind == "multipart":
            encoding = media.get("encoding") or {}
            required = set(schema.get("required") or [])
            parts = []
            for name, part_schema in (schema.get("properties") or {}).items():
                declared = (encoding.get(name) or {}).get("contentType")
                part_type = declared or _default_part_type(self._resolve(part_schema))
                if part_type is None or "," in part_type or "*" in part_type:
                    self._unsupported(endpoint, f"the multipart part {name!r} has no single media type to encode it as")
                parts.append(Part(name, part_type, name in required))
            if not parts:
                self._unsupported(endpoint, "its multipart body has no properties to send as parts")
            return RequestBody(media_type, "multipart", tuple(parts))
        if _is_text_schema(schema):
            return RequestBody(media_type, "text")
        self._unsupported(endpoint, f"a {media_type} body that is not text is not rendered by templates/")

    def _answer(self, endpoint: Any, path: str, operation: dict[str, Any]) -> Answer:
        status, response = next(
            (int(code), self._resolve(answer))
            for code, answer in operation.get("responses", {}).items()
            if str(code).isdigit() and 200 <= int(code) <= 299
        )
        content = response.get("content") or {}
        media_type: str | None = next(iter(content), None)
        if media_type is None:
            kind = "none"
        elif _media_kind(media_type) == "json":
            kind = "json"
        elif _is_text_schema(self._resolve(content[media_type].get("schema", {}))):
            kind = "text"
        else:
            self._unsupported(endpoint, f"a {media_type} answer that is not text is not rendered by templates/")
        headers = []
        for name, header in (response.get("headers") or {}).items():
            header = self._resolve(header)
            if not _is_text_schema(self._resolve(header.get("schema", {}))):
                self._unsupported(endpoint, f"its answer's header {name} is not a string")
            headers.append(Header(name, _identifier(name), bool(header.get("required"))))
        created_id = None
        if status == 201 and any(h.name.lower() == "location" for h in headers):
            prefix = path.rstrip("/") + "/{"
            names = {p[len(prefix) :].split("}", 1)[0] for p in self._document["paths"] if p.startswith(prefix)}
            if len(names) == 1:
                created_id = (_identifier(names.pop()), path.rstrip("/"))
        subtype = media_type.split("/", 1)[-1].split(";", 1)[0] if media_type else ""
        body_field = "text" if not media_type or media_type.startswith("text/") else _identifier(subtype)
        if kind != "json" and headers and body_field in {h.field for h in headers}:
            self._unsupported(endpoint, f"its answer's body and a header would both be the field {body_field}")
        return Answer(status, media_type, kind, body_field, tuple(headers), created_id)

    def _deprecation(self, endpoint: Any, operation: dict[str, Any]) -> Deprecation | None:
        if not operation.get("deprecated"):
            return None
        replaced = operation.get("x-replaced-by")
        if not isinstance(replaced, dict) or not isinstance(replaced.get("operationId"), str):
            return Deprecation()
        target = next(
            (
                op
                for item in self._document["paths"].values()
                for op in item.values()
                if isinstance(op, dict) and op.get("operationId") == replaced["operationId"]
            ),
            None,
        )
        if target is None:
            return Deprecation()
        schema = self._resolve(target.get("requestBody", {})).get("content", {}).get(JSON, {}).get("schema", {})
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if not isinstance(ref, str):
            self._unsupported(endpoint, "the operation replacing it has no JSON body that is a component")
        return Deprecation(replaced["operationId"], ref.rsplit("/", 1)[-1], replaced.get("request"))
