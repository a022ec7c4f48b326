"""``make spec-diff``: report what changed between two versions of openapi.yaml and fail on breaking changes.

Compares every operation's parameters, request body (what users send: the JSON or first-listed
media type field by field, the other media types, the media type of each multipart part) and 2xx
response (what users read: the body field by field, and its headers), and judges each difference
from the point of view of a user of the generated client. Then compares the public API of the
checked-in generated/ package with a fresh regeneration from the new description
(tools/spec_diff/api_surface.py). Breaking changes fail the run unless listed in the ack file
(spec-diff-ack.yaml) or accepted with --accept-breaking.
"""

import argparse
import json
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from tools import command, openapi_document, paths
from tools.openapi_document import HTTP_METHODS
from tools.spec_diff import Change, SpecDiffError, api_surface

__all__ = ["Acknowledgement", "Change", "SpecDiffError", "diff_documents", "load_acks", "load_document", "main"]

# Cycles stop the walk long before this; it only bounds a pathological, acyclic but huge nesting.
MAX_DEPTH = 200

LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")

# Keys a union variant may carry and still be a plain "string, or one of these known strings".
_ANNOTATION_KEYS = frozenset({"type", "enum", "const", "description", "title", "default", "example", "examples"})
_ANNOTATION_KEYS |= {"deprecated", "readOnly", "writeOnly", "format"}

MARK_BREAKING = "BREAKING"
MARK_ACKNOWLEDGED = "breaking (acknowledged)"
MARK_ACCEPTED = "breaking (accepted)"
MARK_OK = "ok"
_MARK_RANK = {MARK_BREAKING: 0, MARK_ACKNOWLEDGED: 1, MARK_ACCEPTED: 1, MARK_OK: 2}


# ---------------------------------------------------------------------------------------------
# Reading documents


def parse_document(text: str, label: str) -> dict[str, Any]:
    """An OpenAPI 3 document from YAML or JSON text; label names it in error messages."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(err, "problem", None) or type(err).__name__
        raise SpecDiffError(f"{label} is not YAML or JSON: {problem}{where}") from err
    if document is None:
        raise SpecDiffError(f"{label} is not an OpenAPI document: it is empty")
    if not isinstance(document, dict):
        raise SpecDiffError(f"{label} is not an OpenAPI document: it holds a {type(document).__name__}, not a mapping")
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        found = "no 'openapi' field" if version is None else f"'openapi: {version}'"
        raise SpecDiffError(f"{label} is not an OpenAPI 3 document ({found})")
    if not isinstance(document.get("paths") or {}, dict):
        raise SpecDiffError(f"{label} is not an OpenAPI document: 'paths' is not a mapping")
    return document


def load_document(path: Path) -> dict[str, Any]:
    """Read an OpenAPI 3 document (YAML or JSON); SpecDiffError with a one-line message if unusable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise SpecDiffError(f"cannot read {path}: {reason}") from err
    return parse_document(text, str(path))


def empty_document() -> dict[str, Any]:
    """What OLD is when git HEAD has no openapi.yaml yet: every operation counts as added."""
    return {"openapi": "3.1.0", "info": {"title": "(none)", "version": "0"}, "paths": {}}


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except OSError as err:
        raise SpecDiffError(f"cannot run git in {root}: {err}") from err


def document_at_head(repo: paths.Layout) -> dict[str, Any] | None:
    """The description committed at git HEAD in repo, or None when HEAD has none (or no commit)."""
    root, name = repo.root, repo.spec.relative_to(repo.root).as_posix()
    if _git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise SpecDiffError(f"{root} is not in a git repository; pass --old to name the old description")
    if _git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        return None  # no commit yet
    if _git(root, "cat-file", "-e", f"HEAD:./{name}").returncode != 0:
        return None
    shown = _git(root, "show", f"HEAD:./{name}")
    if shown.returncode != 0:
        reason = (shown.stderr.decode(errors="replace").strip().splitlines() or ["no message"])[-1]
        raise SpecDiffError(f"git show HEAD:{name} failed: {reason}")
    try:
        text = shown.stdout.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SpecDiffError(f"{name} at git HEAD is not UTF-8 text: {err}") from err
    return parse_document(text, f"{name} at git HEAD")


# ---------------------------------------------------------------------------------------------
# Schemas, normalised: the forms the importer writes (anyOf with null, type lists, open enums,
# allOf) all become one flat shape, so that equivalent spellings compare equal.


