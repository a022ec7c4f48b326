"""``make mutate``'s configuration (tools/mutate.py) still names what is there: a renamed module,
function or test file would otherwise quietly drop out of the mutation run."""

import ast
import fnmatch
from pathlib import Path

import pytest

from tools import mutate, paths

RUNTIME_PACKAGE = paths.RUNTIME / paths.PACKAGE_NAME


def _mutmut_names(source: Path) -> set[str]:
    """mutmut's names of a file's functions and methods: x_<function>, xǁ<class>ǁ<method>."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(f"x_{node.name}")
        elif isinstance(node, ast.ClassDef):
            names |= {
                f"xǁ{node.name}ǁ{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            }
    return names


def test_every_runtime_module_is_mutated() -> None:
    on_disk = {path.relative_to(RUNTIME_PACKAGE).as_posix() for path in RUNTIME_PACKAGE.rglob("*.py")}
    assert on_disk == set(mutate.RUNTIME_MODULES)


def test_every_selected_function_of_the_pipeline_exists() -> None:
    for file, patterns in mutate.TOOLS_FUNCTIONS.items():
        names = _mutmut_names(paths.REPO / file)
        unmatched = [pattern for pattern in patterns if not fnmatch.filter(names, pattern)]
        assert unmatched == [], file


def test_the_test_selection_exists_and_the_pytest_setting_it_rewrites_is_there() -> None:
    assert [entry for entry in mutate.TEST_SELECTION if not (paths.REPO / entry).exists()] == []
    assert 'pythonpath = ["generated", "."]' in (paths.REPO / "pyproject.toml").read_text(encoding="utf-8")


def test_only_narrows_the_selection_and_refuses_a_prefix_that_selects_nothing() -> None:
    assert mutate._names_starting("") == mutate._selected_mutants()
    assert mutate._names_starting(f"{paths.PACKAGE_NAME}._cli.") == [f"{paths.PACKAGE_NAME}._cli.*"]
    spec_diff = mutate._names_starting("tools.spec_diff.")
    assert spec_diff and all(name.startswith("tools.spec_diff.spec_diff.") for name in spec_diff)
    assert len(spec_diff) == len(mutate.TOOLS_FUNCTIONS["tools/spec_diff/spec_diff.py"])
    with pytest.raises(SystemExit) as refused:
        mutate._names_starting("tools.nothing")
    assert str(refused.value) == (
        f"mutate: --only tools.nothing selects no mutants (names start with {paths.PACKAGE_NAME}. or tools.)"
    )


def test_every_deselected_test_exists() -> None:
    for test in mutate.DESELECTED:
        file, _, name = test.partition("::")
        assert f"def {name}(" in (paths.REPO / file).read_text(encoding="utf-8"), test


def test_the_readme_block_is_replaced_and_nothing_else() -> None:
    readme = f"# R\n\nbefore\n{mutate.README_START}\nold table\n{mutate.README_END}\nafter\n"

    written = mutate.with_scores(readme, ["| a | b |"], "1 Jan 2026, on commit `abc`")

    assert written == (
        f"# R\n\nbefore\n{mutate.README_START}\n\nLast run: 1 Jan 2026, on commit `abc`.\n\n| a | b |\n\n"
        f"{mutate.README_END}\nafter\n"
    )
    assert mutate.with_scores(written, ["| a | b |"], "1 Jan 2026, on commit `abc`") == written
    with pytest.raises(SystemExit, match=r"README\.md lacks the lines"):
        mutate.with_scores("no markers", [], "")


def test_the_readme_shows_a_score_for_every_mutated_file() -> None:
    readme = (paths.REPO / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index(mutate.README_START) : readme.index(mutate.README_END)]
    rows = [line.split("`")[1] for line in block.splitlines() if line.startswith("| `")]
    expected = [f"runtime/{paths.PACKAGE_NAME}/{name}" for name in mutate.RUNTIME_MODULES] + list(
        mutate.TOOLS_FUNCTIONS
    )
    assert sorted(rows) == sorted(expected)
