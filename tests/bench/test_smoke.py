"""``make bench`` in miniature: ``python -m bench --smoke`` must produce every figure and the JSON.

The counts are tiny and the vendor SDK is left out (installing it is for ``make bench`` alone), so
the figures mean nothing here; what is checked is that each one is measured, reported and written.
"""

import json
import math
import os
import subprocess
import sys
from typing import Any

import pytest

from tools import paths

CLIENTS = ("floor", "ours")


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    output = tmp_path_factory.mktemp("bench") / "results.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["PYTHONPATH"] = os.pathsep.join([str(paths.GENERATED), str(paths.REPO)])
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--output", str(output)],
        cwd=paths.REPO, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(output.read_text(encoding="utf-8")), result.stdout


def _numbers(value: Any, path: str = "") -> list[tuple[str, float]]:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, int | float):
        return [(path, float(value))]
    items = value.items() if isinstance(value, dict) else enumerate(value)
    return [found for key, item in items for found in _numbers(item, f"{path}.{key}")]


def test_every_figure_is_measured(smoke_run: tuple[dict[str, Any], str]) -> None:
    results, _ = smoke_run
    assert results["smoke"] is True and results["format_version"] == 1
    assert {"cpu_model", "cpus", "python", "urllib3"} <= set(results["machine"])

    per_call = results["per_call"]
    for name in ("floor", "ours", "ours_info"):
        figure = per_call[name]
        assert figure["cpu_us"] > 0 and figure["wall_us"] > 0, name
        assert len(figure["cpu_rounds_us"]) == results["settings"]["rounds"]
        assert figure["cpu_x_floor"] == pytest.approx(figure["cpu_us"] / per_call["floor"]["cpu_us"])
    assert per_call["vendor"] == {"skipped": "not measured (smoke run)"}

    imports = results["imports"]
    for name in ("urllib3", "ours"):
        assert imports[name]["wall_ms"] > 0 and imports[name]["importtime_ms"] > 0, name
    assert imports["ours"]["module"] == "openai_realtime_client"
    for section, key in (("cold_start", "wall_ms"), ("threads", "calls_per_s"), ("peak_rss", "max_rss_mib")):
        for name in CLIENTS:
            assert results[section][name][key] > 0, (section, name)
    assert results["threads"]["ours"]["threads"] == 8
    assert results["peak_rss"]["ours"]["calls"] == results["settings"]["rss_calls"]
    assert results["generate"]["wall_s"] > 0

    assert set(results["targets"]) == {
        "cpu_per_call_x_floor",
        "cpu_per_call_with_http_info_x_floor",
        "vendor_cpu_per_call_over_ours",
        "import_x_urllib3",
        "burst_calls_per_s_over_vendor",
        "burst_p99_s",
        "burst_vendor_cpu_over_ours",
        "burst_connections_after_first",
        "burst_warnings",
        "burst_failed_calls",
    }
    assert results["targets"]["vendor_cpu_per_call_over_ours"]["met"] is None  # not measured in a smoke run
    for path, number in _numbers(results):
        assert math.isfinite(number), path


def test_over_tls_each_client_keeps_to_one_connection(smoke_run: tuple[dict[str, Any], str]) -> None:
    results, _ = smoke_run
    for name in CLIENTS:
        figure = results["tls"][name]
        assert figure["connections"] == [1] * results["settings"]["tls_rounds"], name
        assert figure["calls"] == results["settings"]["tls_calls"] and figure["wall_us"] > 0


def test_bursts_are_measured_at_each_size_with_connections_and_warnings_counted(
    smoke_run: tuple[dict[str, Any], str],
) -> None:
    results, _ = smoke_run
    settings, burst = results["settings"], results["burst"]
    assert burst["delay_s"] == settings["burst_delay"] > 0
    for size, rounds in zip(settings["burst_sizes"], settings["burst_rounds"], strict=True):
        (name,) = burst[str(size)]  # the vendor's three are left out of a smoke run
        figure = burst[str(size)][name]
        assert name == "ours_async" and figure["calls"] == size and figure["rounds"] == rounds
        assert figure["calls_per_s"] > 0 and figure["cpu_us_per_call"] > 0 and figure["max_rss_mib"] > 0
        # Every call waited for the server's delay, and no later than the whole burst.
        assert settings["burst_delay"] <= figure["p50_s"] <= figure["p99_s"] <= size / figure["calls_per_s"] + 0.05
        # One connection per call in flight, all opened by the first burst, and nothing warned.
        assert 1 <= figure["first_burst_connections"] <= size
        assert figure["later_connections"] == [0] * rounds and figure["warnings"] == 0
        assert figure["failed"] == [0] * (rounds + 1) and figure["failure"] is None
    targets = results["targets"]
    for name in ("burst_connections_after_first", "burst_warnings", "burst_failed_calls"):
        assert targets[name]["met"] is True, name
    assert targets["burst_calls_per_s_over_vendor"]["met"] is None  # no burst of 1,000 and no vendor here


def test_the_table_shows_each_section_and_target(smoke_run: tuple[dict[str, Any], str]) -> None:
    _, table = smoke_run
    for heading in ("Per call, sequential", "Import:", "Cold start:", "8 threads sharing one client",
                    "Peak RSS", "TLS on loopback", "make generate", "Burst: 5 async calls", "Burst: 20 async calls",
                    "Targets"):  # fmt: skip
        assert heading in table, heading
    # The GA operation, not the beta one the service has switched off.
    assert "create_realtime_client_secret_with_http_info" in table
    assert "create_realtime_session" not in table
    assert "vendor SDK: not measured (smoke run)" in table
