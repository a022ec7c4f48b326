"""What the benchmark runs on and with: the machine, an installed-like copy of the package, the
vendor SDK's own environment, and the request and response bodies."""

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.runner import OPERATION_PATH
from tools import openapi_document, paths

BENCH_DIR = paths.REPO / "bench"
VENDOR_ENV = BENCH_DIR / ".venv-openai"
VENDOR_REQUIREMENTS = BENCH_DIR / "requirements-openai.txt"
VENDOR_DISTRIBUTION = "openai"
# The pinned release's call for the GA operation (openai/resources/realtime/client_secrets.py in
# it; runner.py uses it).
VENDOR_CALL = "client.realtime.client_secrets.create"


def machine() -> dict[str, Any]:
    """The CPU model, the CPUs this process may use, and the software versions that matter."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    return {
        "cpu_model": model,
        "cpus": os.cpu_count(),
        "cpus_usable": sorted(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "urllib3": metadata.version("urllib3"),
        "attrs": metadata.version("attrs"),
    }


def bodies() -> tuple[dict[str, Any], dict[str, Any]]:
    """(request, response) bodies of ``POST /realtime/client_secrets``: the description's own
    examples, so the server's fixed answer is valid and the request is a realistic one."""
    document = openapi_document.load(paths.SPEC)
    operation = document["paths"][OPERATION_PATH]["post"]
    request = openapi_document.resolve(document, operation["requestBody"])["content"]["application/json"]["example"]
    response = openapi_document.resolve(document, operation["responses"]["200"])["content"]["application/json"]
    if not isinstance(request, dict) or not isinstance(response.get("example"), dict):
        raise RuntimeError(f"openapi.yaml: POST {OPERATION_PATH} needs a request example and a 200 example")
    return request, response["example"]


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def installed_copy(scratch: Path, package: Path) -> Path:
    """A copy of the package directory with its bytecode compiled, as ``pip install`` leaves it;
    returns the directory to put on PYTHONPATH. Timing imports of generated/ itself would time
    compiling it from source, which no installed copy does (the Makefile turns bytecode off)."""
    site = scratch / "site"
    shutil.copytree(package, site / paths.PACKAGE_NAME, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(site)], check=True)
    return site


@dataclass(frozen=True)
class Vendor:
    """The vendor SDK's environment, or why there is none."""

    python: Path | None
    version: str | None
    skipped: str | None = None


def vendor_environment(log: Any) -> Vendor:
    """bench/.venv-openai with the pinned SDK, made (or remade after the pins change) on demand."""
    python = VENDOR_ENV / "bin" / "python"
    stamp = VENDOR_ENV / ".installed"
    if not (stamp.exists() and stamp.stat().st_mtime >= VENDOR_REQUIREMENTS.stat().st_mtime):
        log(f"installing the vendor SDK from {VENDOR_REQUIREMENTS.relative_to(paths.REPO)} into "
            f"{VENDOR_ENV.relative_to(paths.REPO)} (once)")  # fmt: skip
        started = time.perf_counter()
        try:
            # Without PYTHONPATH: pip would count the packages on it (generated/) as installed ones.
            env = child_environment()
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENDOR_ENV)], check=True, env=env)
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 "-r", str(VENDOR_REQUIREMENTS)],
                check=True,
                env=env,
            )  # fmt: skip
        except (OSError, subprocess.CalledProcessError) as err:
            return Vendor(None, None, skipped=f"could not install the vendor SDK: {err}")
        stamp.touch()
        log(f"installed in {time.perf_counter() - started:.0f} s")
    result = subprocess.run(
        [str(python), "-c", f"from importlib.metadata import version; print(version({VENDOR_DISTRIBUTION!r}))"],
        capture_output=True,
        text=True,
        check=False,
        env=child_environment(),
    )
    if result.returncode != 0:
        return Vendor(None, None, skipped=f"the vendor environment is broken: {result.stderr.strip()[-300:]}")
    return Vendor(python, result.stdout.strip())


def child_environment(pythonpath: Path | None = None) -> dict[str, str]:
    """The environment of every process the benchmark starts: no OPENAI_* settings (the clients
    are given the local server and a placeholder key), and PYTHONPATH only when asked for."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_") and k != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return env
