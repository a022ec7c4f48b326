"""runtime/openai_realtime_client/verify.py in this process: the manifest's checks, the comparison
and the lines main() prints. tests/codegen/test_verify.py runs the shipped script in a separate
interpreter; these reach each decision directly, so that ``make mutate`` can see them."""

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from runtime.openai_realtime_client import verify
from tests.support.trees import copy_of_generated, hand_edit_one_digit
from tools import paths

PACKAGE = paths.PACKAGE_NAME
DIGEST = "ab" * 32


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of generated/, with the working directory above it (paths print relative to it)."""
    monkeypatch.chdir(tmp_path)
    return copy_of_generated(tmp_path / "generated")


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _manifest(outputs: dict[str, str], **changes: Any) -> dict[str, Any]:
    return {"format_version": 1, "digest": "sha256", "package": PACKAGE, "outputs": outputs, **changes}


def test_a_well_formed_manifest_loads(tmp_path: Path) -> None:
    outputs = {f"{PACKAGE}/client.py": DIGEST, "README.md": "0" * 64}
    loaded = verify.load_manifest(_write(tmp_path / "m.json", _manifest(outputs)))
    assert loaded == verify.Manifest(PACKAGE, outputs)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], " is not a version 1 sha256 provenance manifest"),
        (_manifest({}, format_version=2), " is not a version 1 sha256 provenance manifest"),
        (_manifest({}, digest="sha1"), " is not a version 1 sha256 provenance manifest"),
        ({"format_version": 1, "package": PACKAGE, "outputs": {}}, " is not a version 1 sha256 provenance manifest"),
        (_manifest({}, package=""), " names no package or no outputs"),
        (_manifest({}, package=7), " names no package or no outputs"),
        (_manifest([]), " names no package or no outputs"),  # type: ignore[arg-type]
        (_manifest({"/etc/passwd": DIGEST}), ": bad entry '/etc/passwd'"),
        (_manifest({"a\\b.py": DIGEST}), ": bad entry 'a\\\\b.py'"),
        (_manifest({"x/../../y.py": DIGEST}), ": bad entry 'x/../../y.py'"),
        (_manifest({"x.py": DIGEST.upper()}), ": bad entry 'x.py'"),
        (_manifest({"x.py": DIGEST[:-1]}), ": bad entry 'x.py'"),
        (_manifest({"x.py": DIGEST + "0"}), ": bad entry 'x.py'"),
        (_manifest({"x.py": 7}), ": bad entry 'x.py'"),  # type: ignore[dict-item]
    ],
)
def test_a_malformed_manifest_is_refused_saying_why(tmp_path: Path, data: Any, problem: str) -> None:
    path = _write(tmp_path / "m.json", data)
    with pytest.raises(verify.ManifestError) as raised:
        verify.load_manifest(path)
    assert str(raised.value) == f"{path}{problem}"


def test_entry_names_with_dots_that_stay_inside_are_accepted(tmp_path: Path) -> None:
    outputs = {"a..b/c.py": DIGEST, "./x.py": DIGEST}
    assert verify.load_manifest(_write(tmp_path / "m.json", _manifest(outputs))).outputs == outputs


def test_an_unreadable_or_non_json_manifest_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(verify.ManifestError, match=r"^cannot read absent\.json: No such file or directory$"):
        verify.load_manifest(Path("absent.json"))
    (tmp_path / "bad.json").write_bytes(b"\xff{")
    with pytest.raises(verify.ManifestError, match=r"^bad\.json is not JSON: "):
        verify.load_manifest(Path("bad.json"))


def test_the_checked_in_tree_matches_and_every_entry_is_counted(tree: Path) -> None:
    manifest = verify.load_manifest(tree / PACKAGE / verify.MANIFEST_NAME)
    in_package = sum(name.startswith(f"{PACKAGE}/") for name in manifest.outputs)
    assert in_package < len(manifest.outputs)  # the premise: some files are outside the package

    assert verify.check(tree / PACKAGE, manifest, project=False) == verify.Report(checked=in_package)
    assert verify.check(tree / PACKAGE, manifest, project=True) == verify.Report(checked=len(manifest.outputs))


def test_changed_missing_and_extra_files_are_each_named(tree: Path) -> None:
    package = tree / PACKAGE
    manifest = verify.load_manifest(package / verify.MANIFEST_NAME)
    hand_edit_one_digit(package / "client.py")
    (package / "py.typed").unlink()
    (package / "models" / "hand_written.py").write_text("PATCHED = True\n")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "client.cpython-311.pyc").write_bytes(b"\x00")
    (package / "models" / "stray.pyc").write_bytes(b"\x00")
    (tree / "README.md").write_text("edited\n")
    actual = hashlib.sha256((package / "client.py").read_bytes()).hexdigest()
    recorded = manifest.outputs[f"{PACKAGE}/client.py"]

    report = verify.check(package, manifest, project=False)

    changed = f"generated/{PACKAGE}/client.py (sha256 {actual[:16]}..., manifest has {recorded[:16]}...)"
    assert report.changed == [changed]
    assert report.missing == [f"generated/{PACKAGE}/py.typed"]
    assert report.extra == [f"generated/{PACKAGE}/models/hand_written.py"]
    assert verify.check(package, manifest, project=True).changed[0].startswith("generated/README.md (sha256 ")


def test_what_is_not_a_file_is_missing(tree: Path) -> None:
    package = tree / PACKAGE
    manifest = verify.load_manifest(package / verify.MANIFEST_NAME)
    (package / "py.typed").unlink()
    (package / "py.typed").mkdir()
    (package / "client.py").unlink()
    (package / "client.py").symlink_to(package / "no-such-target")
    report = verify.check(package, manifest, project=False)
    assert report.missing == [f"generated/{PACKAGE}/client.py", f"generated/{PACKAGE}/py.typed"]


def test_an_unreadable_file_is_reported_as_changed(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(verify, "_sha256", refuse)  # as root, no file mode makes a file unreadable
    manifest = verify.load_manifest(tree / PACKAGE / verify.MANIFEST_NAME)
    report = verify.check(tree / PACKAGE, manifest, project=False)
    assert report.changed[0] == f"generated/{PACKAGE}/__init__.py (unreadable: Permission denied)"
    in_package = sum(name.startswith(f"{PACKAGE}/") for name in manifest.outputs)
    assert len(report.changed) == report.checked == in_package


def test_paths_outside_the_working_directory_print_whole(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree / PACKAGE / "models")
    (tree / PACKAGE / "py.typed").unlink()
    report = verify.check(tree / PACKAGE, verify.load_manifest(tree / PACKAGE / verify.MANIFEST_NAME), project=False)
    assert report.missing == [str(tree / PACKAGE / "py.typed")]


def _manifest_of_this_module(tmp_path: Path, *, wrong: str | None = None) -> tuple[Path, Path]:
    """A manifest of the files beside verify.py, whatever directory it was loaded from; the entry
    ``wrong`` gets a digest that does not match."""
    package = Path(verify.__file__).resolve().parent
    outputs = {}
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if path.is_file() and "__pycache__" not in relative.parts and relative.name != verify.MANIFEST_NAME:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            outputs[f"{PACKAGE}/{relative.as_posix()}"] = "0" * 64 if relative.as_posix() == wrong else digest
    return _write(tmp_path / "trusted.json", _manifest(outputs)), package


def test_main_says_ok_and_counts_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    manifest, package = _manifest_of_this_module(tmp_path)
    count = len(json.loads(manifest.read_text())["outputs"])

    assert verify.main(["--manifest", str(manifest)]) == verify.EXIT_OK
    assert capsys.readouterr().out == f"verify: OK: {count} files match trusted.json, no extra files in {package}\n"
    assert verify.main(["--manifest", str(manifest), "--quiet", "--project"]) == verify.EXIT_OK
    assert capsys.readouterr() == ("", "")


def test_main_names_each_problem_then_sums_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    manifest, package = _manifest_of_this_module(tmp_path, wrong="verify.py")
    data = json.loads(manifest.read_text())
    data["outputs"][f"{PACKAGE}/gone.py"] = DIGEST
    data["outputs"]["outside.txt"] = DIGEST  # outside the package: checked only with --project
    _write(manifest, data)
    count = len(data["outputs"]) - 1

    assert verify.main(["--manifest", str(manifest)]) == verify.EXIT_MISMATCH
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"changed: {package / 'verify.py'} (sha256 ")
    assert lines[0].endswith(", manifest has 0000000000000000...)")
    assert lines[1:] == [
        f"missing: {package / 'gone.py'}",
        f"verify: FAILED: 1 changed, 1 missing, 0 extra; {count} files checked against trusted.json",
    ]
    assert verify.main(["--manifest", str(manifest), "--project"]) == verify.EXIT_MISMATCH
    assert f"missing: {package.parent / 'outside.txt'}" in capsys.readouterr().out.splitlines()
    assert verify.main(["--manifest", str(manifest), "--quiet"]) == verify.EXIT_MISMATCH
    assert capsys.readouterr() == ("", "")


def test_main_without_a_usable_manifest_exits_2_on_stderr_even_when_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert verify.main(["--quiet", "--manifest", "absent.json"]) == verify.EXIT_NO_MANIFEST
    assert capsys.readouterr() == ("", "verify: cannot read absent.json: No such file or directory\n")


@pytest.mark.parametrize("kind", ["changed", "missing", "extra"])
def test_any_one_problem_fails_the_report(kind: str) -> None:
    assert verify.Report(checked=3, **{kind: ["x"]})
    assert not verify.Report(checked=3)


def test_a_missing_file_does_not_stop_the_check_of_the_next(tree: Path) -> None:
    package = tree / PACKAGE
    manifest = verify.load_manifest(package / verify.MANIFEST_NAME)
    (package / "_lazy.py").unlink()  # sorted before client.py
    hand_edit_one_digit(package / "client.py")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "notes.txt").write_text("a cache directory is skipped whole\n")
    report = verify.check(package, manifest, project=False)
    assert (report.missing, [line.split(" ")[0] for line in report.changed], report.extra) == (
        [f"generated/{PACKAGE}/_lazy.py"],
        [f"generated/{PACKAGE}/client.py"],
        [],
    )


def test_main_checks_the_manifest_beside_the_script_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    verify.main([])
    printed = capsys.readouterr()
    # runtime/ has no manifest (exit 2); the generated package has one: either way it is the one named.
    assert str(Path(verify.__file__).resolve().parent / verify.MANIFEST_NAME) in printed.out + printed.err


def test_main_reports_a_file_the_manifest_does_not_list_as_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    manifest, package = _manifest_of_this_module(tmp_path)
    data = json.loads(manifest.read_text())
    del data["outputs"][f"{PACKAGE}/errors.py"]
    _write(manifest, data)

    assert verify.main(["--manifest", str(manifest)]) == verify.EXIT_MISMATCH
    assert capsys.readouterr().out.splitlines()[0] == f"extra:   {package / 'errors.py'}"


def test_the_help_names_each_option_and_what_it_does(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exited:
        verify.main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: ") and "[--project] [--quiet] [--manifest FILE]" in text
    assert "\nCheck this package's files against provenance.json, the manifest ``make generate`` wrote" in text
    assert re.search(r"\n  --project +also check the project files outside the package \(generated/ itself\)\n", text)
    assert re.search(r"\n  --quiet +print nothing on stdout; the exit status tells\n", text)
    assert "--manifest FILE  a manifest to check against (default: the provenance.json beside this script)" in text
