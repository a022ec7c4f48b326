"""The SIP answering example's app served from a background thread, as the tests start it."""

from werkzeug.serving import WSGIRequestHandler

from examples.sip_answering.app import AnsweringService
from tools.servers.local_server import LocalWSGIServer


class SipAnsweringServer(LocalWSGIServer):
    """An ``AnsweringService`` on 127.0.0.1; a context manager."""

    def __init__(self, app: AnsweringService, *, port: int = 0) -> None:
        super().__init__(app, port=port, name="sip answering service", handler=WSGIRequestHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks"
