"""A keep-alive HTTP server that counts the connections it accepts, in its own process.

``python -m tests.support.keep_alive_server BODY_FILE [--tls CERT KEY] [--cpus 1] [--delay 0.2]``
answers ``POST /v1/realtime/sessions`` (and ``POST /v1/realtime/client_secrets``) with the JSON in
BODY_FILE, always the same pre-built 200 response, ``--delay`` seconds after the request arrived
(an upstream that takes its time, without blocking the other connections), keeps connections
alive, and counts the connections it accepts, so a test (or the benchmark, which also wants it
fast) can tell whether a client reused its connection: the mock server cannot, as every client
socket it sees may be a new one. ``GET /__accepted`` answers that count as the body and closes
(its own connection is not counted), so a client process can read it between bursts. Anything
else gets a 404. It listens on 127.0.0.1 only, optionally over TLS (``throwaway_authority`` makes
the files), and pins itself to the CPUs it is given.

It prints its port on the first line of stdout, then answers each line read from stdin:
``count`` with the number of connections accepted so far, ``reset`` by setting it to 0 (and
printing 0). It exits when stdin closes. ``KeepAliveServer`` runs it as a context manager.
Standard library only, but for ``throwaway_authority`` (trustme).
"""

import argparse
import asyncio
import os
import ssl
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Self

HOST = "127.0.0.1"
MODULE = "tests.support.keep_alive_server"
ANSWERED_PATHS = frozenset({b"/v1/realtime/sessions", b"/v1/realtime/client_secrets"})
COUNT_PATH = b"/__accepted"
# A request head larger than this is refused: no client under test sends one.
MAX_HEAD = 64 * 1024
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class TlsFiles:
    """The server's certificate chain and private key, as PEM files."""

    cert_chain: Path
    private_key: Path


@dataclass(frozen=True)
class Authority:
    """A throwaway CA's certificate, and the files of a server certificate for 127.0.0.1 it signed."""

    ca_cert: Path
    server: TlsFiles


def throwaway_authority(scratch: Path) -> Authority:
    """A new CA and a certificate it issued for 127.0.0.1, written as PEM files under ``scratch``."""
    import trustme

    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1")
    result = Authority(scratch / "ca.pem", TlsFiles(scratch / "server-chain.pem", scratch / "server-key.pem"))
    authority.cert_pem.write_to_path(str(result.ca_cert))
    for index, blob in enumerate(issued.cert_chain_pems):
        blob.write_to_path(str(result.server.cert_chain), append=index > 0)
    issued.private_key_pem.write_to_path(str(result.server.private_key))
    return result


