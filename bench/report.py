"""The benchmark's figures as a table, and the issue's targets checked against them."""

from collections.abc import Mapping
from typing import Any

# Targets from the issue: (name, figure path, comparison, bound).
CPU_TARGET = 1.15
VENDOR_TARGET = 3.0
IMPORT_TARGET = 1.5
# Burst targets (issue 16), judged on the burst of this many calls.
BURST_SIZE = "1000"
BURST_THROUGHPUT_TARGET = 3.0  # x the vendor SDK's default (httpx) calls/s
BURST_P99_TARGET = 1.5  # seconds
BURST_CPU_TARGET = 5.0  # the vendor SDK's CPU per call / ours

BURST_NAMES = {
    "ours_async": "AsyncRealtimeApi(ApiClient()), as they come",
    "vendor_async": "vendor SDK AsyncOpenAI, default (httpx)",
    "vendor_aiohttp": "vendor SDK AsyncOpenAI, DefaultAioHttpClient",
    "aiohttp_floor": "raw aiohttp, no connection limit (async floor)",
    "ours_aiohttp": "prototype: this client's models over aiohttp",
}

ROW_NAMES = {
    "floor": "floor: urllib3 PoolManager, raw bytes",
    "ours": "create_realtime_client_secret",
    "ours_info": "create_realtime_client_secret_with_http_info",
    "vendor": "vendor SDK: realtime.client_secrets.create",
}


def _ratio(value: float | None, base: float | None) -> float | None:
    if value is None or base is None or base == 0:
        return None
    return value / base


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
             for row in [header, *rows]]  # fmt: skip
    return [lines[0], "-" * len(lines[0]), *lines[1:]]


