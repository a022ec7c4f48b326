"""The token server: serves one page, mints a client secret for a Realtime session for each
``POST /token`` (``create_realtime_client_secret``, the GA operation), and starts a WebRTC call for
each ``POST /call``: the page's SDP offer in, the answer out, through ``create_realtime_call`` (the
unified interface), so the browser never needs a credential for it.

The API key lives in the ``ApiClient`` on this side only. The browser receives the short-lived
client secret, its expiry and this server's clock (so the page can count down without trusting its
own clock), or, when minting fails, a message written here: the text of the upstream error is never
passed on, because the API's own messages can quote part of the key.
"""

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openai_realtime_client import (
    APIConnectionError,
    APIError,
    APIKeyMissingError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    PermissionDeniedError,
    RateLimitError,
    RealtimeApi,
    RequestValidationError,
)
from openai_realtime_client.models import (
    RealtimeCallCreateRequest,
    RealtimeCreateClientSecretRequest,
    RealtimeSessionCreateRequestGA,
    RealtimeSessionCreateRequestGAAudio,
    RealtimeSessionCreateRequestGAAudioOutput,
)
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"

# Request path -> (file under static/, content type). Nothing else is served from disk.
STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
}

# The page runs only its own script and talks only to this server. A page that goes on to open its
# Realtime connection must add the API's origin to connect-src.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

JSON_TYPE = "application/json"
SDP_TYPE = "application/sdp"
# A browser's offer is a few kilobytes; anything much larger is not one.
MAX_OFFER_BYTES = 64 * 1024


@dataclass(frozen=True)
class MintFailure:
    """What the browser is told when minting fails: only text written here, never the API's own."""

    http_status: int
    message: str
    upstream_status: int | None = None
    request_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "upstream_status": self.upstream_status,
                "request_id": self.request_id,
            }
        }


def _after(retries: int) -> str:
    if retries == 0:
        return ""
    return f", after {retries} {'retry' if retries == 1 else 'retries'}"


def describe_failure(error: APIError) -> MintFailure:
    """Map a client error to a status for the browser and a message that is safe to show it."""
    retries = _after(error.retries_taken)
    if isinstance(error, APIStatusError):
        status = error.status_code
        if isinstance(error, AuthenticationError):
            what = "The API refused this server's API key"
        elif isinstance(error, PermissionDeniedError):
            what = "This server's API key may not create Realtime sessions"
        elif isinstance(error, RateLimitError):
            what = "The API is limiting this server's requests; reload in a moment"
        elif status >= 500:
            what = "The API failed to mint a session"
        else:
            what = "The API rejected the session request"
        return MintFailure(502, f"{what} (HTTP {status}{retries}).", status, error.request_id)
    if isinstance(error, APITimeoutError):
        return MintFailure(504, f"The API did not answer in time{retries}.")
    if isinstance(error, APIConnectionError):
        return MintFailure(502, f"The token server could not reach the API{retries}.")
    if isinstance(error, APIResponseValidationError):
        message = f"The API's answer could not be read (HTTP {error.status_code})."
        return MintFailure(502, message, error.status_code, error.request_id)
    if isinstance(error, APIKeyMissingError):
        return MintFailure(500, "The token server has no API key configured.")
    if isinstance(error, RequestValidationError):
        return MintFailure(500, "The token server's session settings are invalid.")
    return MintFailure(500, "Minting a session failed.")


def realtime_session(model: str, voice: str) -> RealtimeSessionCreateRequestGA:
    """The session each minted secret opens; in the GA shape the voice is the audio output's."""
    output = RealtimeSessionCreateRequestGAAudioOutput(voice=voice)
    return RealtimeSessionCreateRequestGA(model=model, audio=RealtimeSessionCreateRequestGAAudio(output=output))


def _json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(payload), status=status, content_type=JSON_TYPE, headers=headers)
    response.headers["Cache-Control"] = "no-store"  # a token must not sit in any cache
    return response


