"""``make check-generated``: fail if generated/ is not exactly what ``make generate`` would write.

Regenerates into a temporary directory outside the repository and compares whole trees, naming
missing, extra and changed files. It never modifies the working tree.
"""

import argparse
import difflib
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tools import command, paths
from tools.codegen.generate import GenerationError, iter_tree, render

MAX_DIFF_LINES = 40


@dataclass(frozen=True)
class TreeDifference:
    missing: list[str]  # written by the generator, absent from the checked-in tree
    extra: list[str]  # in the checked-in tree, not written by the generator
    changed: list[str]

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.changed)


def compare_trees(expected: Path, actual: Path) -> TreeDifference:
    want = dict(iter_tree(expected))
    have = dict(iter_tree(actual))  # empty for a missing tree
    return TreeDifference(
        missing=sorted(set(want) - set(have)),
        extra=sorted(set(have) - set(want)),
        changed=sorted(name for name in set(want) & set(have) if want[name].read_bytes() != have[name].read_bytes()),
    )


def _diff(expected: Path, actual: Path, name: str) -> list[str]:
    try:
        old = actual.read_bytes().decode().splitlines(keepends=True)  # decode(): strict UTF-8
        new = expected.read_bytes().decode().splitlines(keepends=True)
    except UnicodeDecodeError:
        return [f"    (binary file {name} differs)\n"]
    lines = list(difflib.unified_diff(old, new, f"generated/{name} (checked in)", f"generated/{name} (regenerated)"))
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"    ... {len(lines) - MAX_DIFF_LINES} more diff lines\n"]
    return ["    " + line if line.endswith("\n") else "    " + line + "\n" for line in lines]


def report(difference: TreeDifference, expected: Path, actual: Path) -> str:
    out: list[str] = ["generated/ is out of date with openapi.yaml, generator-config.yaml and templates/:\n"]
    out += [f"  missing: generated/{name}\n" for name in difference.missing]
    out += [f"  extra:   generated/{name}\n" for name in difference.extra]
    for name in difference.changed:
        out.append(f"  changed: generated/{name}\n")
        out += _diff(expected / name, actual / name, name)
    out.append("Never edit generated/ by hand: change the spec or templates/, then run `make generate`.\n")
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = command.Parser(prog="python -m tools.codegen check", description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=paths.GENERATED, help="the tree to check (default: generated/)")
    return command.run("check-generated", parser, _run_command, argv)


def _run_command(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="check-generated-") as scratch:  # pragma: no mutate (name never seen)
        fresh = Path(scratch) / paths.GENERATED.name
        try:
            render(fresh)
        except GenerationError as err:
            return command.fail("check-generated", f"generation failed: {err}")
        difference = compare_trees(fresh, args.tree)
        if difference:
            print(report(difference, fresh, args.tree), end="", file=sys.stderr)
            return command.FOUND
    print(f"==> {args.tree} matches a fresh regeneration")
    return command.OK
