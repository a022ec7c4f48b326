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

Clients: ``floor`` (a urllib3 ``PoolManager`` posting pre-serialized bytes, reply not parsed),
``ours`` (``RealtimeApi.create_realtime_session``), ``ours_info``
(``create_realtime_session_with_http_info``), ``vendor`` (the vendor SDK's
``client.beta.realtime.sessions.create``). Every call is checked to have succeeded.
"""

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

# A placeholder, not a key: the benchmark server accepts anything.
API_KEY = "sk-bench-placeholder-0000000000000000"
SESSIONS_PATH = "/realtime/sessions"

Call = Callable[[], None]


def _floor(base_url: str, body: dict[str, Any], ca_certs: str | None) -> Call:
    import urllib3

    manager = urllib3.PoolManager(maxsize=16, ca_certs=ca_certs)
    url = base_url + SESSIONS_PATH
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
    from openai_realtime_client.models import RealtimeSessionCreateRequest

    client = ApiClient(api_key=API_KEY, base_url=base_url, ca_certs=ca_certs)  # validation on: the default
    if not client.client_side_validation:
        raise RuntimeError("client-side validation is off")
    api = RealtimeApi(client)
    request = RealtimeSessionCreateRequest.from_dict(body)

    if http_info:

        def call_info() -> None:
            if not api.create_realtime_session_with_http_info(request).data.client_secret.value:
                raise RuntimeError("ours_info: no client secret")

        return call_info

    def call() -> None:
        if not api.create_realtime_session(request).client_secret.value:
            raise RuntimeError("ours: no client secret")

    return call


def _vendor(base_url: str, body: dict[str, Any], ca_certs: str | None) -> Call:
    if ca_certs is not None:
        raise RuntimeError("the vendor SDK is not measured over TLS")
    import openai

    client = openai.OpenAI(api_key=API_KEY, base_url=base_url)
    sessions = client.beta.realtime.sessions

    def call() -> None:
        if not sessions.create(**body).client_secret.value:
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
    parser.add_argument("mode", choices=["seq", "threads", "rss", "tls"])
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
    clients = {name: build(name, args.base_url, body, args.ca_certs) for name in names}
    result: dict[str, Any]
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