@dataclass(frozen=True)
class _Shape:
    refs: frozenset[str] = frozenset()  # component names followed to build it: the walk's cycle key
    name: str | None = None  # the first $ref target's name, to match union variants by
    types: frozenset[str] | None = None  # None: any type
    nullable: bool = False
    has_const: bool = False
    const: Any = None
    enum: tuple[Any, ...] | None = None
    open_enum: bool = False  # any value of the type is accepted; enum lists the known ones
    bounds: Mapping[str, float] = field(default_factory=dict)
    properties: Mapping[str, Any] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    items: Any = None
    additional: Any = None  # None: anything allowed, False: nothing, else a schema
    variants: tuple[Any, ...] = ()  # a union's non-null variants, unresolved
    discriminator: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)  # component name -> discriminator value

    @property
    def is_object(self) -> bool:
        return bool(self.properties or self.required or self.additional is not None)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _show(value: Any) -> str:
    """A value as it reads in a report line: strings bare, everything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def _quoted(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _show_types(types: frozenset[str] | None) -> str:
    return "any type" if types is None else " or ".join(sorted(types)) if types else "nothing"


class _Document:
    """One side of the comparison: $ref resolution and normalisation of its schemas."""

    def __init__(self, document: Mapping[str, Any], label: str) -> None:
        self.document = document
        self.label = label

    def fail(self, message: str) -> NoReturn:
        raise SpecDiffError(f"{self.label}: {message}")

    def resolve(self, node: Any) -> tuple[Any, list[str]]:
        """Follow local $refs; return the target and the component names passed through."""
        try:
            target, passed = openapi_document.follow(self.document, node)
        except openapi_document.RefError as err:
            self.fail(str(err))
        return target, [str(holder["$ref"]).rsplit("/", 1)[-1] for holder in passed]

    def schema(self, node: Any, where: str) -> dict[str, Any]:
        if node is True or node is None:
            return {}
        if node is False:
            return {"not": {}}
        if not isinstance(node, dict):
            self.fail(f"the schema at {where} is a {type(node).__name__}, not a mapping")
        return node

    def shape(self, raw: Any, where: str, active: frozenset[str] = frozenset()) -> _Shape:
        """The normalised schema at raw; active holds the components whose union is being collapsed."""
        node, names = self.resolve(raw)
        if active.intersection(names):
            self.fail(f"the schema {names[0]} at {where} is a union of nothing but itself (and null)")
        node = self.schema(node, where)
        refs = set(names)
        if "allOf" in node:
            node = self._flatten_all_of(node, refs, where)
        nullable = node.get("nullable") is True  # OpenAPI 3.0
        discriminator, mapping = self._discriminator(node)

        variants: list[Any] = []
        for key in ("oneOf", "anyOf"):
            listed = node.get(key)
            if isinstance(listed, list):
                variants += listed
            elif listed is not None:
                self.fail(f"{key} at {where} is not a list")
        if variants:
            kept = []
            for variant in variants:
                resolved = self.schema(self.resolve(variant)[0], where)
                if _is_null_schema(resolved):
                    nullable = True
                    continue
                nullable = nullable or _allows_null(resolved)
                kept.append(variant)
            if len(kept) == 1:
                inner = self.shape(kept[0], where, active | refs)
                return _replace(inner, refs=inner.refs | refs, nullable=inner.nullable or nullable)
            open_enum = self._open_enum(kept, where)
            if open_enum is not None:
                kind, values = open_enum
                return _Shape(frozenset(refs), _first(names), frozenset({kind}), nullable, enum=values, open_enum=True)
            if kept:
                return _Shape(
                    frozenset(refs), _first(names), None, nullable, variants=tuple(kept),
                    discriminator=discriminator, mapping=mapping,
                )  # fmt: skip

        types: set[str] | None = None
        declared = node.get("type")
        if isinstance(declared, str):
            types = {declared}
        elif isinstance(declared, list):
            types = {str(t) for t in declared}
        if types is not None and "null" in types and len(types) > 1:
            types.discard("null")
            nullable = True

        enum: tuple[Any, ...] | None = None
        if isinstance(node.get("enum"), list):
            values = node["enum"]
            if None in values:
                nullable = True
            enum = tuple(v for v in values if v is not None)
        has_const = "const" in node
        const = node.get("const")
        if types is None:
            if has_const:
                types = {_json_type(const)}
            elif enum:
                types = {_json_type(v) for v in enum}
            elif any(key in node for key in ("properties", "required", "additionalProperties")):
                types = {"object"}
            elif "items" in node:
                types = {"array"}
            elif "not" in node and node["not"] == {}:
                types = set()

        properties = node.get("properties") or {}
        if not isinstance(properties, dict):
            self.fail(f"properties at {where} is not a mapping")
        required = node.get("required") or []
        if not isinstance(required, list):
            self.fail(f"required at {where} is not a list")
        additional = node.get("additionalProperties")
        if additional is True or (isinstance(additional, dict) and not additional):
            additional = None
        items = node.get("items")
        return _Shape(
            refs=frozenset(refs),
            name=_first(names),
            types=None if types is None else frozenset(types),
            nullable=nullable,
            has_const=has_const,
            const=const,
            enum=enum,
            bounds=_bounds(node),
            properties=properties,
            required=frozenset(str(r) for r in required),
            items=items if isinstance(items, dict | bool) else None,
            additional=additional,
            discriminator=discriminator,
            mapping=mapping,
        )

    def _discriminator(self, node: Mapping[str, Any]) -> tuple[str | None, dict[str, str]]:
        found = node.get("discriminator")
        if not isinstance(found, dict):
            return None, {}
        listed = found.get("mapping")
        listed = listed if isinstance(listed, dict) else {}
        mapping = {str(ref).rsplit("/", 1)[-1]: str(value) for value, ref in listed.items()}
        name = found.get("propertyName")
        return (name if isinstance(name, str) else None), mapping

    def _open_enum(self, variants: list[Any], where: str) -> tuple[str, tuple[Any, ...]] | None:
        """("string", known values) for ``anyOf: [{type: string}, {type: string, enum: [...]}]``."""
        kinds: set[str] = set()
        values: list[Any] = []
        plain = listed = False
        for variant in variants:
            node = self.schema(self.resolve(variant)[0], where)
            if any(key not in _ANNOTATION_KEYS and not str(key).startswith("x-") for key in node):
                return None
            if "const" in node:
                kinds.add(_json_type(node["const"]))
                values.append(node["const"])
                listed = True
            elif isinstance(node.get("enum"), list):
                kinds.update(_json_type(v) for v in node["enum"] if v is not None)
                values += [v for v in node["enum"] if v is not None]
                listed = True
            else:
                plain = True
            if isinstance(node.get("type"), str):
                kinds.add(node["type"])
        if not (plain and listed and len(kinds) == 1):
            return None
        unique: dict[str, Any] = {}
        for value in values:
            unique.setdefault(_quoted(value), value)
        return kinds.pop(), tuple(unique.values())

    def _flatten_all_of(self, node: dict[str, Any], refs: set[str], where: str) -> dict[str, Any]:
        """One schema holding what every allOf member requires (properties and required merged)."""
        merged = {key: value for key, value in node.items() if key != "allOf"}
        members = node["allOf"]
        if not isinstance(members, list):
            self.fail(f"allOf at {where} is not a list")
        for member in members:
            target, names = self.resolve(member)
            if refs.intersection(names):
                continue  # a schema that includes itself adds nothing new
            refs.update(names)
            target = self.schema(target, where)
            if "allOf" in target:
                target = self._flatten_all_of(target, refs, where)
            _merge_schema(merged, target)
        return merged


def _first(names: list[str]) -> str | None:
    return names[0] if names else None


def _replace(shape: _Shape, **changes: Any) -> _Shape:
    values = {name: getattr(shape, name) for name in shape.__dataclass_fields__}
    values.update(changes)
    return _Shape(**values)


def _is_null_schema(node: Mapping[str, Any]) -> bool:
    return node.get("type") == "null" or ("const" in node and node["const"] is None) or node.get("enum") == [None]


def _allows_null(node: Mapping[str, Any]) -> bool:
    declared = node.get("type")
    return node.get("nullable") is True or (isinstance(declared, list) and "null" in declared)


def _bounds(node: Mapping[str, Any]) -> dict[str, float]:
    bounds = {
        key: node[key]
        for key in (*LOWER_BOUNDS, *UPPER_BOUNDS)
        if isinstance(node.get(key), int | float) and not isinstance(node.get(key), bool)
    }
    # OpenAPI 3.0 spells an exclusive bound as a flag beside minimum/maximum.
    for flag, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if node.get(flag) is True and plain in bounds:
            bounds[flag] = bounds.pop(plain)
    return bounds


def _merge_schema(target: dict[str, Any], source: Mapping[str, Any]) -> None:
    for key, value in source.items():
        if key not in target:
            target[key] = value
        elif key == "properties" and isinstance(value, dict) and isinstance(target[key], dict):
            properties = dict(target[key])
            for name, schema in value.items():
                properties[name] = {"allOf": [properties[name], schema]} if name in properties else schema
            target[key] = properties
        elif key == "required" and isinstance(value, list) and isinstance(target[key], list):
            target[key] = [*target[key], *(name for name in value if name not in target[key])]
        elif key in LOWER_BOUNDS and _is_number(value) and _is_number(target[key]):
            target[key] = max(target[key], value)
        elif key in UPPER_BOUNDS and _is_number(value) and _is_number(target[key]):
            target[key] = min(target[key], value)
        elif key == "enum" and isinstance(value, list) and isinstance(target[key], list):
            target[key] = [v for v in target[key] if v in value]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _widens(old: frozenset[str] | None, new: frozenset[str] | None) -> bool:
    """Whether every value of the old types is also one of the new (an integer is a number)."""
    if new is None:
        return True
    if old is None:
        return False
    return all(t in new or (t == "integer" and "number" in new) for t in old)


def _overlap(old: frozenset[str] | None, new: frozenset[str] | None) -> bool:
    if old is None or new is None:
        return True
    return bool(old & new) or ("integer" in old and "number" in new) or ("number" in old and "integer" in new)


# ---------------------------------------------------------------------------------------------
# The comparison


@dataclass(frozen=True)
class _Walk:
    """Where a schema comparison is: request or response side, the pairs of components it is inside
    (a recursive schema meets them again), and how deep it is."""

    request: bool
    seen: frozenset[tuple[frozenset[str], frozenset[str]]] = frozenset()
    depth: int = 0

    def enter(self, key: tuple[frozenset[str], frozenset[str]]) -> "_Walk":
        """The walk below a schema whose pair of components is key."""
        return _Walk(self.request, self.seen | {key}, self.depth + 1)


@dataclass(frozen=True)
class _Variant:
    raw: Any
    index: int
    name: str | None
    tag: str | None  # discriminator value, or the const of its `type` property
    const: str | None
    kind: str  # its types, as text


class _Differ:
    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old = _Document(old, "old description")
        self.new = _Document(new, "new description")
        self.changes: list[Change] = []

    def add(self, kind: str, where: str, detail: str, *, breaking: bool) -> None:
        self.changes.append(Change(kind=kind, where=where, detail=detail, breaking=breaking))

    def run(self) -> list[Change]:
        old_ops, new_ops = _operations(self.old), _operations(self.new)
        for key in old_ops.keys() | new_ops.keys():  # in any order: the changes are sorted below
            where = f"{key[0].upper()} {key[1]}"
            if key not in new_ops:
                self.add("operation-removed", where, "operation removed", breaking=True)
            elif key not in old_ops:
                self.add("operation-added", where, "new operation", breaking=False)
            else:
                self._parameters(old_ops[key], new_ops[key], where)
                self._request(old_ops[key], new_ops[key], where)
                self._responses(old_ops[key], new_ops[key], where)
        return sorted(self.changes, key=Change.sort_key)

    # -- operations ---------------------------------------------------------------------------

    def _parameters(self, old_op: Mapping[str, Any], new_op: Mapping[str, Any], op: str) -> None:
        """Path (and other) parameters, by location and name: `<op> request.path:call_id`."""
        old, new = _parameters(self.old, old_op), _parameters(self.new, new_op)
        for key in sorted(old.keys() | new.keys()):
            where = f"{op} request.{key[0]}:{key[1]}"
            if key not in new:
                self.add("parameter-removed", where, "parameter removed", breaking=True)
            elif key not in old:
                required = new[key].get("required") is True
                detail = "new required parameter" if required else "new optional parameter"
                self.add("parameter-added", where, detail, breaking=required)
            else:
                old_required, new_required = old[key].get("required") is True, new[key].get("required") is True
                if old_required != new_required:
                    detail = "now required" if new_required else "now optional"
                    self.add("parameter-required-changed", where, detail, breaking=new_required)
                self.schema(old[key].get("schema"), new[key].get("schema"), where, request=True)

    def _request(self, old_op: Mapping[str, Any], new_op: Mapping[str, Any], op: str) -> None:
        self._other_request_media(old_op, new_op, op)
        old, new = _request_body(self.old, old_op), _request_body(self.new, new_op)
        if old is None and new is None:
            return
        if old is None or new is None:
            if new is not None:  # and old is None: added
                required = new[0]
                detail = "new required request body" if required else "new optional request body"
                self.add("request-body-added", f"{op} request", detail, breaking=required)
            else:
                self.add("request-body-removed", f"{op} request", "request body removed", breaking=True)
            return
        (old_required, old_type, old_schema), (new_required, new_type, new_schema) = old, new
        if old_required != new_required:
            detail = "request body now required" if new_required else "request body now optional"
            self.add("request-body-required-changed", f"{op} request", detail, breaking=new_required)
        if old_type != new_type:
            detail = f"was {old_type}, now {new_type}"
            self.add("request-content-type-changed", f"{op} request", detail, breaking=True)
            return
        self.schema(old_schema, new_schema, f"{op} request", request=True)
        self._parts(old_op, new_op, old_type, f"{op} request")

    def _other_request_media(self, old_op: Mapping[str, Any], new_op: Mapping[str, Any], op: str) -> None:
        """The media types of a body besides the one the client sends by default (the bare SDP of
        a call): each removed one is breaking (callers asked for it with content_type=)."""
        old, new = _request_media(self.old, old_op), _request_media(self.new, new_op)
        for name in old[1:]:
            if name not in new:
                self.add("request-media-type-removed", f"{op} request<{name}>", "no longer accepted", breaking=True)
        for name in new[1:]:
            if name not in old:
                self.add("request-media-type-added", f"{op} request<{name}>", "also accepted now", breaking=False)
        for name in old[1:]:
            if name in new[1:]:
                old_schema, new_schema = _media_schema(self.old, old_op, name), _media_schema(self.new, new_op, name)
                self.schema(old_schema, new_schema, f"{op} request<{name}>", request=True)

    def _parts(self, old_op: Mapping[str, Any], new_op: Mapping[str, Any], media_type: str, where: str) -> None:
        """The media type each multipart part is sent as (`encoding`); a change is breaking."""
        if media_type != "multipart/form-data":
            return
        old, new = _part_types(self.old, old_op, media_type), _part_types(self.new, new_op, media_type)
        for part in sorted(old.keys() & new.keys()):
            if old[part] != new[part]:
                detail = f"part sent as {old[part]}, now {new[part]}"
                self.add("part-media-type-changed", f"{where}.{part}", detail, breaking=True)

    def _responses(self, old_op: Mapping[str, Any], new_op: Mapping[str, Any], op: str) -> None:
        old, new = _responses(self.old, old_op, op), _responses(self.new, new_op, op)
        old_success, new_success = _success_code(old), _success_code(new)
        # Other statuses only change which APIStatusError subclass a caller sees: informational.
        for code in sorted(old.keys() - {old_success} - new.keys()):
            detail = f"{_status(code)} no longer documented"
            self.add(_other_kind(code, "removed"), f"{op} {code}", detail, breaking=False)
        for code in sorted(new.keys() - {new_success} - old.keys()):
            detail = f"{_status(code)} now documented"
            self.add(_other_kind(code, "added"), f"{op} {code}", detail, breaking=False)
        where = f"{op} response"
        if old_success is None or new_success is None:
            if old_success is not None:
                self.add("success-response-removed", where, f"no 2xx response (was {old_success})", breaking=True)
            elif new_success is not None:
                self.add("success-response-added", where, f"now answers {new_success}", breaking=False)
            return
        if old_success != new_success:
            detail = f"was {old_success}, now {new_success}"
            self.add("success-status-changed", where, detail, breaking=True)
        (old_type, old_schema), (new_type, new_schema) = _content(old[old_success]), _content(new[new_success])
        if old_type is None and new_type is not None:
            self.add("response-body-added", where, f"now returns {new_type}", breaking=False)
        elif old_type is not None and new_type is None:
            self.add("response-body-removed", where, f"no longer returns {old_type}", breaking=True)
        elif old_type != new_type:
            detail = f"was {old_type}, now {new_type}"
            self.add("success-content-type-changed", where, detail, breaking=True)
        elif old_type is not None:
            self.schema(old_schema, new_schema, where, request=False)
        self._headers(old[old_success], new[new_success], where)

    def _headers(self, old_response: Mapping[str, Any], new_response: Mapping[str, Any], where: str) -> None:
        """The success response's headers, which a result may read (a call id from Location)."""
        old, new = _headers(self.old, old_response), _headers(self.new, new_response)
        for name in sorted(old.keys() | new.keys()):
            at = f"{where}.header:{name}"
            if name not in new:
                self.add("response-header-removed", at, "header no longer documented", breaking=True)
            elif name not in old:
                self.add("response-header-added", at, "new header", breaking=False)
            else:
                old_required, new_required = old[name].get("required") is True, new[name].get("required") is True
                if old_required != new_required:
                    detail = "now always sent" if new_required else "may now be missing"
                    self.add("response-header-required-changed", at, detail, breaking=not new_required)
                self.schema(old[name].get("schema"), new[name].get("schema"), at, request=False)

    # -- schemas ------------------------------------------------------------------------------

    def schema(self, old_raw: Any, new_raw: Any, where: str, *, request: bool) -> None:
        self._compare(old_raw, new_raw, where, _Walk(request))

    def _compare(self, old_raw: Any, new_raw: Any, where: str, walk: _Walk, *, in_union: bool = False) -> None:
        """in_union: the two are paired variants of a union, whose nullability the union judged."""
        old, new = self.old.shape(old_raw, where), self.new.shape(new_raw, where)
        # A recursive schema meets the same pair of components again further down: everything
        # below was (or is being) compared already, so stop rather than walk forever.
        key = (old.refs, new.refs)
        if ((old.refs or new.refs) and key in walk.seen) or walk.depth > MAX_DEPTH:
            return
        walk = walk.enter(key)
        request = walk.request
        if not in_union and old.nullable != new.nullable:
            if new.nullable:
                detail = "now accepts null" if request else "may now be null"
                self.add("nullable-added", where, detail, breaking=not request)
            else:
                detail = "no longer accepts null" if request else "is never null now"
                self.add("nullable-removed", where, detail, breaking=request)
        if old.variants or new.variants:
            self._union(old, new, old_raw, new_raw, where, walk)
            return
        if old.types != new.types:
            widened = request and _widens(old.types, new.types)
            detail = f"was {_show_types(old.types)}, now {_show_types(new.types)}"
            self.add("type-changed", where, detail + (" (wider)" if widened else ""), breaking=not widened)
            if not _overlap(old.types, new.types):
                return
        self._const(old, new, where, request)
        self._enum(old, new, where, request)
        self._bounds(old, new, where, request)
        if old.is_object or new.is_object:
            self._object(old, new, where, walk)
        if old.items is not None or new.items is not None:
            self._compare(old.items, new.items, f"{where}[]", walk)

    def _const(self, old: _Shape, new: _Shape, where: str, request: bool) -> None:
        if old.has_const and new.has_const:
            if _quoted(old.const) != _quoted(new.const):
                detail = f"was {_quoted(old.const)}, now {_quoted(new.const)}"
                self.add("const-changed", where, detail, breaking=True)
        elif new.has_const:
            detail = f"now always {_quoted(new.const)}"
            self.add("const-added", where, detail, breaking=request)
        elif old.has_const:
            detail = f"no longer always {_quoted(old.const)}"
            self.add("const-removed", where, detail, breaking=not request)

    def _enum(self, old: _Shape, new: _Shape, where: str, request: bool) -> None:
        if old.enum is None and new.enum is None:
            return
        old_closed = old.enum is not None and not old.open_enum
        new_closed = new.enum is not None and not new.open_enum
        old_values, new_values = old.enum or (), new.enum or ()
        if old_closed and new_closed:
            for value in _missing(old_values, new_values):
                detail = f"{_quoted(value)} no longer allowed"
                self.add("enum-value-removed", f"{where}={_show(value)}", detail, breaking=request)
            for value in _missing(new_values, old_values):
                self.add("enum-value-added", f"{where}={_show(value)}", f"new value {_quoted(value)}", breaking=False)
            return
        if old_closed:
            if not new.open_enum:
                self.add("enum-constraint-removed", where, "no longer limited to listed values", breaking=False)
                return
            self.add("enum-opened", where, "closed enum became open: any value is accepted", breaking=False)
        elif new_closed:
            if not old.open_enum:
                self.add("enum-constraint-added", where, "now limited to the listed values", breaking=request)
                return
            detail = "open enum became closed: only the listed values are accepted"
            self.add("enum-closed", where, detail, breaking=request)
        # The listed values of an open enum are only the ones known so far: informational.
        note = "" if new_closed else " (open enum: any value is accepted)"
        for value in _missing(old_values, new_values):
            detail = f"known value {_quoted(value)} no longer listed{note}"
            self.add("enum-known-value-removed", f"{where}={_show(value)}", detail, breaking=False)
        for value in _missing(new_values, old_values):
            detail = f"known value {_quoted(value)} now listed{note}"
            self.add("enum-known-value-added", f"{where}={_show(value)}", detail, breaking=False)

    def _bounds(self, old: _Shape, new: _Shape, where: str, request: bool) -> None:
        for keyword in (*LOWER_BOUNDS, *UPPER_BOUNDS):
            before, after = old.bounds.get(keyword), new.bounds.get(keyword)
            if before == after:
                continue
            if before is None:
                tightened, detail = True, f"new {keyword} {after}"
            elif after is None:
                tightened, detail = False, f"{keyword} {before} removed"
            else:
                # The bounds differ here: tightened when the stricter of the two is the new one.
                stricter = max if keyword in LOWER_BOUNDS else min
                tightened, detail = stricter(before, after) == after, f"{keyword} {before} -> {after}"
            kind = "bound-tightened" if tightened else "bound-loosened"
            self.add(kind, f"{where}:{keyword}", detail, breaking=tightened and request)

    def _object(self, old: _Shape, new: _Shape, where: str, walk: _Walk) -> None:
        request = walk.request
        for name in sorted(old.properties.keys() | new.properties.keys()):
            sub = f"{where}.{name}"
            was_required, is_required = name in old.required, name in new.required
            if name not in new.properties:
                self.add("field-removed", sub, "field removed", breaking=True)
            elif name not in old.properties:
                if request:
                    filled = is_required and _has_default(new.properties[name])
                    detail = _filled("new required field" if is_required else "new optional field", filled)
                    self.add("field-added", sub, detail, breaking=is_required and not filled)
                else:
                    self.add("field-added", sub, "new field", breaking=False)
            else:
                if was_required != is_required:
                    if is_required:
                        # A required field with a default (a `type` const, say) costs callers nothing:
                        # the generated model fills it in.
                        filled = request and _has_default(new.properties[name])
                        detail = _filled("must now be sent" if request else "now always present", filled)
                        self.add("field-now-required", sub, detail, breaking=request and not filled)
                    else:
                        detail = "may now be left out" if request else "may now be absent (unset)"
                        self.add("field-now-optional", sub, detail, breaking=not request)
                self._compare(old.properties[name], new.properties[name], sub, walk)
        before, after = old.additional, new.additional
        if before is False and after is not False:
            self.add("additional-properties-allowed", where, "undeclared fields now allowed", breaking=False)
        elif after is False and before is not False:
            self.add("additional-properties-forbidden", where, "undeclared fields now refused", breaking=request)
        elif before is not None or after is not None:
            self._compare(before or {}, after or {}, f"{where}{{}}", walk)

    def _union(self, old: _Shape, new: _Shape, old_raw: Any, new_raw: Any, where: str, walk: _Walk) -> None:
        request = walk.request
        # A plain schema facing a union is compared as a union of one.
        old_variants = self._variants(self.old, old, old_raw, where)
        new_variants = self._variants(self.new, new, new_raw, where)
        pairs, removed, added = _match_variants(old_variants, new_variants)
        for label, before, after in pairs:
            self._compare(before.raw, after.raw, f"{where}|{label}", walk, in_union=True)
        for label, variant in removed:
            detail = f"union variant {label}" + (f" ({variant.kind})" if label != variant.kind else "") + " removed"
            self.add("variant-removed", f"{where}|{label}", detail, breaking=request)
        for label, variant in added:
            detail = f"new union variant {label}" + (f" ({variant.kind})" if label != variant.kind else "")
            self.add("variant-added", f"{where}|{label}", detail, breaking=not request)

    def _variants(self, side: _Document, shape: _Shape, raw: Any, where: str) -> list[_Variant]:
        listed = shape.variants or (raw,)
        prop = shape.discriminator or "type"
        variants = []
        for index, variant in enumerate(listed):
            inner = side.shape(variant, where)
            name = inner.name  # a plain schema too: a named one pairs with the variant of that name
            tag: str | None = None
            if name is not None:
                tag = shape.mapping.get(name)
            if tag is None and prop in inner.properties:
                tagged = side.shape(inner.properties[prop], where)
                if tagged.has_const:
                    tag = _show(tagged.const)
                elif tagged.enum is not None and len(tagged.enum) == 1 and not tagged.open_enum:
                    tag = _show(tagged.enum[0])
            const = _show(inner.const) if inner.has_const else None
            variants.append(_Variant(variant, index, name, tag, const, _show_types(inner.types)))
        return variants


