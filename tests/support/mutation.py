"""A pytest plugin for ``make mutate`` only (``-p tests.support.mutation``, see tools/mutate.py).

Under mutation the package ``openai_realtime_client`` is the scratch tree's mutated copy of the
generated package, and mutmut runs against each mutant the tests it saw reaching the mutated
function in this process. Two kinds of tests would be missed:

- Tests that import runtime/ itself (``runtime.openai_realtime_client.*``) would load the
  unmutated files under other names, so those names are pointed at the package's modules; the
  bytes are the same (after the header), as tests/codegen/test_runtime_copy.py checks.
- Tests that run the command line in a subprocess (``tests.support.cli.run_cli_process``, a few
  that test the process itself) would reach code where mutmut cannot see it. The subprocess is kept
  out of the recording (it could not record anything, and mutmut's recording needs its
  configuration); the command line's other tests run it in this process (``run_cli``), where
  mutmut sees what they reach.
"""

import importlib
import os
import sys

import pytest

from tools import paths

_RECORDING = "stats"  # mutmut's MUTANT_UNDER_TEST while it records which tests reach which function


def _alias_runtime_modules() -> None:
    package = importlib.import_module(paths.PACKAGE_NAME)
    sys.modules[f"runtime.{paths.PACKAGE_NAME}"] = package
    runtime = paths.RUNTIME / paths.PACKAGE_NAME
    for file in [*sorted(runtime.rglob("*.py")), runtime / "_project.py"]:
        relative = file.relative_to(runtime).with_suffix("")
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        if not parts:
            continue
        module = importlib.import_module(".".join((paths.PACKAGE_NAME, *parts)))
        sys.modules[".".join(("runtime", paths.PACKAGE_NAME, *parts))] = module


_alias_runtime_modules()


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("MUTANT_UNDER_TEST") == _RECORDING:
        # mutmut keeps its own copy of the value for this process; subprocesses run unrecorded.
        del os.environ["MUTANT_UNDER_TEST"]
