"""A mock of the API driven by openapi.yaml alone: ``make mock`` or the ``mock_server`` fixture.

Every request is checked against the description by openapi-core (path, method, bearer auth,
content type, body schema); a wrong one is answered 401/400/404/405 with the vendor's error body
naming what is wrong. A right one is answered from the operation's 2xx example (or a value
built from its schema) with what the request configured copied in where the answer has the same
field (tools/servers/echo.py), and that answer is itself validated against the description (the
plain example is sent when the echoed one does not fit). Tests can
queue scripted answers (status, headers, body, delay) and read back every request received.
There is no code per operation.
"""

import argparse
import itertools
import json
import os
import re
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.validation.request.exceptions import (
    InvalidRequestBody,
    MissingRequestBodyError,
    SecurityValidationError,
)
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from tools import command, openapi_document, paths
from tools.openapi_document import escape
from tools.servers import mock_media
from tools.servers.echo import Echo
from tools.servers.local_server import LocalWSGIServer

JSON = "application/json"


@dataclass(frozen=True)
class ScriptedResponse:
    """An answer a test queues instead of the spec's example; sent as is, never validated."""

    status: int = 200
    body: bytes | str | Mapping[str, Any] | list[Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def encoded_body(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass(frozen=True)
class ReceivedRequest:
    """A request as the mock received it, with what was wrong with it (empty when valid)."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    problems: tuple[str, ...]

    def header(self, name: str) -> str | None:
        """The first value of a header, matched case-insensitively."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class _Rejection:
    status: int
    message: str
    param: str | None
    code: str


def _error_body(message: str, *, type_: str, param: str | None, code: str | None) -> bytes:
    return json.dumps({"error": {"message": message, "type": type_, "param": param, "code": code}}).encode()


def _dotted(path: Iterable[Any]) -> str:
    """A jsonschema error path as the client names fields: ``a.b[0].c``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _rejection(error: Exception) -> _Rejection:
    """Turn an openapi-core finding into the status and error body the live API would send."""
    cause = error.__cause__
    if isinstance(error, SecurityValidationError):
        return _Rejection(401, "Missing bearer authentication in the Authorization header.", None, "missing_api_key")
    if isinstance(error, PathNotFound):
        return _Rejection(404, f"Unknown path: {error}", None, "unknown_url")
    if isinstance(error, OperationNotFound):
        return _Rejection(405, f"Method not allowed: {error}", None, "method_not_allowed")
    if isinstance(cause, MediaTypeNotFound):
        return _Rejection(
            400, f"Unsupported Content-Type {cause.mimetype!r}; send application/json.", None, "invalid_content_type"
        )
    if isinstance(error, MissingRequestBodyError):
        return _Rejection(400, "The request needs a JSON body.", None, "missing_body")
    schema_errors = list(getattr(cause, "schema_errors", ()))
    if isinstance(error, InvalidRequestBody) and schema_errors:
        parts = [f"{_dotted(e.absolute_path) or 'body'}: {e.message}" for e in schema_errors]
        first = _dotted(schema_errors[0].absolute_path) or None
        return _Rejection(400, "Invalid request body: " + "; ".join(parts), first, "invalid_value")
    return _Rejection(400, f"Invalid request: {error}", None, "invalid_request")


class _Spec:
    """The parts of openapi.yaml the mock needs: a validator and each operation's success answer."""

    def __init__(self, spec_path: Path) -> None:
        document = openapi_document.load(spec_path)
        self.document = document
        server_url = document.get("servers", [{"url": "/"}])[0]["url"]
        self.base_path = "/" + server_url.split("://", 1)[-1].partition("/")[2].strip("/")
        self.base_path = self.base_path.rstrip("/")
        # Match the servers' path on any host, so the mock validates on whatever port it got.
        served = dict(document, servers=[{"url": self.base_path or "/"}])
        self.validator = OpenAPI.from_dict(
            served, config=Config(extra_media_type_deserializers=mock_media.EXTRA_DESERIALIZERS)
        )
        self._echo = Echo(document)
        self._routes = [
            (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"), template)
            for template in document.get("paths", {})
        ]

    def template(self, path: str) -> str:
        relative = path.removeprefix(self.base_path) or "/"
        template: str = next(t for pattern, t in self._routes if pattern.match(relative))
        return template

    def operation(self, method: str, path: str) -> dict[str, Any]:
        operation: dict[str, Any] = self.document["paths"][self.template(path)][method.lower()]
        return operation

    def success_answer(
        self, method: str, path: str, request: Any = None, content_type: str = "", raw: bytes = b""
    ) -> tuple[int, list[bytes], str, dict[str, str]]:
        """The status of the operation's success answer, the bodies to try, best first (its example
        with the request echoed into it (tools/servers/echo.py), then the example as is), their
        media type and the headers the description declares (tools/servers/mock_media.py). A
        non-JSON answer is built from the request's content type and raw body (an SDP answer)."""
        template = self.template(path)
        responses = self.document["paths"][template][method.lower()]["responses"]
        status = min(int(code) for code in responses if code.isdigit() and 200 <= int(code) < 300)
        response, at = openapi_document.target(
            self.document, f"/paths/{escape(template)}/{method.lower()}/responses/{status}"
        )
        headers = mock_media.example_headers(self.document, response)
        content = response.get("content", {})
        media = content.get(JSON)
        if media is None and content:
            media_type, other = next(iter(content.items()))
            return status, [mock_media.text_answer(other, media_type, content_type, raw)], media_type, headers
        if media is None:
            return status, [b""], JSON, headers
        value, _ = openapi_document.example(self.document, media)
        echoed = (
            self._echo.answer(value, request, f"{at}/content/{escape(JSON)}/schema") if "schema" in media else value
        )
        bodies = [json.dumps(body).encode() for body in ([echoed, value] if echoed != value else [value])]
        return status, bodies, JSON, headers


class _QuietHandler(WSGIRequestHandler):
    # HTTP/1.1 so clients keep their connections alive, as they would with the real service.
    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class MockServer(LocalWSGIServer):
    """The spec-driven mock on 127.0.0.1; start() it, or use it as a context manager."""

    def __init__(self, spec_path: Path = paths.SPEC, *, port: int = 0) -> None:
        super().__init__(self._app, port=port, name="mock server", handler=_QuietHandler)
        self._spec = _Spec(spec_path)
        self._lock = threading.Lock()
        self._scripted: deque[ScriptedResponse] = deque()
        self._received: list[ReceivedRequest] = []
        self._request_ids = itertools.count(1)
        self.response_problems: list[str] = []

    @property
    def url(self) -> str:
        """The base URL to give the client, e.g. http://127.0.0.1:PORT/v1."""
        return f"http://127.0.0.1:{self.port}{self._spec.base_path}"

    def script(self, *responses: ScriptedResponse) -> None:
        """Queue answers for the next valid requests, in order; after them the spec answers again."""
        with self._lock:
            self._scripted.extend(responses)

    @property
    def received(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._received)

    def reset(self) -> None:
        """Forget received requests, queued answers and response problems."""
        with self._lock:
            self._scripted.clear()
            self._received.clear()
            self.response_problems.clear()

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._answer(request)
        return response(environ, start_response)

    def _answer(self, request: Request) -> Response:
        body = request.get_data(cache=True)
        openapi_request = WerkzeugOpenAPIRequest(request)
        errors = list(self._spec.validator.iter_request_errors(openapi_request))
        rejections = [_rejection(error) for error in errors]
        if not rejections:
            operation = self._spec.operation(request.method, request.path)
            found = mock_media.request_problems(self._spec.document, operation, request.content_type or "", body)
            if found:
                rejections.append(_Rejection(400, "Invalid request body: " + "; ".join(found), None, "invalid_value"))
        with self._lock:
            self._received.append(
                ReceivedRequest(
                    method=request.method,
                    path=request.path,
                    headers=tuple(request.headers.items()),
                    body=body,
                    problems=tuple(r.message for r in rejections),
                )
            )
            scripted = self._scripted.popleft() if self._scripted and not rejections else None
        headers = {"x-request-id": f"req_mock_{next(self._request_ids):06d}"}
        if rejections:
            first = min(rejections, key=lambda r: r.status != 401)  # missing auth is reported first
            error_type = "invalid_request_error" if first.status != 401 else "authentication_error"
            payload = _error_body(first.message, type_=error_type, param=first.param, code=first.code)
            return Response(payload, status=first.status, headers=headers, content_type=JSON)
        if scripted is not None:
            time.sleep(scripted.delay)
            response = Response(scripted.encoded_body(), status=scripted.status, headers=headers, content_type=JSON)
            for name, value in scripted.headers.items():
                response.headers[name] = value  # replaces a header of the same name, whatever its case
            return response
        status, bodies, media_type, answer_headers = self._spec.success_answer(
            request.method, request.path, _json_or_none(body), request.content_type or "", body
        )
        for payload in bodies:
            response = Response(payload, status=status, headers={**headers, **answer_headers}, content_type=media_type)
            problems = [
                str(e)
                for e in self._spec.validator.iter_response_errors(openapi_request, WerkzeugOpenAPIResponse(response))
            ]
            if not problems:
                return response
        with self._lock:
            self.response_problems.extend(problems)
        message = "mock server: the description's own answer does not fit its schema: " + "; ".join(problems)
        return Response(
            _error_body(message, type_="server_error", param=None, code=None), status=500, content_type=JSON
        )


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


# The key a command run beside the mock gets: the mock wants a bearer token, never a real one.
PLACEHOLDER_KEY = "sk-mock-placeholder-not-a-real-key"


def main(argv: list[str] | None = None) -> int:
    parser = command.Parser(prog="python -m tools.servers", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--spec", type=Path, default=paths.SPEC, help="the API description (default: openapi.yaml)")
    parser.add_argument(
        "command",
        nargs="*",
        help="after --: a command to run with OPENAI_BASE_URL and OPENAI_API_KEY pointing at the mock, which "
        "stops when it ends; when OPENAI_BASE_URL is set already, the command runs alone against that server",
    )
    return command.run("mock", parser, _run_command, argv, unusable=(OSError,))


def _run_command(args: argparse.Namespace) -> int:
    if args.command and os.environ.get("OPENAI_BASE_URL"):
        return subprocess.run(args.command, check=False).returncode
    with MockServer(args.spec, port=args.port) as server:
        print(f"mock server listening on {server.url}{'' if args.command else ' (Ctrl-C stops it)'}", flush=True)
        if args.command:
            env = {**os.environ, "OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": PLACEHOLDER_KEY}
            with subprocess.Popen(args.command, env=env) as child:
                try:
                    return child.wait()
                except KeyboardInterrupt:
                    return _stop_child(child)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return command.OK


def _stop_child(child: subprocess.Popen[bytes]) -> int:
    """After a Ctrl-C: the child got it too when it came from a terminal, so give it time to finish;
    pass it on when it did not (the signal was sent to this process alone)."""
    try:
        return child.wait(timeout=5)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGINT)
        return child.wait()
