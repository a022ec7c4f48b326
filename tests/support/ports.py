"""Ports on 127.0.0.1 for tests that need nothing to be listening."""

import socket


def closed_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago, so connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
