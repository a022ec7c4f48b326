"""Check this package's files against provenance.json, the manifest ``make generate`` wrote beside them.

Standard library only, so it runs where the package's dependencies are not installed, and wherever
the package directory was copied to (it keeps its name; its parent may be anything):

    python path/to/openai_realtime_client/verify.py [--project] [--quiet] [--manifest FILE]
    python -m openai_realtime_client.verify [...]        (or the vendored module path)

By default it checks the files of the package directory; ``--project`` also checks the manifest's
files outside it (pyproject.toml, README.md), relative to the package's parent. It prints one line
per changed, missing or unexpected file and a summary line. Exit status: 0 all files match, 1 at
least one does not, 2 the manifest is missing or unreadable (or the command line is wrong).
"""

import sys

if __name__ == "__main__" and not __package__ and not sys.flags.safe_path:
    # Run as a file, Python put this directory first on sys.path, where the package's types.py
    # would shadow the standard library's types module (imported by argparse) before it loads.
    del sys.path[0]

import argparse
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_NAME = "provenance.json"
FORMAT_VERSION = 1
EXIT_OK, EXIT_MISMATCH, EXIT_NO_MANIFEST = 0, 1, 2
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class ManifestError(Exception):
    """The manifest is missing, is not JSON, or does not have the expected shape."""


@dataclass(frozen=True)
class Manifest:
    package: str
    outputs: dict[str, str]  # posix path relative to the project root -> sha256 hex


@dataclass
class Report:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed or self.missing or self.extra)


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is below it: shorter lines in a CI log."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_manifest(path: Path) -> Manifest:
    shown = _shown(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))  # pragma: no mutate: "UTF-8", or the locale's (UTF-8 here)
    except OSError as err:
        raise ManifestError(f"cannot read {shown}: {err.strerror}") from err
    except ValueError as err:  # UnicodeDecodeError included
        raise ManifestError(f"{shown} is not JSON: {err}") from err
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION or data.get("digest") != "sha256":
        raise ManifestError(f"{shown} is not a version {FORMAT_VERSION} sha256 provenance manifest")
    package, outputs = data.get("package"), data.get("outputs")
    if not isinstance(package, str) or not package or not isinstance(outputs, dict):
        raise ManifestError(f"{shown} names no package or no outputs")
    for name, digest in outputs.items():
        # Entries are looked up on disk: refuse any that could point outside the project.
        unsafe = name.startswith("/") or "\\" in name or ".." in name.split("/")
        if unsafe or not isinstance(digest, str) or not _SHA256_HEX.fullmatch(digest):
            raise ManifestError(f"{shown}: bad entry {name!r}")
    return Manifest(package, outputs)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()  # pragma: no mutate: hashlib takes "SHA256" too


def _ignored(relative: Path) -> bool:
    return "__pycache__" in relative.parts or relative.suffix == ".pyc"


def check(package_dir: Path, manifest: Manifest, *, project: bool) -> Report:
    """Compare the files on disk with the manifest. Entries under the package's name are looked for
    in package_dir, wherever it is; with project, the others are looked for in its parent."""
    report = Report()
    prefix = manifest.package + "/"
    expected = {MANIFEST_NAME}
    for name, digest in sorted(manifest.outputs.items()):
        if name.startswith(prefix):
            expected.add(name.removeprefix(prefix))
            path = package_dir / name.removeprefix(prefix)
        elif project:
            path = package_dir.parent / name
        else:
            continue
        report.checked += 1
        if not path.is_file():
            report.missing.append(_shown(path))
            continue
        try:
            actual = _sha256(path)
        except OSError as err:
            report.changed.append(f"{_shown(path)} (unreadable: {err.strerror})")
            continue
        if actual != digest:
            report.changed.append(f"{_shown(path)} (sha256 {actual[:16]}..., manifest has {digest[:16]}...)")
    for path in sorted(package_dir.rglob("*")):
        relative = path.relative_to(package_dir)
        if not path.is_dir() and not _ignored(relative) and relative.as_posix() not in expected:
            report.extra.append(_shown(path))
    return report


def main(argv: list[str] | None = None) -> int:
    # The `else` is for python -OO, which strips docstrings: nothing else can tell it apart.
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)  # pragma: no mutate
    parser.add_argument(
        "--project", action="store_true", help="also check the project files outside the package (generated/ itself)"
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on stdout; the exit status tells")
    parser.add_argument(
        "--manifest",
        type=Path,
        metavar="FILE",
        help=f"a manifest to check against (default: the {MANIFEST_NAME} beside this script)",
    )
    args = parser.parse_args(argv)
    package_dir = Path(__file__).resolve().parent
    manifest_path = args.manifest if args.manifest is not None else package_dir / MANIFEST_NAME
    try:
        manifest = load_manifest(manifest_path)
    except ManifestError as err:
        print(f"verify: {err}", file=sys.stderr)  # even with --quiet: the check could not run
        return EXIT_NO_MANIFEST
    report = check(package_dir, manifest, project=args.project)
    if not args.quiet:
        for kind, entries in (("changed", report.changed), ("missing", report.missing), ("extra", report.extra)):
            for entry in entries:
                print(f"{kind + ':':9}{entry}")
        if report:
            print(
                f"verify: FAILED: {len(report.changed)} changed, {len(report.missing)} missing, "
                f"{len(report.extra)} extra; {report.checked} files checked against {_shown(manifest_path)}"
            )
        else:
            where = _shown(package_dir)
            print(f"verify: OK: {report.checked} files match {_shown(manifest_path)}, no extra files in {where}")
    return EXIT_MISMATCH if report else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