class TokenApp:
    """The WSGI application: ``GET /`` (and its script and style sheet), ``POST /token``, ``POST /call``."""

    def __init__(
        self,
        api: RealtimeApi,
        session: RealtimeSessionCreateRequestGA,
        *,
        call_session: RealtimeSessionCreateRequestGA | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._api = api
        # The same request for every page load: the session each minted secret opens.
        self._secret_request = RealtimeCreateClientSecretRequest(session=session)
        # The session each call runs with; None leaves it to the service's defaults.
        self._call_session = call_session
        self._clock = clock
        self._files = {path: ((STATIC / name).read_bytes(), kind) for path, (name, kind) in STATIC_FILES.items()}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        response = self.dispatch(Request(environ))
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def dispatch(self, request: Request) -> Response:
        if request.path == "/token":
            if request.method != "POST":
                return _json_response({"error": {"message": "Use POST."}}, 405, {"Allow": "POST"})
            # A cross-site form cannot send this content type without a CORS preflight, which this
            # server never grants, so other sites cannot mint tokens through a visitor's browser.
            if request.mimetype != JSON_TYPE:
                return _json_response({"error": {"message": f"Send {JSON_TYPE}."}}, 415)
            return self.mint()
        if request.path == "/call":
            if request.method != "POST":
                return _json_response({"error": {"message": "Use POST."}}, 405, {"Allow": "POST"})
            # As for /token: a content type no cross-site form can send without a preflight.
            if request.mimetype != SDP_TYPE:
                return _json_response({"error": {"message": f"Send the offer as {SDP_TYPE}."}}, 415)
            if (request.content_length or 0) > MAX_OFFER_BYTES:
                return _json_response({"error": {"message": "The offer is too large."}}, 413)
            return self.call(request.get_data(cache=False)[:MAX_OFFER_BYTES])
        found = self._files.get(request.path)
        if found is None:
            return Response("not found\n", status=404, content_type="text/plain; charset=utf-8")
        if request.method not in ("GET", "HEAD"):
            return Response("use GET\n", status=405, headers={"Allow": "GET, HEAD"}, content_type="text/plain")
        body, kind = found
        response = Response(body, content_type=kind)
        response.headers["Cache-Control"] = "no-cache"
        return response

    def mint(self) -> Response:
        """Mint one client secret and answer with it and its expiry, or with a safe error."""
        try:
            info = self._api.create_realtime_client_secret_with_http_info(self._secret_request)
        except APIError as error:
            # Type, status, code and request id identify the failure for whoever runs the server;
            # the upstream message is left out of the log too, as it can quote part of the key.
            return self._failed("minting", error)
        secret = info.data
        # Read as JSON, whichever kind of session the answer says it opens (even one this client
        # does not know): only its id and model are passed on.
        session = secret.session.to_dict()
        now = self._clock()
        logger.info(
            "minted session %s, expires in %d s, request id %s",
            session.get("id"),
            secret.expires_at - now,
            info.request_id,
        )
        return _json_response(
            {
                "token": secret.value,
                "expires_at": secret.expires_at,
                "server_time": now,
                "session_id": session.get("id"),
                "model": session.get("model"),
                "request_id": info.request_id,
            }
        )

    def call(self, offer: bytes) -> Response:
        """Start one call from the page's SDP offer; answer with the SDP answer and the call id."""
        try:
            text = offer.decode()
        except UnicodeDecodeError:
            return _json_response({"error": {"message": "The offer is not UTF-8 text."}}, 400)
        body = RealtimeCallCreateRequest(sdp=text)
        if self._call_session is not None:
            body.session = self._call_session
        try:
            # Multipart, always: this server authenticates with an API key (see create_realtime_call).
            call = self._api.create_realtime_call(body)
        except RequestValidationError as error:
            if error.path == "sdp":
                return _json_response({"error": {"message": "The offer is not an SDP session description."}}, 400)
            return self._failed("starting a call", error)
        except APIError as error:
            return self._failed("starting a call", error)
        logger.info("started call %s", call.call_id)
        response = Response(call.sdp, status=201, content_type=SDP_TYPE)
        response.headers["X-Call-Id"] = call.call_id
        response.headers["Cache-Control"] = "no-store"
        return response

    def _failed(self, what: str, error: APIError) -> Response:
        failure = describe_failure(error)
        logger.warning(
            "%s failed: %s, upstream status %s, code %s, request id %s, %d retries",
            what,
            type(error).__name__,
            failure.upstream_status,
            getattr(error, "code", None),
            failure.request_id,
            error.retries_taken,
        )
        return _json_response(failure.to_json(), failure.http_status)


class RequestLogHandler(WSGIRequestHandler):
    """Request lines go to this module's logger rather than straight to stderr."""

    def log(self, type: str, message: str, *args: Any) -> None:
        level = logging.INFO if type == "info" else logging.WARNING
        logger.log(level, "%s %s", self.address_string(), message % args if args else message)
