"""runtime/ reaches generated/ byte for byte (after the header), may replace only an empty slot, and
must be left alone by the generated tree's ruff."""

import shutil
from pathlib import Path

import pytest

from tools import paths
from tools.codegen.generate import GENERATED_HEADER, GenerationError, render, runtime_files


def test_every_runtime_module_ships_byte_for_byte_after_the_header() -> None:
    shipped = runtime_files(paths.RUNTIME, paths.PACKAGE_NAME)

    assert {name for name, _ in shipped} >= {
        f"{paths.PACKAGE_NAME}/{name}"
        for name in ("client.py", "errors.py", "types.py", "api/__init__.py", "verify.py")
    }
    for name, source in shipped:
        assert (paths.GENERATED / name).read_bytes() == GENERATED_HEADER.encode() + source.read_bytes(), name
    # The stub is for mypy on runtime/ only; the package gets the rendered module.
    assert not (paths.GENERATED / paths.PACKAGE_NAME / "_project.pyi").exists()


def _runtime_copy(tmp_path: Path) -> Path:
    runtime = tmp_path / "runtime"
    shutil.copytree(paths.RUNTIME, runtime, ignore=shutil.ignore_patterns("__pycache__"))
    return runtime


def test_a_runtime_module_may_not_replace_a_rendered_file(tmp_path: Path) -> None:
    runtime = _runtime_copy(tmp_path)
    (runtime / paths.PACKAGE_NAME / "__main__.py").write_text('"""Not the command line."""\n')

    with pytest.raises(GenerationError, match=r"runtime/openai_realtime_client/__main__\.py would replace"):
        render(tmp_path / "out", runtime=runtime)


def test_a_runtime_module_ruff_would_change_fails_generation(tmp_path: Path) -> None:
    runtime = _runtime_copy(tmp_path)
    (runtime / paths.PACKAGE_NAME / "extra.py").write_text("import sys\nimport os\nX = [1,2]\n")

    with pytest.raises(GenerationError, match=r"runtime/openai_realtime_client/extra\.py: ruff changed it"):
        render(tmp_path / "out", runtime=runtime)