def _missing(values: Iterable[Any], others: Iterable[Any]) -> list[Any]:
    """Values not among others, compared as JSON (so 1 and True differ), in order, each once."""
    present = {_quoted(v) for v in others}
    found: dict[str, Any] = {}
    for value in values:
        if _quoted(value) not in present:
            found.setdefault(_quoted(value), value)
    return list(found.values())


def _match_variants(
    old: list[_Variant], new: list[_Variant]
) -> tuple[list[tuple[str, _Variant, _Variant]], list[tuple[str, _Variant]], list[tuple[str, _Variant]]]:
    """Pair union variants: by component name, then discriminator (or `type` property) value, then
    const, then type (when it is unique on both sides), then by position."""
    pairs: list[tuple[str, _Variant, _Variant]] = []
    old_left, new_left = list(old), list(new)
    attributes: list[Callable[[_Variant], str | None]] = [
        lambda v: v.name, lambda v: v.tag, lambda v: v.const, lambda v: v.kind,
    ]  # fmt: skip
    for attribute in attributes:
        for before in list(old_left):
            label = attribute(before)
            if label is None or sum(attribute(v) == label for v in old_left) != 1:
                continue
            candidates = [after for after in new_left if attribute(after) == label]
            if len(candidates) == 1:
                pairs.append((label, before, candidates[0]))
                old_left.remove(before)
                new_left.remove(candidates[0])
    for index in range(min(len(old_left), len(new_left))):  # the rest pair by position, as far as both go
        pairs.append((str(old_left[index].index), old_left[index], new_left[index]))
    matched_old = {id(p[1]) for p in pairs}
    matched_new = {id(p[2]) for p in pairs}
    removed = [(_label(v, old), v) for v in old if id(v) not in matched_old]
    added = [(_label(v, new), v) for v in new if id(v) not in matched_new]
    return pairs, removed, added


