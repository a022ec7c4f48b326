"""Measurements made from outside: each starts processes and times them, or asks runner.py to."""

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import environment
from bench.runner import API_KEY, OPERATION_PATH
from tools import paths

RUNNER = paths.REPO / "bench" / "runner.py"


@dataclass(frozen=True)
class Interpreter:
    """A Python to start, and the PYTHONPATH it needs to find what it times."""

    python: Path
    pythonpath: Path | None = None

    def run(self, arguments: Sequence[str], *, timeout: float = 600.0) -> subprocess.CompletedProcess[str]:
        # -P: the script's own directory is not put on sys.path.
        return subprocess.run(
            [str(self.python), "-P", *arguments],
            env=environment.child_environment(self.pythonpath),
            cwd=paths.REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


class MeasurementError(RuntimeError):
    """A process the benchmark started failed; the message ends with its stderr."""


def _checked(result: subprocess.CompletedProcess[str], what: str) -> subprocess.CompletedProcess[str]:
    if result.returncode != 0:
        raise MeasurementError(f"{what} failed (exit {result.returncode}):\n{result.stderr.strip()[-2000:]}")
    return result


def runner(
    interpreter: Interpreter,
    mode: str,
    clients: Sequence[str],
    *,
    base_url: str,
    body_file: Path,
    calls: int,
    warmup: int = 0,
    rounds: int = 1,
    ca_certs: Path | None = None,
    cpu: int | None = None,
) -> dict[str, Any]:
    """Run bench/runner.py in a fresh process; its result (the last line it prints, JSON)."""
    arguments = [
        str(RUNNER), mode, "--base-url", base_url, "--body", str(body_file), "--clients", ",".join(clients),
        "--calls", str(calls), "--warmup", str(warmup), "--rounds", str(rounds),
    ]  # fmt: skip
    if ca_certs is not None:
        arguments += ["--ca-certs", str(ca_certs)]
    if cpu is not None:
        arguments += ["--cpu", str(cpu)]
    result = _checked(interpreter.run(arguments), f"runner {mode} {','.join(clients)}")
    value = json.loads(result.stdout.strip().splitlines()[-1])
    assert isinstance(value, dict)
    return value


def _wall(interpreter: Interpreter, code: str, *, importtime: bool = False) -> tuple[float, str]:
    """Seconds from starting a process running ``code`` until it exits, and its stderr."""
    arguments = ["-X", "importtime", "-c", code] if importtime else ["-c", code]
    started = time.perf_counter()
    result = interpreter.run(arguments, timeout=120.0)
    elapsed = time.perf_counter() - started
    return elapsed, _checked(result, f"python -c {code[:60]!r}").stderr


def _importtime_us(stderr: str, module: str) -> int:
    """The cumulative µs ``-X importtime`` gives the top-level import of ``module``."""
    # "import time:  self [us] | cumulative | imported package", the name indented by its depth.
    for line in reversed(stderr.splitlines()):
        fields = line.split("|")
        if line.startswith("import time:") and len(fields) == 3 and fields[2].rstrip() == f" {module}":
            return int(fields[1])
    raise MeasurementError(f"-X importtime printed no line for {module}")


def imports(measured: Mapping[str, tuple[Interpreter, str]], runs: int) -> dict[str, dict[str, Any]]:
    """Per name, for ``(interpreter, module)``: the median over ``runs`` of the wall time of
    ``python -c "import module"`` minus that of ``python -c "pass"`` in the same interpreter,
    and the median cumulative time ``-X importtime`` reports. Runs are interleaved."""
    interpreters = {interpreter for interpreter, _ in measured.values()}
    startup: dict[Interpreter, list[float]] = {interpreter: [] for interpreter in interpreters}
    walls: dict[str, list[float]] = {name: [] for name in measured}
    importtimes: dict[str, list[int]] = {name: [] for name in measured}
    for interpreter in interpreters:
        _wall(interpreter, "pass")  # the first start reads more from disk than the others
    for _ in range(runs):
        for interpreter in interpreters:
            startup[interpreter].append(_wall(interpreter, "pass")[0])
        for name, (interpreter, module) in measured.items():
            walls[name].append(_wall(interpreter, f"import {module}")[0])
            importtimes[name].append(_importtime_us(_wall(interpreter, f"import {module}", importtime=True)[1], module))
    results: dict[str, dict[str, Any]] = {}
    for name, (interpreter, module) in measured.items():
        base = statistics.median(startup[interpreter])
        results[name] = {
            "module": module,
            "wall_ms": (statistics.median(walls[name]) - base) * 1000.0,
            "importtime_ms": statistics.median(importtimes[name]) / 1000.0,
            "interpreter_startup_ms": base * 1000.0,
        }
    return results


def cold_starts(programs: Mapping[str, tuple[Interpreter, str]], runs: int) -> dict[str, dict[str, Any]]:
    """Per name, the median wall time of a fresh process running the program (imports, a client,
    one call), less the interpreter's start-up (``python -c pass``). Runs are interleaved."""
    interpreters = {interpreter for interpreter, _ in programs.values()}
    startup: dict[Interpreter, list[float]] = {interpreter: [] for interpreter in interpreters}
    walls: dict[str, list[float]] = {name: [] for name in programs}
    for interpreter, code in programs.values():
        _wall(interpreter, code)  # warms the disk cache, and proves the program works
    for _ in range(runs):
        for interpreter in interpreters:
            startup[interpreter].append(_wall(interpreter, "pass")[0])
        for name, (interpreter, code) in programs.items():
            walls[name].append(_wall(interpreter, code)[0])
    return {
        name: {"wall_ms": (statistics.median(walls[name]) - statistics.median(startup[interpreter])) * 1000.0}
        for name, (interpreter, _) in programs.items()
    }


def cold_start_programs(base_url: str, body: Mapping[str, Any]) -> dict[str, str]:
    """The programs a cold start runs, per client: import, make a client, make one call."""
    raw = json.dumps(body, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"}
    url = base_url + OPERATION_PATH
    request = f"RealtimeCreateClientSecretRequest.from_dict({dict(body)!r})"
    return {
        "floor": (
            "import urllib3\n"
            f"r = urllib3.PoolManager().request('POST', {url!r}, body={raw!r}, headers={headers!r})\n"
            "assert r.status == 200 and r.data\n"
        ),
        "ours": (
            "from openai_realtime_client import ApiClient, RealtimeApi\n"
            "from openai_realtime_client.models import RealtimeCreateClientSecretRequest\n"
            f"api = RealtimeApi(ApiClient(api_key={API_KEY!r}, base_url={base_url!r}))\n"
            f"assert api.create_realtime_client_secret({request}).value\n"
        ),
        "vendor": (
            "import openai\n"
            f"client = openai.OpenAI(api_key={API_KEY!r}, base_url={base_url!r})\n"
            f"assert client.realtime.client_secrets.create(**{dict(body)!r}).value\n"
        ),
    }


def generate(runs: int) -> dict[str, Any]:
    """Wall time of what ``make generate`` runs (``python -m tools.codegen generate``), written into a
    scratch directory so that the working tree is never touched."""
    times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as scratch:
        for run in range(runs):
            target = Path(scratch) / f"run{run}" / "generated"
            target.parent.mkdir()
            started = time.perf_counter()
            _checked(
                subprocess.run(
                    [sys.executable, "-m", "tools.codegen", "generate", "--output", str(target)],
                    cwd=paths.REPO,
                    env=environment.child_environment(),
                    capture_output=True,
                    text=True,
                    timeout=600,
                    check=False,
                ),
                "python -m tools.codegen generate",
            )
            times.append(time.perf_counter() - started)
    return {"wall_s": statistics.median(times), "runs_s": [round(t, 3) for t in times]}
