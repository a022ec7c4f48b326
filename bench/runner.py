"""The client side of the benchmark: one measurement per process, printed as one JSON line.

Run as a script (``python -P bench/runner.py MODE ...``) by ``python -m bench``, under the
project's interpreter for the floor and this client, and under the vendor SDK's own environment
for the SDK. It imports nothing but the standard library until it builds the clients it was asked
for, so the same file serves both environments. Modes:

- ``seq``: the per-call cost of sequential calls. Each client named makes ``--warmup`` calls, then
  ``--rounds`` rounds of ``--calls`` calls, the clients taking turns round by round (in a rotating
  order) so that drift on the machine hits them alike. Per round: CPU time of this process
  (``time.process_time``) and wall time, per call.
- ``threads``: ``--threads`` threads share one client and make ``--calls`` calls each, started
  together; calls per second over the wall time, per round.
- ``rss``: ``--calls`` calls, then the process's peak resident set size.
- ``tls``: over HTTPS with a fresh client trusting ``--ca-certs``, ``--warmup`` calls, then
  ``--calls`` timed calls; per-call wall and CPU time of those (the server counts the connections
  of them all).
- ``burst``: an async client, as it comes, gets ``--calls`` calls started at once, ``--rounds``
  times after a first burst; per burst: the calls that failed (the first failure is kept), calls
  that succeeded per second over its wall time, each call's latency
  from the burst's start (queueing included), CPU time per call, and the connections the server
  accepted during it (``GET /__accepted`` before and after); then the process's peak RSS, and
  the warnings and log records of level WARNING seen throughout.

Every client calls the GA operation ``POST /realtime/client_secrets``. Clients: ``floor`` (a
urllib3 ``PoolManager`` posting pre-serialized bytes, reply not parsed), ``ours``
(``RealtimeApi.create_realtime_client_secret``), ``ours_info``
(``create_realtime_client_secret_with_http_info``), ``vendor`` (the vendor SDK's
``client.realtime.client_secrets.create``). Async clients for ``burst``: ``ours_async``
(``AsyncRealtimeApi(ApiClient())``), ``vendor_async`` (``AsyncOpenAI``, httpx underneath),
``vendor_aiohttp`` (``AsyncOpenAI(http_client=DefaultAioHttpClient())``), ``aiohttp_floor`` (an
``aiohttp.ClientSession`` without a connection limit posting pre-serialized bytes, reply not
parsed: a floor for async Python), ``ours_aiohttp`` (a prototype: this client's models and checks
over that session, for the question whether an aiohttp transport would be worth having). Every
call is checked to have succeeded.
"""

import argparse
import asyncio
import gc
import http.client
import json
import logging
import os
import resource
import statistics
import sys
import threading
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

# A placeholder, not a key: the benchmark server accepts anything.
API_KEY = "sk-bench-placeholder-0000000000000000"
# The operation every client calls: the GA way to mint a client secret.
OPERATION_PATH = "/realtime/client_secrets"

Call = Callable[[], None]
AsyncCall = Callable[[], Awaitable[None]]
Close = Callable[[], Awaitable[None]]


def _floor(base_url: str, body: dict[str, Any], ca_certs: str | None) -> Call:
    import urllib3

    manager = urllib3.PoolManager(maxsize=16, ca_certs=ca_certs)
    url = base_url + OPERATION_PATH
    raw = json.dumps(body, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": "bench-floor/1",
        "Authorization": f"Bearer {API_KEY}",
    }

    def call() -> None:
        response = manager.request("POST", url, body=raw, headers=headers)
        if response.status != 200 or not response.data:
            raise RuntimeError(f"floor: HTTP {response.status}")

    return call


