"""The benchmark's figures as a table, and the issue's targets checked against them."""

from collections.abc import Mapping
from typing import Any

# Targets from the issue: (name, figure path, comparison, bound).
CPU_TARGET = 1.15
VENDOR_TARGET = 3.0
IMPORT_TARGET = 1.5

ROW_NAMES = {
    "floor": "floor: urllib3 PoolManager, raw bytes",
    "ours": "create_realtime_session",
    "ours_info": "create_realtime_session_with_http_info",
    "vendor": "vendor SDK: beta.realtime.sessions.create",
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
    found = {
        "cpu_per_call_x_floor": (per_call["ours"]["cpu_x_floor"], "<=", CPU_TARGET),
        "cpu_per_call_with_http_info_x_floor": (per_call["ours_info"]["cpu_x_floor"], "<=", CPU_TARGET),
        "vendor_cpu_per_call_over_ours": (vendor_times, ">=", VENDOR_TARGET),
        "import_x_urllib3": (import_ratio, "<=", IMPORT_TARGET),
    }
    return {
        name: {
            "value": value,
            "bound": f"{comparison} {bound}",
            "met": None if value is None else (value <= bound if comparison == "<=" else value >= bound),
        }
        for name, (value, comparison, bound) in found.items()
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
        f"Python {machine['python']}, urllib3 {machine['urllib3']}; {pinning}"
    ]
    clients = ("floor", "ours", "vendor")

    per_call = results["per_call"]
    vendor = per_call["vendor"]
    rows = []
    for name in ("floor", "ours", "ours_info", "vendor"):
        figure = per_call[name]
        label = ROW_NAMES[name]
        if "version" in figure:
            label = f"vendor SDK {figure['version']}: beta.realtime.sessions.create"
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

    descriptions = {
        "cpu_per_call_x_floor": "per-call CPU, create_realtime_session, x floor (validation on)",
        "cpu_per_call_with_http_info_x_floor": "per-call CPU, ..._with_http_info, x floor",
        "vendor_cpu_per_call_over_ours": "vendor SDK's per-call CPU / ours",
        "import_x_urllib3": "import openai_realtime_client / import urllib3 (wall)",
    }
    rows = []
    for name, target in results["targets"].items():
        verdict = "not measured" if target["met"] is None else ("met" if target["met"] else "NOT MET")
        rows.append([descriptions[name], _times(target["value"]), target["bound"], verdict])
    out += _section("Targets", ["", "figure", "target", "verdict"], rows)
    return "\n".join(out)
