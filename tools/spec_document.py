"""The API description as plain data, and $ref resolution within it."""

from pathlib import Path
from typing import Any

import yaml

MAX_REF_CHAIN = 32


def load(spec: Path) -> dict[str, Any]:
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{spec.name} is not a mapping")
    return document


def resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow local $refs (``#/components/...``) until a node that is not a reference."""
    for _ in range(MAX_REF_CHAIN):
        if not (isinstance(node, dict) and "$ref" in node):
            return node
        target: Any = document
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    raise ValueError(f"a $ref chain is longer than {MAX_REF_CHAIN} links")