def _label(variant: _Variant, side: list[_Variant]) -> str:
    for label in (variant.name, variant.tag, variant.const):
        if label is not None:
            return label
    if sum(v.kind == variant.kind for v in side) == 1:
        return variant.kind
    return str(variant.index)


def _is_extension(key: Any) -> bool:
    """The paths and responses maps may carry x- extensions beside their entries (OpenAPI's
    Specification Extensions); a path starts with / and a status code is digits or default."""
    return str(key).startswith("x-")


def _operations(side: _Document) -> dict[tuple[str, str], Mapping[str, Any]]:
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    listed = side.document.get("paths") or {}
    if not isinstance(listed, dict):
        side.fail("'paths' is not a mapping")
    for path, item in listed.items():
        if _is_extension(path):
            continue
        item, _ = side.resolve(item)
        if not isinstance(item, dict):
            side.fail(f"the path item {path} is not a mapping")
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                found[(method, str(path))] = operation
    return found


def _pick_content(content: Any) -> tuple[str, Any] | None:
    """The JSON media type of a content map (application/json first), or else the first one listed:
    what the client sends by default (multipart for a call, before its bare SDP)."""
    if not isinstance(content, dict) or not content:
        return None
    names = [str(name) for name in content]
    chosen = next((n for n in names if n == "application/json"), None) or next((n for n in names if "json" in n), None)
    name = chosen or names[0]
    media = content.get(name)
    return name, (media.get("schema") if isinstance(media, dict) else None)


