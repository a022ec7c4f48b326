"""The generated command line (``python -m openai_realtime_client``) run in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

import openai_realtime_client

from tests.support.payloads import TEST_API_KEY
from tools import paths

# Where this process imports the package from (generated/; under `make mutate`, the mutated copy),
# so that the command line in the subprocess is the same code.
PACKAGE_ROOT = Path(openai_realtime_client.__file__).resolve().parent.parent


def run_cli(
    *args: str,
    cwd: Path,
    key: str | None = TEST_API_KEY,
    stdin: str | None = None,
    module: str = paths.PACKAGE_NAME,
    pythonpath: Path = PACKAGE_ROOT,
) -> subprocess.CompletedProcess[str]:
    """The command line of the package at ``pythonpath``, with no OPENAI_* setting but the key (if
    any). Fails the test if the key shows up in anything it printed."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("OPENAI_")}
    # Wide enough that argparse never breaks a line inside a word of the help text.
    env.update(PYTHONPATH=str(pythonpath), PYTHONDONTWRITEBYTECODE="1", COLUMNS="400")
    if key is not None:
        env["OPENAI_API_KEY"] = key
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert TEST_API_KEY not in result.stdout + result.stderr
    return result
