"""Apply OpenAPI Overlay 1.0 documents: JSONPath (RFC 9535) targets with ``update`` and ``remove`` actions.

Semantics, as the Overlay 1.0 specification gives them and as ``overlays/README.md`` repeats:
- actions run in document order, each on the result of the previous one;
- ``remove: true`` deletes every selected node from its parent (the document root cannot be removed);
- ``update`` on a selected object is merged into it: objects merge recursively, any other value
  (strings, numbers, arrays) replaces the one in the target; ``update`` on a selected array is
  appended to it;
- an action whose target selects nothing changes nothing and is reported, because a vendor release
  may lack what an overlay corrects (older releases lack newer endpoints).
"""

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath
import yaml

# Strict RFC 9535 parsing: the overlay specification names that JSONPath dialect.
_JSONPATH = jsonpath.JSONPathEnvironment(strict=True)


class OverlayError(Exception):
    """An overlay document is malformed or one of its actions cannot be applied."""


@dataclass(frozen=True)
class ActionReport:
    """What one action did: how many nodes its target selected."""

    overlay: str
    index: int
    target: str
    description: str
    matched: int


def load_overlay(path: Path) -> dict[str, Any]:
    """Read and check an overlay document (YAML or JSON)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise OverlayError(f"{path.name}: cannot read it: {_one_line(err)}") from err
    check_overlay(document, path.name)
    return document  # type: ignore[no-any-return]


def check_overlay(document: Any, name: str) -> None:
    if not isinstance(document, dict):
        raise OverlayError(f"{name}: an overlay is a mapping with overlay, info and actions")
    version = document.get("overlay")
    if not (isinstance(version, str) and version.startswith("1.0.")):
        raise OverlayError(f"{name}: `overlay` must be a 1.0.x version string, got {version!r}")
    info = document.get("info")
    if not (isinstance(info, dict) and isinstance(info.get("title"), str) and isinstance(info.get("version"), str)):
        raise OverlayError(f"{name}: `info` needs a title and a version")
    actions = document.get("actions")
    if not (isinstance(actions, list) and actions):
        raise OverlayError(f"{name}: `actions` must be a non-empty list")
    for index, action in enumerate(actions, start=1):
        where = f"{name}: action {index}"
        if not isinstance(action, dict):
            raise OverlayError(f"{where}: not a mapping")
        target = action.get("target")
        if not (isinstance(target, str) and target.startswith("$")):
            raise OverlayError(f"{where}: `target` must be a JSONPath expression starting with $")
        try:
            _JSONPATH.compile(target)
        except jsonpath.JSONPathError as err:
            raise OverlayError(f"{where}: bad target {target!r}: {_one_line(err)}") from err
        remove = action.get("remove", False)
        if not isinstance(remove, bool):
            raise OverlayError(f"{where}: `remove` must be true or false")
        if remove == ("update" in action):
            raise OverlayError(f"{where}: give exactly one of `update` or `remove: true`")
        unknown = set(action) - {"target", "description", "update", "remove"}
        if any(not key.startswith("x-") for key in unknown):
            raise OverlayError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")


def apply_overlay(document: dict[str, Any], overlay: Mapping[str, Any], name: str) -> list[ActionReport]:
    """Apply overlay's actions to document in place; one report per action."""
    reports = []
    for index, action in enumerate(overlay["actions"], start=1):
        target = action["target"]
        matches = list(_JSONPATH.finditer(target, document))
        for match in reversed(matches):  # last first, so that removing list items keeps indexes valid
            if action.get("remove", False):
                _remove(document, match.parts, f"{name}: action {index}")
            else:
                _update(match.obj, action["update"], f"{name}: action {index} ({target})")
        reports.append(ActionReport(name, index, target, str(action.get("description", "")), len(matches)))
    return reports


def _remove(document: dict[str, Any], parts: tuple[Any, ...], where: str) -> None:
    if not parts:
        raise OverlayError(f"{where}: the document root cannot be removed")
    parent: Any = document
    for part in parts[:-1]:
        parent = parent[part]
    del parent[parts[-1]]


def _update(node: Any, update: Any, where: str) -> None:
    if isinstance(node, dict):
        if not isinstance(update, dict):
            raise OverlayError(f"{where}: the target is an object, so `update` must be an object")
        _merge(node, update)
    elif isinstance(node, list):
        node.append(copy.deepcopy(update))
    else:
        raise OverlayError(f"{where}: the target is a {type(node).__name__}; only objects and arrays can be updated")


def _merge(node: dict[str, Any], update: Mapping[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(node.get(key), dict):
            _merge(node[key], value)
        else:
            node[key] = copy.deepcopy(value)


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())