def _request_body(side: _Document, operation: Mapping[str, Any]) -> tuple[bool, str, Any] | None:
    if "requestBody" not in operation:
        return None
    body, _ = side.resolve(operation["requestBody"])
    if not isinstance(body, dict):
        side.fail("a requestBody is not a mapping")
    picked = _pick_content(body.get("content"))
    if picked is None:
        return None
    return body.get("required") is True, picked[0], picked[1]


def _request_media(side: _Document, operation: Mapping[str, Any]) -> list[str]:
    """The media types of the body, the one _pick_content chooses first."""
    picked = _request_body(side, operation)
    if picked is None:
        return []
    body, _ = side.resolve(operation["requestBody"])
    return [picked[1], *(str(name) for name in body.get("content", {}) if str(name) != picked[1])]


def _media_schema(side: _Document, operation: Mapping[str, Any], name: str) -> Any:
    body, _ = side.resolve(operation["requestBody"])
    media = body.get("content", {}).get(name)
    return media.get("schema") if isinstance(media, dict) else None


def _part_types(side: _Document, operation: Mapping[str, Any], name: str) -> dict[str, str]:
    """Part name -> the media type its `encoding` names (parts without one are left out)."""
    body, _ = side.resolve(operation["requestBody"])
    media = body.get("content", {}).get(name)
    encoding = media.get("encoding") if isinstance(media, dict) else None
    if not isinstance(encoding, dict):
        return {}
    return {
        str(part): str(entry["contentType"])
        for part, entry in encoding.items()
        if isinstance(entry, dict) and "contentType" in entry
    }


