"""The generated command line (``python -m openai_realtime_client``) as the tests run it.

``run_cli`` runs the package's entry (``__main__.main()``) in this process, as a fresh interpreter
would see it: the arguments in sys.argv, only the OPENAI_* variables given, the working directory, stdin (text
or bytes), stdout and stderr captured, SystemExit turned into the exit status. In this process so
that coverage and mutation testing (mutmut records which tests reach which function) see the code
the tests exercise. ``run_cli_process`` runs it in a subprocess, for the few tests where the process
itself matters: that ``python -m`` runs at all, a vendored copy under another package name, a
separately generated package, Ctrl-C.
"""

import contextlib
import importlib
import io
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import openai_realtime_client
from openai_realtime_client import _wire

from tests.support.payloads import TEST_API_KEY
from tools import paths

# Where this process imports the package from (generated/; under `make mutate`, the mutated copy),
# so that the command line in a subprocess is the same code.
PACKAGE_ROOT = Path(openai_realtime_client.__file__).resolve().parent.parent
# Wide enough that argparse never breaks a line inside a word of the help text.
_COLUMNS = "400"


def _variables(key: str | None, env: Mapping[str, str] | None) -> dict[str, str]:
    """The variables the command line gets on top of the environment without its OPENAI_* ones."""
    variables = {"COLUMNS": _COLUMNS}
    if key is not None:
        variables["OPENAI_API_KEY"] = key
    variables.update(env or {})
    return variables


def _checked(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert TEST_API_KEY not in result.stdout + result.stderr
    return result


@contextlib.contextmanager
def _environment(variables: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    for name in [name for name in os.environ if name.startswith("OPENAI_")]:
        del os.environ[name]
    os.environ.update(variables)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _process_state() -> Iterator[None]:
    """Puts back what a run may change in this process: cwd, sys.argv, the standard streams, logging, and
    which deprecated operations have warned (a fresh interpreter starts with none)."""
    cwd, argv = os.getcwd(), sys.argv
    streams = sys.stdin, sys.stdout, sys.stderr
    warned = set(_wire._WARNED)
    loggers = [logging.getLogger(), logging.getLogger(paths.PACKAGE_NAME)]
    logging_state = [(lg, list(lg.handlers), lg.level, lg.propagate) for lg in loggers]
    try:
        yield
    finally:
        os.chdir(cwd)
        sys.argv = argv
        sys.stdin, sys.stdout, sys.stderr = streams
        _wire._WARNED.clear()
        _wire._WARNED.update(warned)
        for lg, handlers, level, propagate in logging_state:
            lg.handlers[:] = handlers
            lg.setLevel(level)
            lg.propagate = propagate


def _stream(data: io.BytesIO) -> io.TextIOWrapper:
    """A text stream over bytes, with ``.buffer`` as the real ones have."""
    return io.TextIOWrapper(data, encoding="utf-8", newline="\n")


def _exit_status(stop: SystemExit) -> int:
    """What the interpreter would exit with, as sys.exit's argument says."""
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code
    print(stop.code, file=sys.stderr)
    return 1


def run_cli(
    *args: str,
    cwd: Path,
    key: str | None = TEST_API_KEY,
    stdin: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
    main: Callable[[], int] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The command line in this process, with no OPENAI_* setting but the key (if any) and ``env``.
    The arguments come in sys.argv, as ``python -m`` gives them. ``main``: the entry to run instead
    of the package's (the engine over a test's own commands). Fails the test if the key shows up in
    anything it printed."""
    package_main = importlib.import_module(f"{paths.PACKAGE_NAME}.__main__")
    entry = main or package_main.main
    data = stdin.encode() if isinstance(stdin, str) else stdin or b""
    out, err = io.BytesIO(), io.BytesIO()
    with _process_state(), _environment(_variables(key, env)):
        os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = _stream(io.BytesIO(data)), _stream(out), _stream(err)
        sys.argv = [str(package_main.__file__), *args]
        try:
            status = entry()
        except SystemExit as stop:
            status = _exit_status(stop)
        # Read before the streams are put back: a text stream closes its bytes when collected.
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return _checked(subprocess.CompletedProcess(["python", "-m", paths.PACKAGE_NAME, *args], status, stdout, stderr))


def run_cli_process(
    *args: str,
    cwd: Path,
    key: str | None = TEST_API_KEY,
    stdin: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
    module: str = paths.PACKAGE_NAME,
    pythonpath: Path = PACKAGE_ROOT,
) -> subprocess.CompletedProcess[str]:
    """The command line of the package at ``pythonpath`` in a fresh interpreter, as ``run_cli``
    runs it in this one."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("OPENAI_")}
    environment.update(PYTHONPATH=str(pythonpath), PYTHONDONTWRITEBYTECODE="1", **_variables(key, env))
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=environment,
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return _checked(
        subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(), result.stderr.decode())
    )