def build_response(body: bytes, *, status: str = "200 OK", close: bool = False) -> bytes:
    """The complete bytes of an HTTP/1.1 answer carrying a JSON body, connection kept alive
    unless ``close``."""
    head = (
        f"HTTP/1.1 {status}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "x-request-id: req_keepalive_000000000000\r\n"
        f"Connection: {'close' if close else 'keep-alive'}\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


_NOT_FOUND = build_response(b'{"error":{"message":"not found","type":"invalid_request_error"}}', status="404 Not Found")


class _Counter:
    """Connections accepted; written by the event loop, read by the control thread."""

    def __init__(self) -> None:
        self.value = 0


class _Connection(asyncio.Protocol):
    """One client connection: parse request heads just enough to find the path and the body."""

    def __init__(self, answer: bytes, accepted: _Counter, delay: float) -> None:
        self._answer = answer
        self._accepted = accepted
        self._delay = delay
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._accepted.value += 1

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > MAX_HEAD:
                    self._close()
                return
            head = bytes(self._buffer[:end])
            length = _content_length(head)
            if length is None:
                self._close()
                return
            total = end + 4 + length
            if len(self._buffer) < total:
                return
            del self._buffer[:total]
            method, _, rest = head.partition(b" ")
            target = rest.partition(b" ")[0]
            assert self._transport is not None
            if method == b"GET" and target == COUNT_PATH:
                self._accepted.value -= 1  # this connection is the asker's, not a client's
                self._transport.write(build_response(str(self._accepted.value).encode(), close=True))
                self._close()
                return
            answer = self._answer if method == b"POST" and target in ANSWERED_PATHS else _NOT_FOUND
            if self._delay > 0:
                asyncio.get_running_loop().call_later(self._delay, self._write, answer)
            else:
                self._transport.write(answer)

    def _write(self, answer: bytes) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(answer)

    def _close(self) -> None:
        if self._transport is not None:
            self._transport.close()


def _content_length(head: bytes) -> int | None:
    """The request's Content-Length (0 when absent), or None for a head this server cannot serve."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        lowered = name.strip().lower()
        if lowered == b"content-length":
            try:
                return int(value.strip())
            except ValueError:
                return None
        if lowered == b"transfer-encoding":
            return None  # chunked uploads are not something the clients under test send
    return 0


def _control(accepted: _Counter, stdin: IO[str], stdout: IO[str], stop: "asyncio.Future[None]") -> None:
    """Answer ``count``/``reset`` lines until stdin closes, then stop the server."""
    for line in stdin:
        command = line.strip()
        if command == "reset":
            accepted.value = 0
        elif command != "count":
            print(f"keep_alive_server: unknown command {command!r}", file=sys.stderr)
        stdout.write(f"{accepted.value}\n")
        stdout.flush()

    def finish() -> None:
        if not stop.done():
            stop.set_result(None)

    stop.get_loop().call_soon_threadsafe(finish)


async def _serve(body: bytes, tls: TlsFiles | None, delay: float) -> None:
    context: ssl.SSLContext | None = None
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(tls.cert_chain, tls.private_key)
    accepted = _Counter()
    answer = build_response(body)
    loop = asyncio.get_running_loop()
    # A deep backlog: a burst connects a thousand sockets at once.
    server = await loop.create_server(lambda: _Connection(answer, accepted, delay), HOST, 0, ssl=context, backlog=4096)
    stop: asyncio.Future[None] = loop.create_future()
    sys.stdout.write(f"{server.sockets[0].getsockname()[1]}\n")
    sys.stdout.flush()
    threading.Thread(target=_control, args=(accepted, sys.stdin, sys.stdout, stop), daemon=True).start()
    async with server:
        await stop


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__.splitlines()[0])
    parser.add_argument("body", type=Path, help="file holding the JSON body of every 200 answer")
    parser.add_argument("--tls", nargs=2, type=Path, metavar=("CERT_CHAIN", "KEY"), help="serve HTTPS with these")
    parser.add_argument("--cpus", default="", help="comma-separated CPUs to pin the server to")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each answer")
    args = parser.parse_args(argv)
    if args.cpus:
        os.sched_setaffinity(0, {int(cpu) for cpu in args.cpus.split(",")})
    tls = TlsFiles(args.tls[0], args.tls[1]) if args.tls else None
    asyncio.run(_serve(args.body.read_bytes(), tls, args.delay))
    return 0


class KeepAliveServer:
    """The server as a child process: ``with KeepAliveServer(body_file) as server:`` then ``server.base_url``.

    ``accepted()`` is the number of connections accepted so far; ``reset()`` sets it back to 0.
    """

    def __init__(
        self, body_file: Path, *, tls: TlsFiles | None = None, cpus: Sequence[int] = (), delay: float = 0.0
    ) -> None:
        self.tls = tls
        self._command = [sys.executable, "-m", MODULE, str(body_file)]
        if tls is not None:
            self._command += ["--tls", str(tls.cert_chain), str(tls.private_key)]
        if cpus:
            self._command += ["--cpus", ",".join(str(cpu) for cpu in cpus)]
        if delay:
            self._command += ["--delay", str(delay)]
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    def __enter__(self) -> Self:
        repo = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")]))}
        self._process = subprocess.Popen(
            self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=repo
        )
        first = self._read_line(START_TIMEOUT)
        if not first.isdigit():
            self.__exit__(None, None, None)
            raise RuntimeError(f"the keep-alive server did not start: {first!r}")
        self.port = int(first)
        return self

    def __exit__(self, *exc_info: object) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        try:
            process.stdin.close()
            process.wait(10.0)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait(10.0)
        if process.stdout is not None:
            process.stdout.close()

    def _read_line(self, timeout: float) -> str:
        """The next line the server prints, or "" when none comes within ``timeout`` seconds."""
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        return lines[0].strip() if lines else ""

    def _ask(self, command: str) -> int:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        answer = self._read_line(10.0)
        if not answer.isdigit():
            raise RuntimeError(f"the keep-alive server did not answer {command!r}: {answer!r}")
        return int(answer)

    @property
    def base_url(self) -> str:
        """Where the API lives on this server, ``/v1`` included, as clients take it."""
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{HOST}:{self.port}/v1"

    def accepted(self) -> int:
        """Connections accepted since the start or the last ``reset()``."""
        return self._ask("count")

    def reset(self) -> None:
        self._ask("reset")


if __name__ == "__main__":
    sys.exit(main())