def _parameters(side: _Document, operation: Mapping[str, Any]) -> dict[tuple[str, str], Mapping[str, Any]]:
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    listed = operation.get("parameters") or []
    if not isinstance(listed, list):
        side.fail("the parameters of an operation are not a list")
    for parameter in listed:
        parameter, _ = side.resolve(parameter)
        if isinstance(parameter, dict) and "name" in parameter and "in" in parameter:
            found[(str(parameter["in"]), str(parameter["name"]))] = parameter
    return found


def _headers(side: _Document, response: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The response's headers by name, matched case-insensitively (as HTTP does)."""
    found: dict[str, Mapping[str, Any]] = {}
    listed = response.get("headers") or {}
    if not isinstance(listed, dict):
        side.fail("the headers of a response are not a mapping")
    for name, header in listed.items():
        header, _ = side.resolve(header)
        found[str(name).lower()] = header if isinstance(header, dict) else {}
    return found


def _responses(side: _Document, operation: Mapping[str, Any], op: str) -> dict[str, Mapping[str, Any]]:
    listed = operation.get("responses") or {}
    if not isinstance(listed, dict):
        side.fail(f"the responses of {op} are not a mapping")
    found: dict[str, Mapping[str, Any]] = {}
    for code, response in listed.items():
        if _is_extension(code):
            continue
        response, _ = side.resolve(response)
        found[str(code).upper()] = response if isinstance(response, dict) else {}
    return found


def _success_code(responses: Mapping[str, Any]) -> str | None:
    """The 2xx response a call returns: the lowest code, an exact one before a 2XX range."""
    codes = sorted(code for code in responses if code.startswith("2"))
    return codes[0] if codes else None


def _content(response: Mapping[str, Any]) -> tuple[str | None, Any]:
    """The success response's media type and schema, (None, None) when it has no body."""
    picked = _pick_content(response.get("content"))
    return (None, None) if picked is None else picked


def _status(code: str) -> str:
    return "the default response" if code == "DEFAULT" else f"HTTP {code}"


def _other_kind(code: str, change: str) -> str:
    return (
        f"error-response-{change}" if code.startswith(("4", "5")) or code == "DEFAULT" else f"other-response-{change}"
    )


def diff_documents(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every difference between two OpenAPI documents that a client user could notice, sorted
    (breaking first, then by id). Raises SpecDiffError when a document is malformed."""
    return _Differ(old, new).run()


# ---------------------------------------------------------------------------------------------
# Acknowledgements and the report


@dataclass(frozen=True)
class Acknowledgement:
    change: str  # a change id, as printed
    reason: str


def load_acks(path: Path) -> list[Acknowledgement]:
    """The ack file: a YAML list of ``{change: <id>, reason: <why it is fine>}``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise SpecDiffError(f"cannot read the ack file {path}: {err.strerror or err}") from err
    except yaml.YAMLError as err:
        raise SpecDiffError(f"the ack file {path} is not YAML: {getattr(err, 'problem', None) or err}") from err
    if data is None:
        return []
    if not isinstance(data, list):
        raise SpecDiffError(f"the ack file {path} must hold a list of {{change, reason}} entries")
    acks: list[Acknowledgement] = []
    seen: set[str] = set()
    for number, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or set(entry) != {"change", "reason"}:
            raise SpecDiffError(f"the ack file {path}: entry {number} must have exactly the keys change and reason")
        change, reason = entry["change"], entry["reason"]
        if not (isinstance(change, str) and change.strip() and isinstance(reason, str) and reason.strip()):
            raise SpecDiffError(f"the ack file {path}: entry {number} needs a non-empty change id and reason")
        if change.strip() in seen:
            raise SpecDiffError(f"the ack file {path}: entry {number} repeats {change.strip()!r}")
        seen.add(change.strip())
        acks.append(Acknowledgement(change.strip(), reason.strip()))
    return acks


@dataclass
class Report:
    """What main prints: sections of changes with their verdicts, notes, and the exit code."""

    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_MARK_RANK, 0))

    def section(self, header: str, changes: Sequence[Change], acked: set[str], accept_breaking: bool) -> None:
        self.lines.append(header)
        marked = [(_mark(change, acked, accept_breaking), change) for change in changes]
        marked.sort(key=lambda pair: (_MARK_RANK[pair[0]], pair[1].id, pair[1].detail))
        width = max(len(mark) for mark in _MARK_RANK)
        for mark, change in marked:
            self.counts[mark] += 1
            self.lines.append(f"{mark:<{width}}  {change.id} -- {change.detail}")
        if not marked:
            self.lines.append("No changes")

    @property
    def exit_code(self) -> int:
        return 1 if self.counts[MARK_BREAKING] else 0

    def summary(self, stale: int) -> str:
        total = sum(self.counts.values())
        notes = f"; {stale} stale acknowledgement{'s' * (stale != 1)}" if stale else ""
        unacked = self.counts[MARK_BREAKING]
        verdict = f"FAIL: {unacked} unacknowledged breaking change{'s' * (unacked != 1)}" if unacked else "OK"
        if not total:
            return f"summary: No changes{notes}; {verdict}"
        breaking = total - self.counts[MARK_OK]
        handled = [
            f"{self.counts[MARK_ACKNOWLEDGED]} acknowledged" if self.counts[MARK_ACKNOWLEDGED] else "",
            f"{self.counts[MARK_ACCEPTED]} accepted with --accept-breaking" if self.counts[MARK_ACCEPTED] else "",
        ]
        detail = ", ".join(part for part in handled if part)
        return (
            f"summary: {total} change{'s' * (total != 1)}, {breaking} breaking"
            f"{f' ({detail})' if detail else ''}, {self.counts[MARK_OK]} not breaking{notes}; {verdict}"
        )


