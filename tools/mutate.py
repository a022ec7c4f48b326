"""``make mutate``: mutation testing (mutmut) of the runtime and the pipeline's decision code.

The tests import the package as ``openai_realtime_client`` from generated/, where ``make generate``
copied the runtime modules byte for byte after a two-line header. mutmut names a mutant after the
module its file path gives and switches it on only inside that module, so the run happens in a
scratch copy of the repository (``.mutate/tree/``, git-ignored) whose ``src/openai_realtime_client``
is generated/'s package: mutmut drops the ``src.`` prefix, and pytest there imports ``src/`` instead
of generated/ (which stays pristine for the tests that read it as files). The tests that import
runtime/ directly are pointed at the same modules by ``tests/support/mutation.py``.

mutmut records which tests reach each function and runs only those against its mutants (``-x``).
The report of survivors (with each one's diff) goes to ``.mutate/survivors.txt``; a score per
module is printed. Equivalent mutants are marked in the code with ``# pragma: no mutate`` and why.
"""

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tools import paths

SCRATCH = paths.REPO / ".mutate"
TREE = SCRATCH / "tree"
REPORT = SCRATCH / "survivors.txt"
SUMMARY = SCRATCH / "scores.json"
RUN_LABEL = SCRATCH / "run.txt"  # when and on what the last run started: the README says it

PACKAGE_SOURCE = Path("src") / paths.PACKAGE_NAME
# The runtime's modules (runtime/openai_realtime_client/, copied into the package), every function.
RUNTIME_MODULES = (
    "client.py", "errors.py", "types.py", "api/__init__.py", "_async.py", "_cli.py", "_cli_webhooks.py", "_lazy.py",
    "_wire.py",
    "verify.py", "webhooks.py",
)  # fmt: skip
# The pipeline's decision code, by function (mutmut's names: x_<function>, xǁ<class>ǁ<method>):
# spec-diff's verdicts, the import's fixes (normalization, the swap detection), check-generated.
TOOLS_FUNCTIONS = {
    "tools/spec_diff/spec_diff.py": (
        "xǁ_Differǁ*", "x__widens", "x__overlap", "x__bounds", "x__allows_null", "x__is_null_schema",
        "x__missing", "x__match_variants", "x__label", "x__mark", "xǁReportǁ*", "x__success_code", "x__other_kind",
        "x__is_extension",
    ),
    "tools/spec_import/import_spec.py": (
        "x_normalize", "x__normalize_schema", "x__is_null", "x__make_nullable", "x__collapse_nullable_union",
        "x__alias_target", "x__shorten_ref_chains", "x__type_value", "x__discriminate_unions", "x__discriminate",
        "x__operation_schema", "x__detect_swapped_session_schemas",
    ),
    "tools/codegen/check_generated.py": ("*",),
}  # fmt: skip

# What runs against the mutants: mutmut narrows it per function to the tests that reached it.
# No browser, no regeneration of the real releases, nothing that only runs in a subprocess.
TEST_SELECTION = (
    "tests/unit",
    "tests/faults",
    "tests/contract",
    "tests/codegen/test_spec_diff.py",
    "tests/codegen/test_import_spec.py",
    "tests/codegen/test_overlay_and_import.py",
    "tests/codegen/test_pipeline.py",
    "tests/codegen/test_provenance.py",
)
# Tests that cannot pass on mutmut's copy whatever the mutant: a warning's stacklevel counts the
# frames above warnings.warn, and mutmut's trampoline adds its own between the caller and the code.
DESELECTED = (
    "tests/unit/test_client_arguments.py::test_from_dict_warns_about_a_misspelled_field_names_the_nearest_and_keeps_it",
    "tests/contract/test_calls.py::test_beta_operations_warn_once_pointing_at_the_ga_call",
)
# Seconds a test may take under a mutant (the slowest takes about 15 unmutated): a mutant that makes
# a test hang is killed by this instead of by the suite's own limit of 300 s, which cost a worker
# five minutes for each such mutant.
TEST_TIMEOUT = 45
PRAGMA = re.compile(r"#\s*pragma:\s*no mutate")

# mutmut's statuses, grouped as the README's table counts them.
KILLED = {"killed", "timeout", "caught by type check", "segfault"}


@dataclass
class ModuleScore:
    module: str  # the file in the repository
    statuses: Counter[str]
    marked: int  # lines carrying the pragma: mutants marked equivalent

    @property
    def untested(self) -> int:
        return self.statuses["untested"]

    @property
    def mutants(self) -> int:
        """The mutants tested (a stopped run leaves some untested)."""
        return sum(self.statuses.values()) - self.untested

    @property
    def killed(self) -> int:
        return sum(n for status, n in self.statuses.items() if status in KILLED)

    @property
    def survived(self) -> int:
        return self.mutants - self.killed

    @property
    def score(self) -> float:
        return 100.0 * self.killed / self.mutants if self.mutants else 100.0


def _repository_file(mutated: str) -> Path:
    """The file in the repository a mutated file of the scratch tree comes from."""
    path = Path(mutated)
    if path.parts[:2] == PACKAGE_SOURCE.parts:
        return Path("runtime", *path.parts[1:])
    return path


