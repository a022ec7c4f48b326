"""``make bench``: this client against the floor (raw urllib3) and the vendor's SDK, on this machine.

One run measures, against a fast local server in its own process (pinned to another CPU than
the clients when there are two): the per-call CPU and wall time of sequential calls, import time,
cold start, throughput of 8 threads sharing a client, peak RSS after many calls, connection reuse
over TLS, the wall time of ``make generate``, and bursts of concurrent async calls (100, 1,000 and
5,000 at once) against a server that answers after 200 ms, beside the vendor SDK's two async
transports (httpx, its default, and aiohttp) and raw aiohttp. It prints a table, each figure beside its ratio
to the floor of the same run and the issue's targets, and writes every figure as JSON
(``bench/results.json`` unless ``--output`` says otherwise) with the machine it ran on.

``--smoke`` runs every measurement with tiny counts and without the vendor SDK (``make test``
does, to check that the harness produces every figure); its figures mean nothing. ``--package``
measures another build of the package instead of generated/'s (an older commit's, for a before
and after).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import environment, measure, report
from bench.measure import Interpreter
from tests.support.keep_alive_server import KeepAliveServer, throwaway_authority
from tools import paths

DEFAULT_OUTPUT = paths.REPO / "bench" / "results.json"
DEFAULT_PACKAGE = paths.GENERATED / paths.PACKAGE_NAME
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Settings:
    """How many of everything: calls, rounds, processes."""

    warmup: int
    calls: int
    rounds: int
    import_runs: int
    threads: int
    thread_calls: int  # per thread and round
    thread_rounds: int
    rss_calls: int
    tls_warmup: int  # calls on the same connection before the timed ones
    tls_calls: int
    tls_rounds: int
    generate_runs: int
    burst_sizes: tuple[int, ...]  # calls started at once
    burst_rounds: tuple[int, ...]  # timed bursts per size, after a first one
    burst_delay: float  # seconds the server takes to answer


FULL = Settings(
    warmup=500, calls=2000, rounds=9, import_runs=15, threads=8, thread_calls=500, thread_rounds=3,
    rss_calls=10_000, tls_warmup=200, tls_calls=1000, tls_rounds=5, generate_runs=3,
    burst_sizes=(100, 1000, 5000), burst_rounds=(5, 3, 2), burst_delay=0.2,
)  # fmt: skip
SMOKE = Settings(
    warmup=5, calls=20, rounds=2, import_runs=2, threads=8, thread_calls=3, thread_rounds=1,
    rss_calls=50, tls_warmup=5, tls_calls=20, tls_rounds=1, generate_runs=1,
    burst_sizes=(5, 20), burst_rounds=(1, 1), burst_delay=0.05,
)  # fmt: skip
# The async clients of the burst: this client, then (in the vendor's environment, which has
# aiohttp) the SDK with each of its transports, raw aiohttp (a floor for async Python), and this
# client's models over aiohttp (a prototype: would an event-loop transport be worth having?).
VENDOR_BURST_CLIENTS = ("vendor_async", "vendor_aiohttp", "aiohttp_floor")
PROTOTYPE_CLIENT = "ours_aiohttp"


def _log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def _ratios(figure: dict[str, Any], floor: dict[str, Any]) -> dict[str, Any]:
    return {
        **figure,
        "cpu_x_floor": figure["cpu_us"] / floor["cpu_us"],
        "wall_x_floor": figure["wall_us"] / floor["wall_us"],
    }


def run(settings: Settings, *, smoke: bool, vendor: environment.Vendor, package: Path) -> dict[str, Any]:
    """Every measurement, in the order that keeps them from disturbing each other."""
    cpus = sorted(os.sched_getaffinity(0))
    client_cpu, server_cpu = (cpus[0], cpus[-1]) if len(cpus) >= 2 else (None, None)
    server_cpus = () if server_cpu is None else (server_cpu,)

    # Before this process is pinned; the load average says how busy the machine was.
    machine = {**environment.machine(), "openai": vendor.version, "load_average": os.getloadavg()}
    # First, with every CPU: the generator runs ruff, which uses as many as it gets.
    _log(f"timing make generate ({settings.generate_runs} run(s))")
    generate = measure.generate(settings.generate_runs)
    if client_cpu is not None:
        os.sched_setaffinity(0, {client_cpu})  # every process started from here on inherits it

    results: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "smoke": smoke,
        "machine": machine,
        "settings": {**asdict(settings), "client_cpu": client_cpu, "server_cpu": server_cpu},
        "package": str(package.relative_to(paths.REPO)) if package.is_relative_to(paths.REPO) else str(package),
        "generate": generate,
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        project = Interpreter(Path(sys.executable), environment.installed_copy(scratch, package))
        other = None if vendor.python is None else Interpreter(vendor.python)
        request, response = environment.bodies()
        request_file = environment.write_json(scratch / "request.json", request)
        response_file = environment.write_json(scratch / "response.json", response)

        _log("import times")
        measured = {"urllib3": (project, "urllib3"), "ours": (project, "openai_realtime_client")}
        if other is not None:
            measured["vendor"] = (other, "openai")
        results["imports"] = measure.imports(measured, settings.import_runs)

        with KeepAliveServer(response_file, cpus=server_cpus) as server:
            url = server.base_url
            common: dict[str, Any] = {"base_url": url, "body_file": request_file, "cpu": client_cpu}
            _log("per-call cost of sequential calls")
            sequential = measure.runner(
                project, "seq", ["floor", "ours", "ours_info"], calls=settings.calls, warmup=settings.warmup,
                rounds=settings.rounds, **common,
            )  # fmt: skip
            per_call: dict[str, Any] = {"floor": _ratios(sequential["floor"], sequential["floor"])}
            for name in ("ours", "ours_info"):
                per_call[name] = _ratios(sequential[name], sequential["floor"])
            if other is not None:
                _log(f"per-call cost of the vendor SDK {vendor.version}")
                beside = measure.runner(
                    other, "seq", ["floor", "vendor"], calls=settings.calls, warmup=settings.warmup,
                    rounds=settings.rounds, **common,
                )  # fmt: skip
                per_call["vendor"] = {
                    **_ratios(beside["vendor"], beside["floor"]),
                    "floor_beside": beside["floor"],
                    "version": vendor.version,
                    "call": environment.VENDOR_CALL,
                }
            else:
                per_call["vendor"] = {"skipped": vendor.skipped}
            results["per_call"] = per_call

            clients = {"floor": project, "ours": project}
            if other is not None:
                clients["vendor"] = other
            _log("cold start")
            programs = measure.cold_start_programs(url, request)
            results["cold_start"] = measure.cold_starts(
                {name: (interpreter, programs[name]) for name, interpreter in clients.items()}, settings.import_runs
            )
            _log(f"{settings.threads} threads sharing one client")
            results["threads"] = {}
            for name, interpreter in clients.items():
                results["threads"][name] = measure.runner(
                    interpreter, "threads", [name], calls=settings.thread_calls, rounds=settings.thread_rounds, **common
                )
            _log(f"peak RSS after {settings.rss_calls:,} calls")
            results["peak_rss"] = {
                name: measure.runner(interpreter, "rss", [name], calls=settings.rss_calls, **common)
                for name, interpreter in clients.items()
            }

        _log("connection reuse over TLS")
        authority = throwaway_authority(scratch)
        results["tls"] = {}
        # One process per client and round, the clients taking turns; the server counts the
        # connections each process opened over its warm-up and timed calls together.
        by_client: dict[str, list[dict[str, Any]]] = {"floor": [], "ours": []}
        with KeepAliveServer(response_file, tls=authority.server, cpus=server_cpus) as server:
            for _ in range(settings.tls_rounds):
                for name, rounds in by_client.items():
                    server.reset()
                    figure = measure.runner(
                        project, "tls", [name], base_url=server.base_url, body_file=request_file,
                        calls=settings.tls_calls, warmup=settings.tls_warmup, ca_certs=authority.ca_cert,
                        cpu=client_cpu,
                    )  # fmt: skip
                    rounds.append({**figure, "connections": server.accepted()})
        for name, rounds in by_client.items():
            results["tls"][name] = {
                "calls": settings.tls_calls,
                "warmup": settings.tls_warmup,
                "connections": [r["connections"] for r in rounds],
                "wall_us": statistics.median(r["wall_us"] for r in rounds),
                "cpu_us": statistics.median(r["cpu_us"] for r in rounds),
            }
        results["burst"] = bursts(settings, project, other, request_file, response_file, server_cpus, client_cpu)
    results["targets"] = report.targets(results)
    return results


def bursts(
    settings: Settings,
    project: Interpreter,
    other: Interpreter | None,
    request_file: Path,
    response_file: Path,
    server_cpus: Sequence[int],
    client_cpu: int | None,
) -> dict[str, Any]:
    """Per burst size, per async client: one fresh process (so its peak RSS is the burst's)."""
    clients = {"ours_async": project}
    if other is not None:
        clients.update({name: other for name in VENDOR_BURST_CLIENTS})
        clients[PROTOTYPE_CLIENT] = Interpreter(other.python, project.pythonpath)
    found: dict[str, Any] = {"delay_s": settings.burst_delay, "load_average": os.getloadavg()[0]}
    with KeepAliveServer(response_file, cpus=server_cpus, delay=settings.burst_delay) as server:
        for size, rounds in zip(settings.burst_sizes, settings.burst_rounds, strict=True):
            _log(f"bursts of {size:,} async calls against a {settings.burst_delay * 1000:.0f} ms upstream")
            found[str(size)] = figures = {}
            for name, interpreter in clients.items():
                figures[name] = measure.runner(
                    interpreter, "burst", [name], base_url=server.base_url, body_file=request_file, calls=size,
                    rounds=rounds, cpu=client_cpu,
                )  # fmt: skip
    found["load_average_after"] = os.getloadavg()[0]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny counts, no vendor SDK: checks the harness only")
    parser.add_argument("--no-vendor", action="store_true", help="leave the vendor SDK out")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where the JSON goes")
    parser.add_argument(
        "--package",
        type=Path,
        default=DEFAULT_PACKAGE,
        help=f"the {paths.PACKAGE_NAME} directory to measure (default: generated/'s)",
    )
    args = parser.parse_args(argv)
    if not (args.package / "__init__.py").is_file():
        parser.error(f"--package {args.package}: not a package directory")
    if args.smoke or args.no_vendor:
        why = "smoke run" if args.smoke else "--no-vendor"
        vendor = environment.Vendor(None, None, skipped=f"not measured ({why})")
    else:
        vendor = environment.vendor_environment(_log)
        if vendor.skipped:
            _log(vendor.skipped)
    try:
        results = run(SMOKE if args.smoke else FULL, smoke=args.smoke, vendor=vendor, package=args.package.resolve())
    except measure.MeasurementError as err:
        print(f"bench: {err}", file=sys.stderr)
        return 1
    print(report.render(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    _log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