def _mark(change: Change, acked: set[str], accept_breaking: bool) -> str:
    if not change.breaking:
        return MARK_OK
    if change.id in acked:
        return MARK_ACKNOWLEDGED
    return MARK_ACCEPTED if accept_breaking else MARK_BREAKING


# ---------------------------------------------------------------------------------------------
# The command


def _parser() -> argparse.ArgumentParser:
    parser = command.Parser(prog="python -m tools.spec_diff", description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="the old description (default: openapi.yaml at git HEAD)")
    parser.add_argument("--new", type=Path, help="the new description (default: openapi.yaml in the working tree)")
    parser.add_argument(
        "--ack", type=Path, help=f"acknowledged breaking changes (default: {paths.HERE.spec_diff_acks.name})"
    )
    parser.add_argument("--accept-breaking", action="store_true", help="report breaking changes but exit 0")
    parser.add_argument("--no-api", action="store_true", help="skip the public-API comparison of generated/")
    parser.add_argument("--root", type=Path, default=paths.REPO, help="the repository (default: this one)")
    parser.add_argument(
        "--tree", type=Path, help="the checked-in package to compare (default: ROOT/generated/openai_realtime_client)"
    )
    return parser


def _filled(detail: str, filled: bool) -> str:
    """A field's detail, saying so when the client fills the field in with its default."""
    return detail + ("; the client sends its default" if filled else "")


