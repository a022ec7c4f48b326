"""Apply OpenAPI Overlay 1.0 documents: JSONPath (RFC 9535) targets with ``update`` and ``remove`` actions.

Semantics, as the Overlay 1.0 specification gives them and as ``overlays/README.md`` repeats:
- actions run in document order, each on the result of the previous one;
- ``remove: true`` deletes every selected node from its parent (the document root cannot be removed);
- ``update`` on a selected object is merged into it: objects merge recursively, any other value
  (strings, numbers, arrays) replaces the one in the target; ``update`` on a selected array is
  appended to it;
- an action whose target selects nothing changes nothing and is reported, because a vendor release
  may lack what an overlay corrects (older releases lack newer endpoints);
- every value an action removes or replaces with a different one is reported by JSON pointer, so an
  import can say which of the release's facts an overlay overrode instead of losing them silently.
"""

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath
import yaml

from tools import command
from tools.openapi_document import escape

# Strict RFC 9535 parsing: the overlay specification names that JSONPath dialect.
_JSONPATH = jsonpath.JSONPathEnvironment(strict=True)


class OverlayError(Exception):
    """An overlay document is malformed or one of its actions cannot be applied: one line naming the
    file, the JSON pointer in the overlay, the problem and what to do."""

    def __init__(self, name: str, pointer: str, problem: str) -> None:
        super().__init__(f"{name}: {pointer or '/'}: {problem}; correct the overlay (overlays/README.md)")


@dataclass(frozen=True)
class ActionReport:
    """What one action did: how many nodes its target selected."""

    overlay: str
    index: int
    target: str
    description: str
    matched: int
    # JSON pointers of the selected nodes, and of every existing value removed or replaced by another.
    pointers: tuple[str, ...] = ()
    overridden: tuple[str, ...] = ()


def load_overlay(path: Path) -> dict[str, Any]:
    """Read and check an overlay document (YAML or JSON)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise OverlayError(path.name, "", f"cannot read it: {command.one_line(err)}") from err
    check_overlay(document, path.name)
    return document  # type: ignore[no-any-return]


def check_overlay(document: Any, name: str) -> None:
    if not isinstance(document, dict):
        raise OverlayError(name, "", "an overlay is a mapping with overlay, info and actions")
    version = document.get("overlay")
    if not (isinstance(version, str) and version.startswith("1.0.")):
        raise OverlayError(name, "/overlay", f"must be a 1.0.x version string, got {version!r}")
    info = document.get("info")
    if not (isinstance(info, dict) and isinstance(info.get("title"), str) and isinstance(info.get("version"), str)):
        raise OverlayError(name, "/info", "needs a title and a version")
    actions = document.get("actions")
    if not (isinstance(actions, list) and actions):
        raise OverlayError(name, "/actions", "must be a non-empty list")
    for index, action in enumerate(actions, start=1):
        where = f"/actions/{index - 1}"
        if not isinstance(action, dict):
            raise OverlayError(name, where, "not a mapping")
        target = action.get("target")
        if not (isinstance(target, str) and target.startswith("$")):
            raise OverlayError(name, f"{where}/target", "must be a JSONPath expression starting with $")
        try:
            _JSONPATH.compile(target)
        except jsonpath.JSONPathError as err:
            raise OverlayError(name, f"{where}/target", f"bad target {target!r}: {command.one_line(err)}") from err
        remove = action.get("remove", False)
        if not isinstance(remove, bool):
            raise OverlayError(name, f"{where}/remove", "must be true or false")
        if remove == ("update" in action):
            raise OverlayError(name, where, "give exactly one of `update` or `remove: true`")
        unknown = set(action) - {"target", "description", "update", "remove"}
        if any(not key.startswith("x-") for key in unknown):
            raise OverlayError(name, where, f"unknown key(s) {', '.join(sorted(unknown))}")


def apply_overlay(document: dict[str, Any], overlay: Mapping[str, Any], name: str) -> list[ActionReport]:
    """Apply overlay's actions to document in place; one report per action."""
    reports = []
    for index, action in enumerate(overlay["actions"], start=1):
        target = action["target"]
        matches = list(_JSONPATH.finditer(target, document))
        pointers = [pointer_of(match.parts) for match in matches]
        overridden: list[str] = []
        for match, pointer in zip(reversed(matches), reversed(pointers), strict=True):
            # Last first, so that removing list items keeps indexes valid.
            if action.get("remove", False):
                _remove(document, match.parts, name, index)
                overridden.append(pointer)
            else:
                _update(match.obj, action["update"], (name, index, target), pointer, overridden)
        reports.append(
            ActionReport(
                name, index, target, str(action.get("description", "")), len(matches),
                tuple(pointers), tuple(sorted(set(overridden))),
            )
        )  # fmt: skip
    return reports


def pointer_of(parts: tuple[Any, ...]) -> str:
    """The JSON pointer of a JSONPath match's location."""
    return "".join(f"/{escape(str(part))}" for part in parts)


def _remove(document: dict[str, Any], parts: tuple[Any, ...], name: str, index: int) -> None:
    if not parts:
        raise OverlayError(name, f"/actions/{index - 1}/target", "the document root cannot be removed")
    parent: Any = document
    for part in parts[:-1]:
        parent = parent[part]
    del parent[parts[-1]]


def _update(node: Any, update: Any, action: tuple[str, int, str], pointer: str, overridden: list[str]) -> None:
    name, index, target = action
    if isinstance(node, dict):
        if not isinstance(update, dict):
            raise OverlayError(name, f"/actions/{index - 1}/update", f"{target} selects an object at {pointer}, "
                               "so `update` must be an object")  # fmt: skip
        _merge(node, update, pointer, overridden)
    elif isinstance(node, list):
        node.append(copy.deepcopy(update))
    else:
        raise OverlayError(name, f"/actions/{index - 1}/target", f"selects a {type(node).__name__} at {pointer}; "
                           "only objects and arrays can be updated")  # fmt: skip


def _merge(node: dict[str, Any], update: Mapping[str, Any], pointer: str, overridden: list[str]) -> None:
    for key, value in update.items():
        at = f"{pointer}/{escape(str(key))}"
        if isinstance(value, dict) and isinstance(node.get(key), dict):
            _merge(node[key], value, at, overridden)
        else:
            if key in node and node[key] != value:
                overridden.append(at)
            node[key] = copy.deepcopy(value)
