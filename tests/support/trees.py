"""Copies of generated/ and the hand edits tests make to them."""

import os
import re
import shutil
from pathlib import Path

from tools import paths


def copy_of_generated(destination: Path) -> Path:
    """generated/ copied to ``destination`` (without bytecode caches); returns ``destination``."""
    shutil.copytree(paths.GENERATED, destination, ignore=shutil.ignore_patterns("__pycache__"))
    return destination


def hand_edit_one_digit(path: Path) -> tuple[str, str]:
    """The kind of edit a size or timestamp check misses: the first digit after the file's header
    changed (``2`` becomes ``9``, anything else ``2``), same length, modification time kept.
    Returns the edited line before and after."""
    text = path.read_text(encoding="utf-8")
    found = re.compile(r"\d").search(text, text.find('"""'))
    assert found is not None, f"{path} has no digit to edit"
    replacement = "9" if found.group() == "2" else "2"
    edited = text[: found.start()] + replacement + text[found.end() :]
    before = path.stat()
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    line_start = text.rfind("\n", 0, found.start()) + 1
    line_end = text.find("\n", found.start())
    return text[line_start:line_end], edited[line_start:line_end]