def _ours(base_url: str, body: dict[str, Any], ca_certs: str | None, *, http_info: bool) -> Call:
    from openai_realtime_client import ApiClient, RealtimeApi
    from openai_realtime_client.models import RealtimeCreateClientSecretRequest

    client = ApiClient(api_key=API_KEY, base_url=base_url, ca_certs=ca_certs)  # validation on: the default
    if not client.client_side_validation:
        raise RuntimeError("client-side validation is off")
    api = RealtimeApi(client)
    request = RealtimeCreateClientSecretRequest.from_dict(body)

    if http_info:

        def call_info() -> None:
            if not api.create_realtime_client_secret_with_http_info(request).data.value:
                raise RuntimeError("ours_info: no client secret")

        return call_info

    def call() -> None:
        if not api.create_realtime_client_secret(request).value:
            raise RuntimeError("ours: no client secret")

    return call


def _vendor(base_url: str, body: dict[str, Any], ca_certs: str | None) -> Call:
    if ca_certs is not None:
        raise RuntimeError("the vendor SDK is not measured over TLS")
    import openai

    client = openai.OpenAI(api_key=API_KEY, base_url=base_url)
    client_secrets = client.realtime.client_secrets

    def call() -> None:
        if not client_secrets.create(**body).value:
            raise RuntimeError("vendor: no client secret")

    return call


def build(name: str, base_url: str, body: dict[str, Any], ca_certs: str | None = None) -> Call:
    """A function making one call with the named client, set up and ready."""
    if name == "floor":
        return _floor(base_url, body, ca_certs)
    if name in ("ours", "ours_info"):
        return _ours(base_url, body, ca_certs, http_info=name == "ours_info")
    if name == "vendor":
        return _vendor(base_url, body, ca_certs)
    raise ValueError(f"unknown client {name!r}")


async def _async_client(name: str, base_url: str, body: dict[str, Any]) -> tuple[AsyncCall, Close]:
    """A coroutine function making one call with the named async client, and how to close it.
    Built inside the running loop: aiohttp's session needs one."""
    if name == "ours_async":
        from openai_realtime_client import ApiClient, AsyncRealtimeApi
        from openai_realtime_client.models import RealtimeCreateClientSecretRequest

        client = ApiClient(api_key=API_KEY, base_url=base_url)
        api = AsyncRealtimeApi(client)
        request = RealtimeCreateClientSecretRequest.from_dict(body)

        async def ours() -> None:
            if not (await api.create_realtime_client_secret(request)).value:
                raise RuntimeError("ours_async: no client secret")

        async def close_ours() -> None:
            api.close()
            client.close()

        return ours, close_ours
    if name in ("vendor_async", "vendor_aiohttp"):
        import openai

        http_client = openai.DefaultAioHttpClient() if name == "vendor_aiohttp" else None
        vendor = openai.AsyncOpenAI(api_key=API_KEY, base_url=base_url, http_client=http_client)
        client_secrets = vendor.realtime.client_secrets

        async def theirs() -> None:
            if not (await client_secrets.create(**body)).value:
                raise RuntimeError(f"{name}: no client secret")

        return theirs, vendor.close
    if name == "ours_aiohttp":
        return _ours_over_aiohttp(base_url, body)
    if name == "aiohttp_floor":
        import aiohttp

        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        url = base_url + OPERATION_PATH
        raw = json.dumps(body, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"}

        async def floor() -> None:
            async with session.post(url, data=raw, headers=headers) as response:
                if response.status != 200 or not await response.read():
                    raise RuntimeError(f"aiohttp_floor: HTTP {response.status}")

        return floor, session.close
    raise ValueError(f"unknown async client {name!r}")


def _ours_over_aiohttp(base_url: str, body: dict[str, Any]) -> tuple[AsyncCall, Close]:
    """A prototype, not a transport: what this client does per call (the request model to JSON,
    checked against the description; the answer parsed into the response model) over an aiohttp
    session, with no retries, error mapping or timeouts. What an event-loop transport would cost
    at best."""
    import aiohttp
    from openai_realtime_client.api.realtime import create_realtime_client_secret as operation
    from openai_realtime_client.models import RealtimeCreateClientSecretRequest

    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    url = base_url + OPERATION_PATH
    request = RealtimeCreateClientSecretRequest.from_dict(body)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"}

    async def call() -> None:
        raw, _ = operation._encode_body(request, "application/json", True)
        async with session.post(url, data=raw, headers=headers) as response:
            answer = await response.read()
        if response.status != 200 or not operation._parse_response(json.loads(answer)).value:
            raise RuntimeError(f"ours_aiohttp: HTTP {response.status}")

    return call, session.close


def _accepted(base_url: str) -> int:
    """Connections the benchmark server has accepted so far (its own GET /__accepted aside)."""
    where = urlsplit(base_url)
    connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=10)
    try:
        connection.request("GET", "/__accepted")
        return int(connection.getresponse().read())
    finally:
        connection.close()


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(f"{record.name}: {record.getMessage()}")


