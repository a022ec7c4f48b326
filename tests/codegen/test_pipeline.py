"""The generation pipeline: check-generated, determinism, config and template guards, mypy."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from openapi_python_client.schema.untrusted_string import UntrustedString

from tests.support.trees import copy_of_generated, hand_edit_one_digit
from tools import paths
from tools.codegen import check_generated
from tools.codegen.check_generated import MAX_DIFF_LINES, TreeDifference, compare_trees, report
from tools.codegen.check_generated import main as check_generated_main
from tools.codegen.generate import (
    GENERATED_HEADER,
    MANIFEST_NAME,
    GenerationError,
    _BodySchemas,
    generate,
    iter_tree,
    load_generator_config,
    render,
)


def _tree_bytes(root: Path) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in iter_tree(root)}


def _git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--", "generated"], cwd=paths.REPO, capture_output=True, text=True, check=True
    ).stdout


def test_check_generated_passes_on_the_checked_in_tree(capsys: pytest.CaptureFixture[str]) -> None:
    before = _git_status()

    assert check_generated_main([]) == 0

    assert "matches a fresh regeneration" in capsys.readouterr().out
    assert _git_status() == before  # it never writes into the working tree


def test_check_generated_fails_after_a_hand_edit_and_names_each_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copy_of_generated(tmp_path / "generated")
    package = copy / paths.PACKAGE_NAME
    edited = package / "client.py"
    edited.write_text(edited.read_text().replace("retries=False", "retries=True"))
    (package / "models" / "error.py").unlink()
    (package / "hand_written.py").write_text("x = 1\n")

    assert check_generated_main(["--tree", str(copy)]) == 1

    report = capsys.readouterr().err
    assert f"changed: generated/{paths.PACKAGE_NAME}/client.py" in report
    lines = report.splitlines()  # the diff's lines, whatever the indentation of the edited call
    assert any(line.lstrip().startswith("-") and "retries=True," in line for line in lines)
    assert any(line.lstrip().startswith("+") and "retries=False," in line for line in lines)
    assert f"missing: generated/{paths.PACKAGE_NAME}/models/error.py" in report
    assert f"extra:   generated/{paths.PACKAGE_NAME}/hand_written.py" in report
    assert "make generate" in report


def test_check_generated_catches_a_same_length_hand_edit_with_the_timestamp_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copy_of_generated(tmp_path / "generated")
    before, after = hand_edit_one_digit(copy / paths.PACKAGE_NAME / "client.py")

    assert check_generated_main(["--tree", str(copy)]) == 1

    report = capsys.readouterr().err
    assert report.count("changed: ") == 1 and f"changed: generated/{paths.PACKAGE_NAME}/client.py" in report
    assert f"    -{after}\n" in report and f"    +{before}\n" in report


def test_check_generated_passes_again_once_the_edit_is_reverted(tmp_path: Path) -> None:
    copy = copy_of_generated(tmp_path / "generated")
    target = copy / paths.PACKAGE_NAME / "types.py"
    original = target.read_bytes()
    target.write_bytes(original + b"\n")
    assert check_generated_main(["--tree", str(copy)]) == 1

    target.write_bytes(original)

    assert check_generated_main(["--tree", str(copy)]) == 0


def test_generation_is_deterministic_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run(
            [sys.executable, "-m", "tools.codegen", "generate", "--output", str(out)], cwd=paths.REPO, env=env,
            check=True, capture_output=True,
        )  # fmt: skip
        trees.append(_tree_bytes(out))

    assert trees[0] == trees[1]
    assert trees[0] == _tree_bytes(paths.GENERATED)
    # The provenance manifest is compared like every other file; name it so losing it cannot pass.
    assert f"{paths.PACKAGE_NAME}/{MANIFEST_NAME}" in trees[0]


def test_generate_replaces_the_whole_tree_so_no_stale_file_survives(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    (target / paths.PACKAGE_NAME / "models").mkdir(parents=True)
    stale = target / paths.PACKAGE_NAME / "models" / "removed_schema.py"
    stale.write_text("class RemovedSchema: ...\n")

    generate(target)

    assert not stale.exists()
    assert not compare_trees(paths.GENERATED, target)
    assert [p.name for p in tmp_path.iterdir()] == ["generated"]  # no scratch directory left behind


def test_every_generated_python_file_starts_with_the_fixed_header() -> None:
    python_files = [path for name, path in iter_tree(paths.GENERATED) if name.endswith(".py")]

    assert len(python_files) > 10
    for path in python_files:
        assert path.read_text().startswith(GENERATED_HEADER), path


def test_generated_code_uses_relative_imports_only() -> None:
    for name, path in iter_tree(paths.GENERATED):
        if name.endswith(".py"):
            assert f"import {paths.PACKAGE_NAME}" not in path.read_text(), name
            assert f"from {paths.PACKAGE_NAME}" not in path.read_text(), name


def test_generator_config_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "generator-config.yaml"
    config.write_text(paths.GENERATOR_CONFIG.read_text() + "literal_enum: true\n")

    with pytest.raises(GenerationError, match=r"unknown key\(s\) literal_enum"):
        load_generator_config(config)


def test_generator_config_may_not_set_post_hooks(tmp_path: Path) -> None:
    config = tmp_path / "generator-config.yaml"
    config.write_text("post_hooks: ['ruff format .']\n")

    with pytest.raises(GenerationError, match="post_hooks is not allowed"):
        load_generator_config(config)


def _templates_with(tmp_path: Path, name: str, text: str) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(paths.TEMPLATES, templates)
    (templates / name).write_text(text)
    return templates


def test_a_template_that_outputs_raw_spec_text_fails_generation(tmp_path: Path) -> None:
    # Written the 0.29.0 way: before 0.29.1 the title was a plain string; now it is an UntrustedString
    # whose default rendering is an object repr.
    templates = _templates_with(tmp_path, "api_init.py.jinja", '"""Operations of {{ openapi.title }}."""\n')

    with pytest.raises(GenerationError, match="raw UntrustedString"):
        render(tmp_path / "out", templates=templates)


def test_a_template_that_stringifies_spec_text_is_caught_in_the_output(tmp_path: Path) -> None:
    templates = _templates_with(tmp_path, "api_init.py.jinja", '"""Operations of {{ "" ~ openapi.title }}."""\n')

    with pytest.raises(GenerationError, match=r"api/__init__\.py:\d+: an unescaped object reached the output"):
        render(tmp_path / "out", templates=templates)


def test_a_generator_warning_fails_generation(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        paths.SPEC.read_text().replace(
            "  /realtime/sessions:\n",
            "  /realtime/broken:\n    get:\n      operationId: broken\n      responses:\n"
            "        '200':\n          description: x\n          content:\n            application/json:\n"
            "              schema:\n                $ref: '#/components/schemas/DoesNotExist'\n"
            "  /realtime/sessions:\n",
        )
    )

    with pytest.raises(GenerationError, match="openapi-python-client reported problems"):
        render(tmp_path / "out", spec=spec)


def test_a_spec_that_is_not_yaml_fails_with_one_clear_error(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: [3.1\n")

    with pytest.raises(GenerationError, match=r"cannot read openapi\.yaml"):
        render(tmp_path / "out", spec=spec)


def test_mypy_strict_passes_on_a_fresh_generation(tmp_path: Path) -> None:
    out = tmp_path / "out"
    render(out)

    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file", os.devnull,
         str(out / paths.PACKAGE_NAME)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_a_body_schema_with_a_dangling_reference_fails_with_one_clear_error(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "paths:\n  /things:\n    post:\n      requestBody:\n        content:\n          application/json:\n"
        "            schema: {$ref: '#/components/schemas/Nowhere'}\n"
    )
    endpoint = SimpleNamespace(method="post", path=UntrustedString("/things"))

    with pytest.raises(
        GenerationError,
        match=r"POST /things: cannot resolve its body schema: \$ref '#/components/schemas/Nowhere' points to nothing$",
    ):
        _BodySchemas(spec)(endpoint)


# -- check-generated's comparison and report on small trees (no generation) ----------------------------


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def test_compare_trees_names_missing_extra_and_changed_files_sorted(tmp_path: Path) -> None:
    fresh = _tree(
        tmp_path / "fresh", {"b.py": b"1\n", "a.py": b"1\n", "same.py": b"x\n", "d/c.py": b"2\n", "e.py": b"1"}
    )
    checked_in = _tree(tmp_path / "in", {"z.py": b"", "y.py": b"", "same.py": b"x\n", "d/c.py": b"3\n", "e.py": b"2"})

    difference = compare_trees(fresh, checked_in)

    assert difference == TreeDifference(missing=["a.py", "b.py"], extra=["y.py", "z.py"], changed=["d/c.py", "e.py"])
    everything_missing = TreeDifference(missing=["a.py", "b.py", "d/c.py", "e.py", "same.py"], extra=[], changed=[])
    assert compare_trees(fresh, tmp_path / "nowhere") == everything_missing
    assert compare_trees(fresh, _tree(tmp_path, {"a-file": b""}) / "a-file") == everything_missing
    assert not compare_trees(fresh, fresh)
    assert TreeDifference(["x"], [], []) and TreeDifference([], ["x"], []) and TreeDifference([], [], ["x"])


def test_caches_and_build_products_are_not_part_of_the_tree(tmp_path: Path) -> None:
    """`pip install ./generated` leaves an .egg-info directory beside the package; Python and the
    linters leave caches; none of them is an edit of the output."""
    fresh = _tree(tmp_path / "fresh", {"pkg/a.py": b"1\n"})
    litter = {
        "pkg/__pycache__/a.cpython-311.pyc": b"",
        "pkg/a.pyc": b"",
        "openai_realtime_client.egg-info/PKG-INFO": b"",
        "build/lib/pkg/a.py": b"",
        "dist/pkg.whl": b"",
        ".mypy_cache/x.json": b"",
        ".pytest_cache/v": b"",
        ".ruff_cache/x": b"",
    }
    assert not compare_trees(fresh, _tree(tmp_path / "in", {"pkg/a.py": b"1\n", **litter}))
    near_misses = {"pkg/egg-info.py": b"", "pkg/build.py": b"", "pkg/pyc": b"", "pkg/a.pyc.txt": b""}
    checked_in = _tree(tmp_path / "near", {"pkg/a.py": b"1\n", **near_misses})
    assert compare_trees(fresh, checked_in).extra == sorted(near_misses)


def test_the_report_lists_each_difference_with_a_diff_of_what_changed(tmp_path: Path) -> None:
    fresh = _tree(tmp_path / "fresh", {"a.py": b"one\ntwo\n", "img.bin": b"\xff\x00", "tail.py": b"x = 1"})
    checked_in = _tree(tmp_path / "in", {"a.py": b"one\nTWO\n", "img.bin": b"\xfe\x00", "tail.py": b"x = 2"})
    difference = TreeDifference(missing=["m.py"], extra=["e.py"], changed=["a.py", "img.bin", "tail.py"])

    assert report(difference, fresh, checked_in) == (
        "generated/ is out of date with openapi.yaml, generator-config.yaml and templates/:\n"
        "  missing: generated/m.py\n"
        "  extra:   generated/e.py\n"
        "  changed: generated/a.py\n"
        "    --- generated/a.py (checked in)\n"
        "    +++ generated/a.py (regenerated)\n"
        "    @@ -1,2 +1,2 @@\n"
        "     one\n"
        "    -TWO\n"
        "    +two\n"
        "  changed: generated/img.bin\n"
        "    (binary file img.bin differs)\n"
        "  changed: generated/tail.py\n"
        "    --- generated/tail.py (checked in)\n"
        "    +++ generated/tail.py (regenerated)\n"
        "    @@ -1 +1 @@\n"
        "    -x = 2\n"
        "    +x = 1\n"
        "Never edit generated/ by hand: change the spec or templates/, then run `make generate`.\n"
    )


@pytest.mark.parametrize("changed_lines", [MAX_DIFF_LINES - 3, MAX_DIFF_LINES - 2])
def test_a_long_diff_is_cut_at_max_diff_lines(tmp_path: Path, changed_lines: int) -> None:
    # A diff of n changed lines is 3 header lines and n removed lines: up to MAX_DIFF_LINES, all are shown.
    fresh = _tree(tmp_path / "fresh", {"a.py": b""})
    checked_in = _tree(tmp_path / "in", {"a.py": b"".join(b"%d\n" % i for i in range(changed_lines))})

    text = report(TreeDifference([], [], ["a.py"]), fresh, checked_in)

    lines = text.splitlines()[2:-1]  # the diff alone
    total = 3 + changed_lines
    if total <= MAX_DIFF_LINES:
        assert len(lines) == total and lines[-1] == f"    -{changed_lines - 1}"
    else:
        assert len(lines) == MAX_DIFF_LINES + 1
        assert lines[-2] == f"    -{MAX_DIFF_LINES - 4}"
        assert lines[-1] == f"        ... {total - MAX_DIFF_LINES} more diff lines"


def test_check_generated_reports_a_failed_generation_and_a_difference_with_their_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(target: Path) -> None:
        raise GenerationError("the template\nexploded")

    monkeypatch.setattr(check_generated, "render", broken)
    assert check_generated_main(["--tree", str(tmp_path)]) == 1
    assert capsys.readouterr() == ("", "check-generated: generation failed: the template exploded\n")

    def small(target: Path) -> None:
        _tree(target, {"a.py": b"a\n"})

    monkeypatch.setattr(check_generated, "render", small)
    checked_in = _tree(tmp_path / "in", {"a.py": b"a\n"})
    assert check_generated_main(["--tree", str(checked_in)]) == 0
    assert capsys.readouterr() == (f"==> {checked_in} matches a fresh regeneration\n", "")
    monkeypatch.setattr(paths, "GENERATED", checked_in)  # the default tree
    assert check_generated_main([]) == 0
    assert capsys.readouterr() == (f"==> {checked_in} matches a fresh regeneration\n", "")
    (checked_in / "b.py").write_bytes(b"")
    assert check_generated_main(["--tree", str(checked_in)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines()[1:] == [
        "  extra:   generated/b.py",
        "Never edit generated/ by hand: change the spec or templates/, then run `make generate`.",
    ]


def test_check_generated_help_and_usage_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exited:
        check_generated_main(["--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == (
        "usage: python -m tools.codegen check [-h] [--tree TREE]\n\n"
        "``make check-generated``: fail if generated/ is not exactly what ``make generate`` would write.\n\n"
        "options:\n"
        "  -h, --help   show this help message and exit\n"
        "  --tree TREE  the tree to check (default: generated/)\n"
    )
    assert check_generated_main(["--bogus"]) == 2
    assert capsys.readouterr().err == "check-generated: usage: unrecognized arguments: --bogus (see --help)\n"
