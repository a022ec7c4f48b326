"""The token-server example's app served from a background thread, as the tests start it (the
example itself serves in the foreground and needs nothing from tools/)."""

from examples.token_server.app import RequestLogHandler, TokenApp
from tools.servers.local_server import LocalWSGIServer


class TokenServer(LocalWSGIServer):
    """A ``TokenApp`` on 127.0.0.1; a context manager."""

    def __init__(self, app: TokenApp, *, port: int = 0) -> None:
        super().__init__(app, port=port, name="token server", handler=RequestLogHandler)

    @property
    def url(self) -> str:
        """The page's address, e.g. ``http://127.0.0.1:8000/``."""
        return f"http://127.0.0.1:{self.port}/"
