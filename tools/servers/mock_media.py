"""What the mock server checks and answers beyond openapi-core, for bodies that are not JSON.

openapi-core validates a multipart body's fields against the schema, but decodes each part by the
media type the description's ``encoding`` names, whatever the part itself says, and it knows no
SDP. Here: each part must arrive with the media type its ``encoding`` names; an SDP body or part
must be a well-formed session description (RFC 8866: ``<letter>=<value>`` lines, ``v=0`` first,
``o=`` and ``s=`` present); a non-JSON 2xx answer is the description's example as text, with the
response headers the description declares (their examples), and an SDP answer to a request that
carried an SDP offer is built from that offer, so a browser accepts it as its remote description.
Like the rest of the mock: driven by the description, no code per operation.
"""

import re
import secrets
from collections.abc import Callable, Mapping
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from openapi_core.deserializing.media_types.util import plain_loads

from tools import openapi_document

JSON = "application/json"
SDP = "application/sdp"
MULTIPART = "multipart/form-data"
# Text media types openapi-core has no deserializer for: decoded as text, then validated.
EXTRA_DESERIALIZERS: dict[str, Callable[[bytes], Any]] = {SDP: plain_loads}

_SDP_LINE = re.compile(r"[a-z]=[^\r\n]*")


def sdp_problem(text: str) -> str | None:
    """What makes ``text`` not an SDP session description, or None."""
    lines = [line for line in re.split(r"\r?\n", text) if line]
    if not lines or lines[0] != "v=0":
        return "an SDP body must start with the line v=0"
    bad = next((line for line in lines if not _SDP_LINE.fullmatch(line)), None)
    if bad is not None:
        return f"an SDP line must be <letter>=<value>, got {bad[:40]!r}"
    kinds = {line[0] for line in lines}
    missing = [kind for kind in "os" if kind not in kinds]
    return f"an SDP body needs the {' and '.join(k + '=' for k in missing)} line" if missing else None


def _media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def _parts(content_type: str, body: bytes) -> list[tuple[str, str, bytes]]:
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        parts.append((str(name), part.get_content_type(), payload if isinstance(payload, bytes) else b""))
    return parts


def _part_media_type(schema: Any) -> str:
    """The media type OpenAPI 3.1 implies for a part its `encoding` does not name."""
    if isinstance(schema, dict) and schema.get("type") == "string":
        return "application/octet-stream" if schema.get("format") == "binary" else "text/plain"
    return JSON


def request_problems(document: dict[str, Any], operation: dict[str, Any], content_type: str, body: bytes) -> list[str]:
    """What is wrong with a non-JSON body that openapi-core does not see."""
    media_type = _media_type(content_type)
    content = openapi_document.resolve(document, operation.get("requestBody", {})).get("content", {})
    if media_type == SDP and SDP in content:
        problem = sdp_problem(body.decode("utf-8", "replace"))
        return [f"body: {problem}"] if problem else []
    if media_type != MULTIPART or MULTIPART not in content:
        return []
    media = content[MULTIPART]
    schema = openapi_document.resolve(document, media.get("schema", {}))
    encoding = media.get("encoding") or {}
    problems = []
    for name, sent_type, payload in _parts(content_type, body):
        declared = (encoding.get(name) or {}).get("contentType")
        part_schema = openapi_document.resolve(document, schema.get("properties", {}).get(name))
        expected = declared or _part_media_type(part_schema)
        if sent_type != expected:
            problems.append(f"{name}: the part must be sent as {expected}, not {sent_type}")
        elif sent_type == SDP:
            problem = sdp_problem(payload.decode("utf-8", "replace"))
            if problem:
                problems.append(f"{name}: {problem}")
    return problems


def offered_sdp(content_type: str, body: bytes) -> str | None:
    """The SDP offer a request carried, bare or as a multipart part."""
    media_type = _media_type(content_type)
    if media_type == SDP:
        return body.decode("utf-8", "replace")
    if media_type == MULTIPART:
        return next((p.decode("utf-8", "replace") for _, kind, p in _parts(content_type, body) if kind == SDP), None)
    return None


def answer_sdp(offer: str) -> str:
    """An SDP answer to ``offer`` that a browser accepts as its remote description: the offer's media
    sections, accepted as offered, with fresh ICE credentials and the answerer's DTLS role.
    (Nothing listens on it: the call is never connected.)"""
    ufrag, password = secrets.token_hex(4), secrets.token_hex(12)
    lines = []
    for line in re.split(r"\r?\n", offer):
        if not line:
            continue
        if line.startswith("o="):
            line = f"o=- {secrets.randbelow(2**62)} 2 IN IP4 127.0.0.1"
        elif line.startswith("a=ice-ufrag:"):
            line = f"a=ice-ufrag:{ufrag}"
        elif line.startswith("a=ice-pwd:"):
            line = f"a=ice-pwd:{password}"
        elif line == "a=setup:actpass":
            line = "a=setup:active"
        elif line.startswith(("a=candidate:", "a=end-of-candidates", "a=ice-options:", "a=extmap-allow-mixed")):
            continue
        lines.append(line)
    return "\r\n".join(lines) + "\r\n"


def example_headers(document: dict[str, Any], response: Mapping[str, Any]) -> dict[str, str]:
    """The response headers the description declares, each with its example (or its schema's)."""
    headers = {}
    for name, header in (response.get("headers") or {}).items():
        header = openapi_document.resolve(document, header)
        schema = openapi_document.resolve(document, header.get("schema", {}))
        value = header.get("example", schema.get("example"))
        if value is not None:
            headers[name] = str(value)
    return headers


def text_answer(media: Mapping[str, Any], media_type: str, content_type: str, body: bytes) -> bytes:
    """A non-JSON 2xx body: an SDP answer built from the request's offer, else the example."""
    if media_type == SDP:
        offer = offered_sdp(content_type, body)
        if offer is not None and sdp_problem(offer) is None:
            return answer_sdp(offer).encode()
    example = media.get("example", "")
    return str(example).encode()
