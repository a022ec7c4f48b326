"""A WSGI app served on 127.0.0.1 from a background thread: the lifecycle the mock server and the
token-server example share."""

import threading
from collections.abc import Callable
from typing import Any, Self

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class LocalWSGIServer:
    """Serves ``app`` on 127.0.0.1 (a free port unless one is given); start() it, or use it as a
    context manager."""

    def __init__(self, app: Callable[..., Any], *, port: int = 0, name: str, handler: type[WSGIRequestHandler]) -> None:
        self._wsgi_app = app
        self._port = port
        self._name = name
        self._handler = handler
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port it listens on; RuntimeError when it is not running."""
        if self._server is None:
            raise RuntimeError(f"the {self._name} is not running")
        return int(self._server.server_port)

    def start(self) -> Self:
        server = make_server("127.0.0.1", self._port, self._wsgi_app, threaded=True, request_handler=self._handler)
        # A short poll so stop() returns promptly (the default half second adds up over a test run).
        self._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.05), name=self._name, daemon=True
        )
        self._server = server
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
