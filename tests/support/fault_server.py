"""A raw-socket server on 127.0.0.1 that answers each request with exactly the bytes a test scripts.

In the manner of urllib3's socket-level tests: every request received runs the next action, and an
action writes whatever it likes to the socket (a clean response, half a body, nothing at all).
"""

import contextlib
import socket
import struct
import threading
from collections.abc import Callable
from typing import Self

# Given the connection and the server's stop signal; returns whether the connection may serve another request.
Action = Callable[[socket.socket, threading.Event], bool]


def reply(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Action:
    """A well-formed response with a matching Content-Length; the connection stays open."""

    def action(conn: socket.socket, stopping: threading.Event) -> bool:
        lines = [f"HTTP/1.1 {status} Scripted", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        return True

    return action


def raw(data: bytes) -> Action:
    """Exactly these bytes, then the connection is closed."""

    def action(conn: socket.socket, stopping: threading.Event) -> bool:
        conn.sendall(data)
        return False

    return action


def stall(seconds: float, before: bytes = b"") -> Action:
    """Optionally some bytes, then silence for a while, then close."""

    def action(conn: socket.socket, stopping: threading.Event) -> bool:
        conn.sendall(before)
        stopping.wait(seconds)
        return False

    return action


def reset(before: bytes = b"") -> Action:
    """Optionally some bytes, then a TCP reset instead of an orderly close."""

    def action(conn: socket.socket, stopping: threading.Event) -> bool:
        conn.sendall(before)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return False

    return action


class FaultServer:
    """Runs the scripted actions, one per request received, in order."""

    def __init__(self, *actions: Action) -> None:
        self._actions = list(actions)
        self._lock = threading.Lock()
        self.requests: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._connections: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/v1"

    @property
    def attempts(self) -> int:
        with self._lock:
            return len(self.requests)

    def __enter__(self) -> Self:
        self._listener.settimeout(0.1)
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        with self._lock:
            for conn in self._connections:
                # shutdown, unlike close, wakes a handler blocked in recv() waiting for a next request.
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=10)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            with self._lock:
                self._connections.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            keep_open = True
            while keep_open and not self._stopping.is_set():
                request = _read_request(conn)
                if request is None:
                    return
                with self._lock:
                    index = len(self.requests)
                    self.requests.append(request)
                if index >= len(self._actions):
                    reply(599, b"fault server: no action scripted for this request")(conn, self._stopping)
                    return
                keep_open = self._actions[index](conn, self._stopping)


def _read_request(conn: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = conn.recv(65536)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def request_body(request: bytes) -> bytes:
    return request.partition(b"\r\n\r\n")[2]