def _has_default(schema: Any) -> bool:
    """Whether the generated model fills the field in when the caller does not."""
    return isinstance(schema, Mapping) and "default" in schema


def main(argv: list[str] | None = None) -> int:
    return command.run("spec-diff", _parser(), _run, argv, unusable=(SpecDiffError,))


def _run(args: argparse.Namespace) -> int:
    repo = paths.Layout.of(args.root.resolve())
    if args.old is not None:
        old, old_label = load_document(args.old), str(args.old)
    else:
        at_head = document_at_head(repo)
        old = at_head if at_head is not None else empty_document()
        spec_name = repo.spec.name
        old_label = f"{spec_name} at git HEAD" if at_head is not None else f"(no {spec_name} at git HEAD)"
    new_path: Path = args.new if args.new is not None else repo.spec
    new = load_document(new_path)
    new_label = str(args.new) if args.new is not None else f"{repo.spec.name} (working tree)"

    ack_path: Path = args.ack if args.ack is not None else repo.spec_diff_acks
    acks = load_acks(ack_path) if args.ack is not None or ack_path.is_file() else []
    acked = {ack.change for ack in acks}

    spec_changes = diff_documents(old, new)
    api_changes: list[Change] = []
    if not args.no_api:
        tree: Path = args.tree if args.tree is not None else repo.package
        api_changes = api_surface.diff_against_regeneration(tree, new_path, repo)

    report = Report()
    report.section(f"spec-diff: {old_label} -> {new_label}", spec_changes, acked, args.accept_breaking)
    if args.no_api:
        report.lines.append("public API: not compared (--no-api)")
    else:
        tree_label = args.tree if args.tree is not None else repo.package.relative_to(repo.root).as_posix()
        header = f"public API: {tree_label} (checked in) -> regenerated from {new_label}"
        report.section(header, api_changes, acked, args.accept_breaking)

    found = {change.id for change in (*spec_changes, *api_changes)}
    # Without the API comparison there is nothing for api-* entries to match: not stale.
    stale = [a for a in acks if a.change not in found and not (args.no_api and a.change.startswith("api-"))]
    for ack in stale:
        report.lines.append(f"note: stale acknowledgement in {ack_path.name}: {ack.change} (matches no change)")
    report.lines.append(report.summary(len(stale)))
    print("\n".join(report.lines))
    return report.exit_code
