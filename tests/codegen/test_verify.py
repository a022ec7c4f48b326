"""The shipped verify script: run on copies of generated/, vendored copies and a built package,
always in a separate interpreter, most often one without site-packages (-I -S)."""

import ast
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.support.trees import copy_of_generated, hand_edit_one_digit
from tools import paths
from tools.codegen.generate import MANIFEST_NAME

PACKAGE = paths.PACKAGE_NAME
STDLIB_ONLY = ("-I", "-S")  # isolated, and no site-packages: only the standard library imports


def _verify(
    script: Path, *args: str, cwd: Path, flags: Sequence[str] = STDLIB_ONLY
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, str(script), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )


def _flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _outputs() -> dict[str, str]:
    outputs = json.loads((paths.GENERATED / PACKAGE / MANIFEST_NAME).read_text())["outputs"]
    assert isinstance(outputs, dict)
    return outputs


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of generated/ at tmp_path/generated; commands run from tmp_path."""
    return copy_of_generated(tmp_path / "generated")


def _git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--", "generated"], cwd=paths.REPO, capture_output=True, text=True, check=True
    ).stdout


def test_make_verify_passes_on_the_checked_in_tree() -> None:
    before = _git_status()

    result = subprocess.run(
        ["make", "-s", "verify", f"PYTHON={sys.executable}"], cwd=paths.REPO, capture_output=True, text=True,
        check=False, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (
        f"verify: OK: {len(_outputs())} files match generated/{PACKAGE}/{MANIFEST_NAME}, "
        f"no extra files in generated/{PACKAGE}\n"
    )
    assert _git_status() == before


def test_one_changed_byte_fails_verification_and_names_the_file(tree: Path) -> None:
    script = tree / PACKAGE / "verify.py"
    assert _verify(script, "--project", cwd=tree.parent).returncode == 0
    _flip_one_byte(tree / PACKAGE / "models" / "error.py")

    result = _verify(script, "--project", cwd=tree.parent)

    assert result.returncode == 1, result.stderr
    problem, summary = result.stdout.splitlines()
    assert problem.startswith(f"changed: generated/{PACKAGE}/models/error.py (sha256 ")
    assert summary.startswith("verify: FAILED: 1 changed, 0 missing, 0 extra; ")


def test_a_same_length_edit_with_the_timestamp_kept_fails_verification(tree: Path) -> None:
    hand_edit_one_digit(tree / PACKAGE / "client.py")

    result = _verify(tree / PACKAGE / "verify.py", cwd=tree.parent)

    assert result.returncode == 1, result.stderr
    problem, summary = result.stdout.splitlines()
    assert problem.startswith(f"changed: generated/{PACKAGE}/client.py (sha256 ")
    assert summary.startswith("verify: FAILED: 1 changed, 0 missing, 0 extra; ")


def test_project_files_outside_the_package_are_checked_only_with_project(tree: Path) -> None:
    script = tree / PACKAGE / "verify.py"
    _flip_one_byte(tree / "README.md")

    assert _verify(script, cwd=tree.parent).returncode == 0
    result = _verify(script, "--project", cwd=tree.parent)

    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("changed: generated/README.md (sha256 ")


def test_missing_and_extra_files_are_reported_and_bytecode_caches_ignored(tree: Path) -> None:
    package = tree / PACKAGE
    (package / "py.typed").unlink()
    (package / "models" / "hand_written.py").write_text("PATCHED = True\n")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "client.cpython-311.pyc").write_bytes(b"\x00")
    (package / "models" / "stray.pyc").write_bytes(b"\x00")

    result = _verify(package / "verify.py", cwd=tree.parent)

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"missing: generated/{PACKAGE}/py.typed",
        f"extra:   generated/{PACKAGE}/models/hand_written.py",
        f"verify: FAILED: 0 changed, 1 missing, 1 extra; {sum(n.startswith(PACKAGE + '/') for n in _outputs())} "
        f"files checked against generated/{PACKAGE}/{MANIFEST_NAME}",
    ]


def test_quiet_prints_nothing_and_the_exit_status_tells(tree: Path) -> None:
    script = tree / PACKAGE / "verify.py"
    clean = _verify(script, "--quiet", cwd=tree.parent)
    _flip_one_byte(tree / PACKAGE / "client.py")

    dirty = _verify(script, "--quiet", cwd=tree.parent)

    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")
    assert (dirty.returncode, dirty.stdout, dirty.stderr) == (1, "", "")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("delete", f"cannot read generated/{PACKAGE}/{MANIFEST_NAME}: No such file or directory"),
        ("truncate", "is not JSON"),
        ("future format", "is not a version 1 sha256 provenance manifest"),
        ("path outside", "bad entry '../outside.py'"),
    ],
)
def test_a_missing_or_unreadable_manifest_exits_2(tree: Path, damage: str, message: str) -> None:
    manifest = tree / PACKAGE / MANIFEST_NAME
    data = json.loads(manifest.read_text())
    if damage == "delete":
        manifest.unlink()
    elif damage == "truncate":
        manifest.write_text(manifest.read_text()[:200])
    elif damage == "future format":
        manifest.write_text(json.dumps({**data, "format_version": 2}))
    else:
        manifest.write_text(json.dumps({**data, "outputs": {"../outside.py": "0" * 64}}))

    result = _verify(tree / PACKAGE / "verify.py", "--quiet", cwd=tree.parent)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("verify: ") and message in result.stderr


def test_a_manifest_kept_elsewhere_catches_an_edit_made_together_with_the_local_manifest(
    tree: Path, tmp_path: Path
) -> None:
    trusted = tmp_path / "trusted-provenance.json"
    shutil.copy(tree / PACKAGE / MANIFEST_NAME, trusted)
    edited = tree / PACKAGE / "client.py"
    _flip_one_byte(edited)
    local = tree / PACKAGE / MANIFEST_NAME
    data = json.loads(local.read_text())
    data["outputs"][f"{PACKAGE}/client.py"] = hashlib.sha256(edited.read_bytes()).hexdigest()
    local.write_text(json.dumps(data))
    script = tree / PACKAGE / "verify.py"

    assert _verify(script, cwd=tmp_path).returncode == 0  # the local manifest was "fixed" along with the file
    result = _verify(script, "--manifest", str(trusted), cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout.startswith(f"changed: generated/{PACKAGE}/client.py ")


def test_a_vendored_copy_verifies_with_the_standard_library_only_in_every_invocation(tmp_path: Path) -> None:
    app = tmp_path / "app"
    vendor = app / "myservice" / "_vendor"
    vendor.mkdir(parents=True)
    (app / "myservice" / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")
    package = vendor / PACKAGE
    shutil.copytree(paths.GENERATED / PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    script = package / "verify.py"
    # The premise: without site-packages the package's own dependency is not importable.
    assert subprocess.run([sys.executable, "-S", "-c", "import urllib3"], capture_output=True, check=False).returncode

    isolated = _verify(script, cwd=app)
    # Without -I Python puts the package directory on sys.path, where types.py would shadow the
    # standard library's types module; the script must take it off first.
    as_a_file = _verify(script, cwd=app, flags=("-S",))
    as_a_module = subprocess.run(
        [sys.executable, "-m", f"myservice._vendor.{PACKAGE}.verify"], cwd=app, capture_output=True, text=True,
        check=False, timeout=60,
    )  # fmt: skip

    for result in (isolated, as_a_file, as_a_module):
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("verify: OK: ")
        assert result.stdout.rstrip().endswith(f"no extra files in myservice/_vendor/{PACKAGE}")
    _flip_one_byte(package / "api" / "realtime" / "create_realtime_session.py")

    for flags in (STDLIB_ONLY, ("-S",)):
        result = _verify(script, cwd=app, flags=flags)
        assert result.returncode == 1, result.stderr
        assert f"changed: myservice/_vendor/{PACKAGE}/api/realtime/create_realtime_session.py " in result.stdout


def test_the_verify_script_imports_only_the_standard_library() -> None:
    tree = ast.parse((paths.GENERATED / PACKAGE / "verify.py").read_text())

    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module is not None, "no relative imports: it must run as a file"
            imported.add(node.module.split(".")[0])

    assert imported and imported <= sys.stdlib_module_names, imported - sys.stdlib_module_names


def test_a_build_of_generated_ships_the_manifest_and_every_file_it_lists(tmp_path: Path) -> None:
    pytest.importorskip("setuptools")
    source = tmp_path / "src"
    copy_of_generated(source)
    build_lib = tmp_path / "lib"

    # build_py collects exactly what a wheel of generated/ installs (modules and package data),
    # offline and without the `wheel` package setuptools would need for a full wheel.
    subprocess.run(
        [sys.executable, "-c", "import setuptools; setuptools.setup()", "--quiet", "build_py", "--build-lib",
         str(build_lib)],
        cwd=source, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip

    installed = build_lib / PACKAGE
    assert (installed / MANIFEST_NAME).read_bytes() == (paths.GENERATED / PACKAGE / MANIFEST_NAME).read_bytes()
    result = _verify(installed / "verify.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr  # nothing the manifest lists was left out
