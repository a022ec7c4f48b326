"""The command line as a process: ``python -m`` runs it in a fresh interpreter (under the package's
own name or a vendored copy's), its exit status reaches the shell, and Ctrl-C ends it with 130.
Everything else about the command line is tested in this process (tests/support/cli.py)."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from openai_realtime_client import webhooks

from tests.contract.test_cli import PACKAGE, one_line
from tests.support.cli import run_cli_process
from tests.support.fault_server import FaultServer, stall
from tests.support.payloads import TEST_API_KEY
from tests.support.ports import closed_port
from tests.support.signals import as_from_a_terminal
from tools import paths
from tools.servers.mock_server import MockServer


def test_python_m_lists_every_command_group_in_its_help(tmp_path: Path) -> None:
    result = run_cli_process("--help", cwd=tmp_path, key=None)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: python -m {PACKAGE} [-h] COMMAND ACTION [options]")
    assert "  webhooks verify " in result.stdout and "  sessions create " in result.stdout


def test_the_exit_status_reaches_the_shell(mock_server: MockServer, tmp_path: Path) -> None:
    ok = run_cli_process("sessions", "create", "--base-url", mock_server.url, cwd=tmp_path)
    unreachable = f"http://127.0.0.1:{closed_port()}/v1"
    failed = run_cli_process("sessions", "create", "--max-retries", "0", "--base-url", unreachable, cwd=tmp_path)
    usage = run_cli_process("sessions", "create", "--temperature", "warm", cwd=tmp_path)
    secret = "whsec_" + "QUJD" * 8
    stale = webhooks.sign(b"{}", secret, "wh_1", 1)  # signed in 1970: refused for its age
    refused = run_cli_process(
        "webhooks", "verify", "--id", "wh_1", "--timestamp", "1", "--signature", stale,
        cwd=tmp_path, stdin=b"{}", env={"OPENAI_WEBHOOK_SECRET": secret},
    )  # fmt: skip

    assert (ok.returncode, failed.returncode, usage.returncode, refused.returncode) == (0, 1, 2, 1)
    assert ok.stdout.startswith("{\n  ") and ok.stderr == ""
    assert "error: APIConnectionError: POST " in one_line(failed.stderr)
    assert "argument --temperature: not a number: 'warm'" in one_line(usage.stderr)
    assert "refused: TimestampTooOldError: " in one_line(refused.stderr)


def test_a_vendored_copy_runs_under_its_own_module_path(mock_server: MockServer, tmp_path: Path) -> None:
    vendor = tmp_path / "app" / "myservice" / "_vendor"
    vendor.mkdir(parents=True)
    for package in (vendor.parent, vendor):
        (package / "__init__.py").write_text("")
    shutil.copytree(paths.GENERATED / PACKAGE, vendor / PACKAGE)
    module = f"myservice._vendor.{PACKAGE}"

    result = run_cli_process(
        "sessions", "create", "--secret", "--base-url", mock_server.url,
        cwd=tmp_path, module=module, pythonpath=tmp_path / "app",
    )  # fmt: skip
    usage = run_cli_process(
        "sessions", "create", "--temperature", "9", cwd=tmp_path, module=module, pythonpath=tmp_path / "app"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ek_")
    assert one_line(usage.stderr).startswith(f"python -m {module} sessions create: error: RequestValidationError")


def test_ctrl_c_during_a_call_prints_one_line_and_exits_130(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("OPENAI_")}
    env.update(PYTHONPATH=str(paths.GENERATED), PYTHONDONTWRITEBYTECODE="1", OPENAI_API_KEY=TEST_API_KEY)
    with FaultServer(stall(30.0)) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", PACKAGE, "sessions", "create", "--base-url", server.url, "--max-retries", "0"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=as_from_a_terminal,
        )
        try:
            deadline = time.monotonic() + 20
            while server.attempts == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert server.attempts == 1, "the command never reached the server"
            time.sleep(0.2)  # it is now waiting for the answer
            process.send_signal(signal.SIGINT)
            stdout, stderr = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()

    assert process.returncode == 130
    assert stdout == ""
    assert one_line(stderr) == f"python -m {PACKAGE}: interrupted"
    assert TEST_API_KEY not in stderr