async def _bursts(name: str, base_url: str, body: dict[str, Any], *, calls: int, rounds: int) -> dict[str, Any]:
    call, close = await _async_client(name, base_url, body)

    async def timed(started: float) -> float:
        await call()
        return time.perf_counter() - started

    measured: list[dict[str, Any]] = []
    for _ in range(rounds + 1):  # the first burst opens the connections; the others are timed
        before = _accepted(base_url)
        gc.collect()
        cpu, started = time.process_time(), time.perf_counter()
        outcomes = await asyncio.gather(*(timed(started) for _ in range(calls)), return_exceptions=True)
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        # A client that gives up on some calls of a burst (its timeouts) is reported, not excused:
        # its throughput counts the calls that succeeded.
        failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        latencies = sorted(outcome for outcome in outcomes if isinstance(outcome, float))
        if not latencies:
            raise RuntimeError(f"{name}: all {calls} calls failed: {failures[0]!r}") from failures[0]
        measured.append({
            "failed": len(failures),
            "failure": repr(failures[0])[:200] if failures else None,
            "calls_per_s": len(latencies) / wall,
            "cpu_us_per_call": used / calls * 1e6,
            "p50_s": latencies[len(latencies) // 2],
            "p99_s": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "connections": _accepted(base_url) - before,
        })  # fmt: skip
    await close()
    first, timed_rounds = measured[0], measured[1:]
    middle = sorted(timed_rounds, key=lambda r: r["calls_per_s"])[len(timed_rounds) // 2]
    return {
        "calls": calls,
        "rounds": rounds,
        "calls_per_s": middle["calls_per_s"],
        "p50_s": middle["p50_s"],
        "p99_s": middle["p99_s"],
        "cpu_us_per_call": statistics.median(r["cpu_us_per_call"] for r in timed_rounds),
        "first_burst_connections": first["connections"],
        "later_connections": [r["connections"] for r in timed_rounds],
        "failed": [r["failed"] for r in measured],  # the first burst's, then each timed one's
        "failure": next((r["failure"] for r in measured if r["failure"]), None),
        "calls_per_s_rounds": [round(r["calls_per_s"], 1) for r in timed_rounds],
    }


def burst(name: str, base_url: str, body: dict[str, Any], *, calls: int, rounds: int) -> dict[str, Any]:
    """``rounds`` timed bursts of ``calls`` concurrent calls after a first one, in a fresh loop."""
    handler = _Warnings()
    logging.getLogger().addHandler(handler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = asyncio.run(_bursts(name, base_url, body, calls=calls, rounds=rounds))
    logging.getLogger().removeHandler(handler)
    seen = handler.seen + [f"{w.category.__name__}: {w.message}" for w in caught]
    return {
        **result,
        # Linux reports ru_maxrss in KiB.
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "warnings": len(seen),
        "warnings_first": seen[:3],
    }


def _timed(call: Call, calls: int) -> tuple[float, float]:
    """(CPU µs, wall µs) per call over ``calls`` calls."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        call()
    return (time.process_time() - cpu) / calls * 1e6, (time.perf_counter() - wall) / calls * 1e6


def sequential(clients: dict[str, Call], *, warmup: int, calls: int, rounds: int) -> dict[str, Any]:
    for call in clients.values():
        _timed(call, warmup)
    order = list(clients)
    per_round: dict[str, list[tuple[float, float]]] = {name: [] for name in clients}
    for _ in range(rounds):
        order = order[1:] + order[:1]
        for name in order:
            gc.collect()
            per_round[name].append(_timed(clients[name], calls))
    return {
        name: {
            "cpu_us": statistics.median(cpu for cpu, _ in measured),
            "wall_us": statistics.median(wall for _, wall in measured),
            "cpu_rounds_us": [round(cpu, 2) for cpu, _ in measured],
            "wall_rounds_us": [round(wall, 2) for _, wall in measured],
        }
        for name, measured in per_round.items()
    }


def threaded(call: Call, *, threads: int, calls: int, rounds: int) -> dict[str, Any]:
    failures: list[BaseException] = []

    def worker(start: threading.Barrier, count: int) -> None:
        try:
            start.wait()
            for _ in range(count):
                call()
        except BaseException as err:
            failures.append(err)

    def run(count: int) -> tuple[float, float]:
        start = threading.Barrier(threads + 1)
        workers = [threading.Thread(target=worker, args=(start, count)) for _ in range(threads)]
        for thread in workers:
            thread.start()
        start.wait()
        cpu, wall = time.process_time(), time.perf_counter()
        for thread in workers:
            thread.join()
        elapsed, used = time.perf_counter() - wall, time.process_time() - cpu
        if failures:
            raise RuntimeError(f"a thread failed: {failures[0]!r}") from failures[0]
        return elapsed, used

    run(max(1, calls // 10))  # every thread opens its connection before the clock starts
    measured = [run(calls) for _ in range(rounds)]
    total = threads * calls
    rates = [total / elapsed for elapsed, _ in measured]
    return {
        "threads": threads,
        "calls": total,
        "calls_per_s": statistics.median(rates),
        "cpu_us_per_call": statistics.median(used / total * 1e6 for _, used in measured),
        "calls_per_s_rounds": [round(rate, 1) for rate in rates],
    }


def peak_rss(call: Call, *, calls: int) -> dict[str, Any]:
    for _ in range(calls):
        call()
    # Linux reports ru_maxrss in KiB.
    return {"calls": calls, "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/runner.py", description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["seq", "threads", "rss", "tls", "burst"])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--body", required=True, help="file holding the request body as JSON")
    parser.add_argument("--clients", required=True, help="comma-separated: floor, ours, ours_info, vendor")
    parser.add_argument("--calls", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--ca-certs")
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    args = parser.parse_args(argv)
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    with open(args.body, encoding="utf-8") as handle:
        body = json.load(handle)
    names = args.clients.split(",")
    result: dict[str, Any]
    if args.mode == "burst":
        (name,) = names
        print(json.dumps(burst(name, args.base_url, body, calls=args.calls, rounds=args.rounds)))
        return 0
    clients = {name: build(name, args.base_url, body, args.ca_certs) for name in names}
    if args.mode == "seq":
        result = sequential(clients, warmup=args.warmup, calls=args.calls, rounds=args.rounds)
    elif args.mode == "threads":
        (call,) = clients.values()
        result = threaded(call, threads=args.threads, calls=args.calls, rounds=args.rounds)
    elif args.mode == "rss":
        (call,) = clients.values()
        result = peak_rss(call, calls=args.calls)
    else:
        (call,) = clients.values()
        _timed(call, args.warmup)  # on the connection the timed calls go on using
        cpu, wall = _timed(call, args.calls)
        result = {"calls": args.calls, "cpu_us": cpu, "wall_us": wall}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