def targets(results: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target of the issue: the figure it is judged on, the bound, and whether it is met."""
    per_call = results["per_call"]
    vendor = per_call.get("vendor", {})
    ours_cpu = per_call["ours"]["cpu_us"]
    vendor_times = _ratio(vendor.get("cpu_us"), ours_cpu)
    imports = results["imports"]
    import_ratio = _ratio(imports["ours"]["wall_ms"], imports["urllib3"]["wall_ms"])
    found: dict[str, tuple[float | None, str, float, str]] = {
        "cpu_per_call_x_floor": (per_call["ours"]["cpu_x_floor"], "<=", CPU_TARGET, "x"),
        "cpu_per_call_with_http_info_x_floor": (per_call["ours_info"]["cpu_x_floor"], "<=", CPU_TARGET, "x"),
        "vendor_cpu_per_call_over_ours": (vendor_times, ">=", VENDOR_TARGET, "x"),
        "import_x_urllib3": (import_ratio, "<=", IMPORT_TARGET, "x"),
        **_burst_targets(results["burst"]),
    }
    return {
        name: {
            "value": value,
            "bound": f"{comparison} {bound}",
            "unit": unit,
            "met": None if value is None else (value <= bound if comparison == "<=" else value >= bound),
        }
        for name, (value, comparison, bound, unit) in found.items()
    }


def _burst_targets(burst: Mapping[str, Any]) -> dict[str, tuple[float | None, str, float, str]]:
    """Issue 16's targets: on the burst of 1,000 (not measured when the run had none), and on
    every burst for connections opened after the first burst and warnings."""
    judged = burst.get(BURST_SIZE, {})
    ours, vendor = judged.get("ours_async", {}), judged.get("vendor_async", {})
    runs = [figures["ours_async"] for size, figures in burst.items() if size.isdigit()]
    return {
        "burst_calls_per_s_over_vendor": (
            _ratio(ours.get("calls_per_s"), vendor.get("calls_per_s")),
            ">=",
            BURST_THROUGHPUT_TARGET,
            "x",
        ),
        "burst_p99_s": (ours.get("p99_s"), "<=", BURST_P99_TARGET, "s"),
        "burst_vendor_cpu_over_ours": (
            _ratio(vendor.get("cpu_us_per_call"), ours.get("cpu_us_per_call")),
            ">=",
            BURST_CPU_TARGET,
            "x",
        ),
        "burst_connections_after_first": (
            max((c for run in runs for c in run["later_connections"]), default=None),
            "<=",
            0,
            "",
        ),
        "burst_warnings": (sum(run["warnings"] for run in runs) if runs else None, "<=", 0, ""),
        "burst_failed_calls": (sum(sum(run["failed"]) for run in runs) if runs else None, "<=", 0, ""),
    }


def _section(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    return ["", title, *_table(header, rows)]


def _compared(
    figures: Mapping[str, Mapping[str, Any]], key: str, base: str, names: tuple[str, ...], digits: int = 1
) -> list[list[str]]:
    """Rows of (label, figure, figure / the base's figure) for the names measured."""
    rows = []
    for name in names:
        if name in figures:
            value = figures[name][key]
            rows.append([ROW_NAMES[name], _number(value, digits), _times(_ratio(value, figures[base][key]))])
    return rows


def render(results: Mapping[str, Any]) -> str:
    """The figures as text tables, each figure beside its ratio to the floor of the same run."""
    settings, machine = results["settings"], results["machine"]
    pinning = (
        f"client on CPU {settings['client_cpu']}, server on CPU {settings['server_cpu']}"
        if settings["client_cpu"] is not None
        else "not pinned (one CPU)"
    )
    out = [
        f"make bench{' --smoke' if results['smoke'] else ''}: {machine['cpu_model']}, {machine['cpus']} CPUs, "
        f"Python {machine['python']}, urllib3 {machine['urllib3']}; {pinning}; "
        f"load average {machine['load_average'][0]:.2f} at the start"
    ]
    clients = ("floor", "ours", "vendor")

    per_call = results["per_call"]
    vendor = per_call["vendor"]
    rows = []
    for name in ("floor", "ours", "ours_info", "vendor"):
        figure = per_call[name]
        label = ROW_NAMES[name]
        if "version" in figure:
            label = f"vendor SDK {figure['version']}: realtime.client_secrets.create"
        cpu, wall = figure.get("cpu_us"), figure.get("wall_us")
        rows.append(
            [label, _number(cpu), _times(figure.get("cpu_x_floor")), _number(wall), _times(figure.get("wall_x_floor"))]
        )
    out += _section(
        f"Per call, sequential: median of {settings['rounds']} rounds of {settings['calls']:,} calls after "
        f"{settings['warmup']:,} warm-up calls",
        ["", "CPU µs", "x floor", "wall µs", "x floor"],
        rows,
    )
    if "skipped" in vendor:
        out.append(f"vendor SDK: {vendor['skipped']}")
    else:
        beside = vendor["floor_beside"]
        out.append(
            f"(the vendor SDK's ratios are to the floor measured in its own process: {beside['cpu_us']:.1f} µs CPU, "
            f"{beside['wall_us']:.1f} µs wall)"
        )

    imports = results["imports"]
    rows = []
    for name, label in (
        ("urllib3", "import urllib3"),
        ("ours", "import openai_realtime_client"),
        ("vendor", "import openai"),
    ):
        if name in imports:
            wall, importtime = imports[name]["wall_ms"], imports[name]["importtime_ms"]
            base = imports["urllib3"]
            rows.append([label, _number(wall), _times(_ratio(wall, base["wall_ms"])), _number(importtime),
                         _times(_ratio(importtime, base["importtime_ms"]))])  # fmt: skip
    out += _section(
        f"Import: median of {settings['import_runs']} fresh processes; wall time less the interpreter's start-up, "
        "and the cumulative time -X importtime reports",
        ["", "wall ms", "x urllib3", "importtime ms", "x urllib3"],
        rows,
    )

    out += _section(
        f"Cold start: import + client + first call, median of {settings['import_runs']} fresh processes, less the "
        "interpreter's start-up",
        ["", "wall ms", "x floor"],
        _compared(results["cold_start"], "wall_ms", "floor", clients),
    )

    threads = results["threads"]
    rows = _compared(threads, "calls_per_s", "floor", clients, digits=0)
    for row, name in zip(rows, [name for name in clients if name in threads], strict=True):
        row.append(_number(threads[name]["cpu_us_per_call"]))
    out += _section(
        f"{settings['threads']} threads sharing one client: median of {settings['thread_rounds']} rounds of "
        f"{settings['threads'] * settings['thread_calls']:,} calls",
        ["", "calls/s", "x floor", "CPU µs/call"],
        rows,
    )

    out += _section(
        f"Peak RSS of a process that made {settings['rss_calls']:,} calls",
        ["", "MiB", "x floor"],
        _compared(results["peak_rss"], "max_rss_mib", "floor", clients),
    )

    tls = results["tls"]
    rows = []
    for name in ("floor", "ours"):
        figure, floor = tls[name], tls["floor"]
        rows.append([ROW_NAMES[name], ", ".join(str(c) for c in figure["connections"]), _number(figure["wall_us"]),
                     _times(_ratio(figure["wall_us"], floor["wall_us"])), _number(figure["cpu_us"]),
                     _times(_ratio(figure["cpu_us"], floor["cpu_us"]))])  # fmt: skip
    out += _section(
        f"TLS on loopback (throwaway CA): per process, {settings['tls_warmup']:,} warm-up then "
        f"{settings['tls_calls']:,} timed sequential calls; median of {settings['tls_rounds']} processes per client, "
        "and the connections the server accepted from each",
        ["", "connections", "wall µs", "x floor", "CPU µs", "x floor"],
        rows,
    )

    generate = results["generate"]
    out += [
        "",
        f"make generate (python -m tools.codegen generate into a scratch directory): {generate['wall_s']:.2f} s, "
        f"median of {len(generate['runs_s'])}",
    ]

    burst = results["burst"]
    vendor_name = "vendor_async"
    for size in (key for key in burst if key.isdigit()):
        figures = burst[size]
        rows = []
        for name, figure in figures.items():
            base = figures.get(vendor_name)
            rows.append([
                BURST_NAMES[name],
                _number(figure["calls_per_s"], 0),
                _times(_ratio(figure["calls_per_s"], base and base["calls_per_s"])),
                _number(figure["p50_s"], 2),
                _number(figure["p99_s"], 2),
                _number(figure["cpu_us_per_call"], 0),
                _times(_ratio(figure["cpu_us_per_call"], base and base["cpu_us_per_call"])),
                f"{figure['first_burst_connections']} / {', '.join(str(c) for c in figure['later_connections'])}",
                _number(figure["max_rss_mib"]),
                str(figure["warnings"]),
                ", ".join(str(count) for count in figure["failed"]),
            ])  # fmt: skip
        first = next(iter(figures.values()))
        out += _section(
            f"Burst: {int(size):,} async calls started at once, upstream answering after "
            f"{burst['delay_s'] * 1000:.0f} ms; median of {first['rounds']} bursts after a first one",
            ["", "calls/s", "x vendor", "p50 s", "p99 s", "CPU µs/call", "x vendor", "connections first / later",
             "peak RSS MiB", "warnings", "failed calls"],
            rows,
        )  # fmt: skip
    out.append(
        f"(load average {burst['load_average']:.2f} before the bursts, {burst['load_average_after']:.2f} after; "
        "'x vendor' is to the vendor SDK's default transport in the same run; calls/s counts the calls that "
        "succeeded, and failed calls lists the first burst's, then each timed one's)"
    )

    descriptions = {
        "cpu_per_call_x_floor": "per-call CPU, create_realtime_client_secret, x floor (validation on)",
        "cpu_per_call_with_http_info_x_floor": "per-call CPU, ..._with_http_info, x floor",
        "vendor_cpu_per_call_over_ours": "vendor SDK's per-call CPU / ours",
        "import_x_urllib3": "import openai_realtime_client / import urllib3 (wall)",
        "burst_calls_per_s_over_vendor": f"burst of {int(BURST_SIZE):,}: calls/s / the vendor SDK's default",
        "burst_p99_s": f"burst of {int(BURST_SIZE):,}: p99 latency (s)",
        "burst_vendor_cpu_over_ours": f"burst of {int(BURST_SIZE):,}: the vendor SDK's CPU per call / ours",
        "burst_connections_after_first": "bursts: most connections a later burst opened",
        "burst_warnings": "bursts: warnings and WARNING log records",
        "burst_failed_calls": "bursts: calls of this client that failed",
    }
    rows = []
    for name, target in results["targets"].items():
        verdict = "not measured" if target["met"] is None else ("met" if target["met"] else "NOT MET")
        value, unit = target["value"], target["unit"]
        shown = _times(value) if unit == "x" else _number(value, 2 if unit == "s" else 0)
        rows.append([descriptions[name], shown, target["bound"], verdict])
    out += _section("Targets", ["", "figure", "target", "verdict"], rows)
    return "\n".join(out)