def _mutated_files() -> list[str]:
    return [str(PACKAGE_SOURCE / name) for name in RUNTIME_MODULES] + list(TOOLS_FUNCTIONS)


def _selected_mutants() -> list[str]:
    """mutmut's name globs for the mutants a full run tests (the others are made, then left)."""
    names = [f"{paths.PACKAGE_NAME}.*"]
    for file, functions in TOOLS_FUNCTIONS.items():
        module = file.removesuffix(".py").replace("/", ".")
        names += [f"{module}.{function}__mutmut_*" for function in functions]
    return names


def _mutmut_config() -> str:
    also_copy = sorted(entry.name for entry in TREE.iterdir() if entry.name not in {"src", "tools", "mutants"})
    settings = {
        "source_paths": [str(PACKAGE_SOURCE), "tools"],
        "only_mutate": _mutated_files(),
        "also_copy": also_copy,
        "pytest_add_cli_args": ["-p", "tests.support.mutation", "-p", "no:randomly", f"--timeout={TEST_TIMEOUT}"]
        + [f"--deselect={test}" for test in DESELECTED],
        "pytest_add_cli_args_test_selection": list(TEST_SELECTION),
        "use_git_change_detection": False,
    }
    return "\n[tool.mutmut]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())


def build_tree(*, keep_results: bool) -> None:
    """A fresh scratch copy of the working tree (tracked and untracked files, not ignored ones). With
    keep_results, mutmut's results (its .meta files) are put back: mutmut keeps a result for each
    function whose code did not change."""
    mutants = TREE / "mutants"
    kept = {path.relative_to(mutants): path.read_bytes() for path in mutants.rglob("*.meta")} if keep_results else {}
    shutil.rmtree(TREE, ignore_errors=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=paths.REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = paths.REPO / name
        if source.is_file():
            (TREE / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, TREE / name)
    shutil.copytree(paths.GENERATED / paths.PACKAGE_NAME, TREE / PACKAGE_SOURCE)
    pyproject = TREE / "pyproject.toml"
    text = pyproject.read_text()
    pythonpath = 'pythonpath = ["generated", "."]'
    if pythonpath not in text:
        raise SystemExit(f"mutate: pyproject.toml no longer says {pythonpath}; tools/mutate.py must follow it")
    pyproject.write_text(text.replace(pythonpath, 'pythonpath = ["src", "."]') + _mutmut_config())
    # Tests that run `make` there use the repository's .venv (which has mutmut, imported by the
    # mutated modules) instead of creating one; made before mutmut copies the tree into mutants/.
    mutants.mkdir()
    (mutants / ".venv").symlink_to(paths.REPO / ".venv")
    for relative, data in kept.items():
        (mutants / relative).parent.mkdir(parents=True, exist_ok=True)
        (mutants / relative).write_bytes(data)


def _selected(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _selected_mutants())


def undecided() -> list[str]:
    """The selected mutants without a result or not killed: what a rerun tests again."""
    from mutmut.stats import status_by_exit_code

    names = []
    for mutated in _mutated_files():
        meta = json.loads((TREE / "mutants" / f"{mutated}.meta").read_text())
        for name, code in meta["exit_code_by_key"].items():
            if _selected(name) and (code is None or status_by_exit_code[code] not in KILLED):
                names.append(name)
    return sorted(names)


_NO_MATCH = "nothing-is-called-this"


def run_mutmut(max_children: int, names: list[str]) -> int:
    command = ["nice", "-n", "10", sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *names]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if names != [_NO_MATCH]:
        return subprocess.run(command, cwd=TREE, env=env).returncode
    # mutmut makes the mutants and records which tests reach what before it looks at the names; a
    # name matching nothing stops it there, failing on purpose, with this line.
    done = subprocess.run(command, cwd=TREE, env=env, capture_output=True, text=True)
    if "Filtered for specific mutants, but nothing matches" in done.stderr:
        return 0
    print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
    return done.returncode or 1


def collect() -> tuple[list[ModuleScore], list[tuple[str, str, str]]]:
    """Scores per module and the survivors (repository file, mutant name, status)."""
    from mutmut.stats import status_by_exit_code

    scores: list[ModuleScore] = []
    survivors: list[tuple[str, str, str]] = []
    for mutated in _mutated_files():
        meta_path = TREE / "mutants" / f"{mutated}.meta"
        if not meta_path.exists():  # added to the lists after the last run
            print(f"mutate: {_repository_file(mutated)} has no results yet", file=sys.stderr)
            continue
        meta = json.loads(meta_path.read_text())
        statuses: Counter[str] = Counter()
        repository_file = _repository_file(mutated)
        for name, exit_code in sorted(meta["exit_code_by_key"].items()):
            if not _selected(name):
                continue
            status = "untested" if exit_code is None else status_by_exit_code[exit_code]  # None: run stopped
            if status == "untested":
                statuses[status] += 1
                continue
            statuses[status] += 1
            if status not in KILLED:
                survivors.append((str(repository_file), name, status))
        marked = len(PRAGMA.findall((paths.REPO / repository_file).read_text()))
        scores.append(ModuleScore(str(repository_file), statuses, marked))
    return scores, survivors


def write_report(survivors: list[tuple[str, str, str]]) -> None:
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    lines = [f"{len(survivors)} mutants not killed (make mutate; the diffs are of the scratch tree's copy)", ""]
    cwd = Path.cwd()
    os.chdir(TREE)  # mutmut reads mutants/ relative to the directory it ran in
    try:
        for repository_file, name, status in survivors:
            lines.append(f"== {status}: {name} ({repository_file})")
            lines.append(get_diff_for_mutant(name))
            lines.append("")
    finally:
        os.chdir(cwd)
    REPORT.write_text("\n".join(lines))


def score_table(scores: list[ModuleScore]) -> list[str]:
    """The table of scores per module, as Markdown lines, and the runtime's total."""
    lines = ["| module | mutants | killed | equivalent-marked | survived | score |", "|---|---:|---:|---:|---:|---:|"]
    for s in scores:
        untested = f" ({s.untested} untested)" if s.untested else ""
        score = f"{s.score:.1f}%" if s.mutants else "not run"
        lines.append(f"| `{s.module}` | {s.mutants}{untested} | {s.killed} | {s.marked} | {s.survived} | {score} |")
    runtime = [s for s in scores if s.module.startswith("runtime/")]
    killed, total = sum(s.killed for s in runtime), sum(s.mutants for s in runtime)
    if total:
        lines += ["", f"The runtime in all: {killed} of {total} tested mutants killed ({100.0 * killed / total:.1f}%)."]
    return lines


def print_scores(scores: list[ModuleScore]) -> None:
    print("\n".join(score_table(scores)))
    SUMMARY.write_text(
        json.dumps({s.module: {**s.statuses, "marked": s.marked} for s in scores}, indent=2, sort_keys=True) + "\n"
    )


README_START = "<!-- make mutate README=1 writes from here -->"
README_END = "<!-- to here -->"


def with_scores(readme: str, table: list[str], run: str) -> str:
    """The README with the text between its two markers replaced by the table of this run."""
    start, end = readme.find(README_START), readme.find(README_END)
    if start == -1 or end < start:
        raise SystemExit(f"mutate: README.md lacks the lines {README_START} ... {README_END}")
    block = "\n".join([README_START, "", f"Last run: {run}.", "", *table, ""])
    return readme[:start] + block + "\n" + readme[end:]


def _run_label() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=paths.REPO, capture_output=True, text=True, check=True).stdout.strip()

    dirty = " plus uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"{time.strftime('%d %b %Y')}, on commit `{git('rev-parse', '--short', 'HEAD')}`{dirty}"


