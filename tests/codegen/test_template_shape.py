"""Templates hold what the description decides; code that does not depend on it lives in runtime/
as real Python. A `.py.jinja` template longer than 40 lines may not be mostly static text."""

import re
from pathlib import Path

import pytest

from tools import paths

MAX_STATIC_SHARE = 2 / 3
SHORT = 40
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def static_lines(text: str) -> int:
    """How many lines have no part of a Jinja tag, comment or expression on them (a tag spanning
    several lines counts on each)."""
    tagged: set[int] = set()
    for match in _TAG.finditer(text):
        first = text.count("\n", 0, match.start())
        tagged.update(range(first, first + match.group().count("\n") + 1))
    return sum(1 for number, _ in enumerate(text.splitlines()) if number not in tagged)


def test_static_lines_counts_lines_outside_tags() -> None:
    text = 'import os\n{% if x %}\nA = 1\n{% endif %}\n{#\n  a comment\n#}\nB = "{{ y }}"\n'
    assert static_lines(text) == 2


TEMPLATES = sorted(paths.TEMPLATES.rglob("*.py.jinja"))


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.relative_to(paths.TEMPLATES).as_posix() for t in TEMPLATES])
def test_no_long_template_is_mostly_static(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    total = len(text.splitlines())
    if total <= SHORT:
        return
    static = static_lines(text)
    assert static <= total * MAX_STATIC_SHARE, (
        f"templates/{template.relative_to(paths.TEMPLATES).as_posix()}: {static} of {total} lines have no Jinja "
        "tag; move what does not depend on the description to runtime/"
    )
