"""A pytest plugin for ``make mutate`` only (``-p tests.support.mutation``, see tools/mutate.py).

Under mutation the package ``openai_realtime_client`` is the scratch tree's mutated copy of the
generated package, and mutmut runs against each mutant the tests it saw reaching the mutated
function in this process. Two kinds of tests would be missed:

- Tests that import runtime/ itself (``runtime.openai_realtime_client.*``) would load the
  unmutated files under other names, so those names are pointed at the package's modules; the
  bytes are the same (after the header), as tests/codegen/test_runtime_copy.py checks.
- Tests that run the command line in a subprocess (``tests.support.cli.run_cli``, which runs the
  package this process imports) reach the CLI engine where mutmut cannot see it. The subprocess
  inherits MUTANT_UNDER_TEST, so it runs the mutant; while mutmut records which tests reach what,
  such a test is recorded as reaching every function of ``_cli``, and the subprocess is kept out of
  the recording (it could not record anything, and mutmut's recording needs its configuration).
"""

import importlib
import os
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
from mutmut.mutation.trampoline import get_mutant_under_test
from mutmut.stats import record_trampoline_hit

from tests.support import cli
from tools import paths

_RECORDING = "stats"  # mutmut's MUTANT_UNDER_TEST while it records which tests reach which function
_ORIGINAL = "__mutmut_orig"  # suffix of the unmutated copy mutmut keeps of each function


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


def _mutated_functions(module: ModuleType) -> list[str]:
    """mutmut's names (``module.x_function``, ``module.xǁClassǁmethod``) of a module's functions."""
    names = [name for name in vars(module) if name.endswith(_ORIGINAL)]
    for value in vars(module).values():
        if isinstance(value, type) and value.__module__ == module.__name__:
            names += [name for name in vars(value) if name.endswith(_ORIGINAL)]
    return [f"{module.__name__}.{name.removesuffix(_ORIGINAL)}" for name in sorted(names)]


_alias_runtime_modules()
_CLI_FUNCTIONS = _mutated_functions(importlib.import_module(f"{paths.PACKAGE_NAME}._cli"))


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("MUTANT_UNDER_TEST") == _RECORDING:
        # mutmut keeps its own copy of the value for this process; subprocesses run unrecorded.
        del os.environ["MUTANT_UNDER_TEST"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    module = getattr(item, "module", None)
    if get_mutant_under_test() == _RECORDING and getattr(module, "run_cli", None) is cli.run_cli:
        for name in _CLI_FUNCTIONS:
            record_trampoline_hit(name)
    return (yield)