def _names_starting(only: str) -> list[str]:
    """mutmut's name globs for the selected mutants whose names start with ``only``: the runtime's
    module-wide glob narrowed to the prefix, the pipeline's per-function globs that start with it."""
    if not only:
        return _selected_mutants()
    if only.startswith(f"{paths.PACKAGE_NAME}."):
        return [f"{only}*"]
    names = [name for name in _selected_mutants() if name.startswith(only)]
    if not names:  # an empty list would make mutmut test every mutant
        raise SystemExit(f"mutate: --only {only} selects no mutants (names start with {paths.PACKAGE_NAME}. or tools.)")
    return names


def _run(jobs: int, *, again: bool, only: str) -> int:
    build_tree(keep_results=again)
    RUN_LABEL.write_text(_run_label() + "\n")
    if not again:
        return run_mutmut(jobs, _names_starting(only))
    # Mutants made and tests recorded first: then what was not killed is known by name.
    code = run_mutmut(jobs, [_NO_MATCH])
    names = [name for name in undecided() if name.startswith(only)]
    if code == 0 and names:  # no names would mean every mutant without a result, selected or not
        code = run_mutmut(jobs, names)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument(
        "--again",
        action="store_true",
        help="keep the last run's results: copy the working tree in again and run only the mutants not killed "
        "and those of changed functions",
    )
    parser.add_argument(
        "--only", metavar="PREFIX", default="", help="only the mutants whose names start so (openai_realtime_client.)"
    )
    parser.add_argument(
        "--report", action="store_true", help="run nothing: the table and survivors of the last run (or a stopped one)"
    )
    parser.add_argument("--readme", action="store_true", help="also write the table into README.md's testing section")
    args = parser.parse_args(argv)
    if not args.report:
        code = _run(args.jobs, again=args.again, only=args.only)
        if code != 0:
            print(f"mutate: mutmut exited {code}", file=sys.stderr)
            return code
    scores, survivors = collect()
    write_report(survivors)
    print_scores(scores)
    if args.readme:
        readme = paths.REPO / "README.md"
        run = RUN_LABEL.read_text().strip() if RUN_LABEL.exists() else "unknown"
        readme.write_text(with_scores(readme.read_text(encoding="utf-8"), score_table(scores), run), encoding="utf-8")
    print(f"mutate: {len(survivors)} survivors listed in {REPORT.relative_to(paths.REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
