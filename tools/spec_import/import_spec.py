"""``make import-spec SOURCE=...``: a vendor release of the whole API description -> openapi.yaml.

Steps, each reported:
1. read the source (YAML or JSON, OpenAPI 3.0 or 3.1);
2. keep the operations and webhooks listed in spec-selection.yaml (one a release lacks is reported
   and left out) and exactly the components they reference, transitively; rename schemas as the
   selection says;
3. strip the vendor's prose (descriptions, summaries, titles) and extensions (``x-...``); openapi.yaml
   says things in the project's own words, which the overlays add;
4. normalize (see ``normalize``) so that overlays see one shape whatever the release looks like;
5. apply the overlays in overlays/ in name order (OpenAPI Overlay 1.0), then normalize again;
6. drop examples and defaults that do not validate against their schema, drop components nothing
   references any more, validate the result with openapi-spec-validator;
7. write openapi.yaml with a header naming the source's sha256 (the vendor never changes
   ``info.version``, so the hash is what tells releases apart).
The result is deterministic, and importing it again changes nothing.
"""

import argparse
import copy
import gzip
import hashlib
import json
import re
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import jsonschema.exceptions
import referencing.exceptions
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tools import command, paths
from tools.openapi_document import (
    HTTP_METHODS,
    SchemaValidator,
    escape,
    find_non_schema,
    iter_all_schemas,
    iter_operations,
    iter_refs_at,
    iter_root_schemas,
    iter_subschemas,
    iter_webhook_operations,
    resolve,
    unescape,
)
from tools.spec_import import overlay as overlays_lib

SELECTION = paths.HERE.spec_selection
OVERLAYS = paths.HERE.overlays

HEADER_PREFIX = "# Imported by `make import-spec` from a vendor description with sha256 "

# Formats JSON Schema or OpenAPI define; others (the vendor's `unixtime`) are dropped.
KNOWN_FORMATS = frozenset(
    {
        "date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname", "ipv4",
        "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template", "json-pointer",
        "relative-json-pointer", "regex", "int32", "int64", "float", "double", "password", "byte", "binary",
    }
)  # fmt: skip

# Prose the vendor writes; stripped everywhere it is prose (never a field called `description`).
_SCHEMA_PROSE = ("description", "title", "$comment", "externalDocs", "xml")
_OPERATION_PROSE = ("summary", "description", "externalDocs")

# The order keys are written in, for schemas; other keys follow in their own order.
_SCHEMA_KEY_ORDER = (
    "$ref", "type", "title", "description", "required", "properties", "additionalProperties", "items",
    "const", "enum", "anyOf", "oneOf", "allOf", "discriminator", "format", "pattern", "minimum",
    "exclusiveMinimum", "maximum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems",
    "default", "example", "examples",
)  # fmt: skip


class SpecImportError(Exception):
    """The source, the selection or an overlay cannot produce a valid openapi.yaml. The message is one
    line: the file, the JSON pointer where it broke, what is wrong, and what to do."""

    def __init__(self, file: str, pointer: str, problem: str, remedy: str) -> None:
        super().__init__(f"{file}: {pointer or '/'}: {problem}; {remedy}")
        self.pointer, self.problem = pointer, problem


# What to do, for the failures that have one answer.
_FIX_SOURCE = "use the vendor's file as published (download it again if it was cut short)"
_FIX_SELECTION = "correct spec-selection.yaml (README: When the vendor's API changes)"
_FIX_RELEASE = "this release cannot be imported as is: correct it with an overlay or pick another release"


@dataclass(frozen=True)
class Selection:
    operations: tuple[tuple[str, str], ...]  # (method, path)
    renames: dict[str, str]
    webhooks: tuple[str, ...] = ()  # names in the description's `webhooks` (OpenAPI 3.1)


@dataclass
class Report:
    """What the import did, line by line, grouped by step."""

    lines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, step: str, text: str) -> None:
        self.lines.append((step, text))

    def count(self, step: str) -> int:
        return sum(1 for s, _ in self.lines if s == step)

    def texts(self, step: str) -> list[str]:
        return [t for s, t in self.lines if s == step]


# ---------------------------------------------------------------------------------------- inputs


def load_source(path: Path) -> tuple[dict[str, Any], bytes]:
    """The vendor document and its bytes (uncompressed, for a ``.gz``); one-line SpecImportError when it
    is not a usable OpenAPI 3 document."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise SpecImportError(str(path), "", f"cannot read it ({err.strerror or err})", "check the path") from err
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as err:
            raise SpecImportError(str(path), "", f"a broken gzip file ({command.one_line(err)})", _FIX_SOURCE) from err
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SpecImportError(str(path), "", f"not UTF-8 text ({err.reason} at byte {err.start})", _FIX_SOURCE) from err
    document = _parse(text, str(path))
    version = document.get("openapi") if isinstance(document, dict) else None
    if not (isinstance(version, str) and re.fullmatch(r"3\.[01]\.\d+", version)):
        found = f"`openapi: {version}`" if version is not None else "no `openapi` field"
        raise SpecImportError(str(path), "/openapi", f"not an OpenAPI 3.0 or 3.1 document ({found})", _FIX_SOURCE)
    assert isinstance(document, dict)
    if not isinstance(document.get("paths"), dict):
        raise SpecImportError(str(path), "/paths", "an OpenAPI document without `paths`", _FIX_SOURCE)
    return document, raw


class _DuplicateKey(Exception):
    pass


class _StrictYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, refusing a mapping that repeats a key (YAML says keys are unique; the plain
    loader keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)]
        if len(keys) != len(set(keys)):
            raise _DuplicateKey
        return super().construct_mapping(node, deep)  # type: ignore[no-any-return]


def _parse(text: str, name: str) -> Any:
    if text.lstrip().startswith("{"):
        duplicates: list[tuple[dict[str, Any], str]] = []

        def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            result = dict(pairs)
            if len(result) != len(pairs):
                seen: set[str] = set()
                duplicates.append((result, next(k for k, _ in pairs if k in seen or seen.add(k))))  # type: ignore[func-returns-value]
            return result

        try:
            document = json.loads(text, object_pairs_hook=unique)
        except json.JSONDecodeError as err:
            raise SpecImportError(
                name, _json_pointer_at(text, err.pos),
                f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}", _FIX_SOURCE,
            ) from err  # fmt: skip
        if duplicates:
            holder, key = duplicates[0]
            where = _pointer_of_node(document, holder) or ""
            raise SpecImportError(
                name, where, f"the key {key!r} appears twice", "the vendor's file is damaged: " + _FIX_SOURCE
            )
        return document
    try:
        return yaml.load(text, Loader=_StrictYamlLoader)
    except _DuplicateKey:
        where, key = _yaml_duplicate(text)
        raise SpecImportError(
            name, where, f"the key {key!r} appears twice", "the vendor's file is damaged: " + _FIX_SOURCE
        ) from None
    except yaml.YAMLError as err:
        message = command.one_line(err).replace(' in "<unicode string>",', "")
        raise SpecImportError(name, _yaml_pointer_at_error(text), f"not valid YAML: {message}", _FIX_SOURCE) from err


def _pointer_of_node(root: Any, wanted: object, at: str = "") -> str | None:
    """The JSON pointer of the very object ``wanted`` inside root."""
    if root is wanted:
        return at
    children = root.items() if isinstance(root, dict) else enumerate(root) if isinstance(root, list) else ()
    for key, value in children:
        if isinstance(value, (dict, list)):
            found = _pointer_of_node(value, wanted, f"{at}/{escape(str(key))}")
            if found is not None:
                return found
    return None


def _json_pointer_at(text: str, position: int) -> str:
    """The pointer of the innermost value being read at ``position`` of a JSON text (for errors)."""
    stack: list[list[Any]] = []  # [kind, key or index, expecting a key]
    index, last_string = 0, ""
    while index < min(position, len(text)):
        char = text[index]
        if char == '"':
            end = index + 1
            while end < len(text) and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            try:
                last_string = json.loads(text[index : end + 1])
            except json.JSONDecodeError:
                last_string = text[index + 1 : end]
            index = end
        elif char in "{[":
            stack.append(["object", None] if char == "{" else ["array", 0])
        elif char in "}]" and stack:
            stack.pop()
        elif char == ":" and stack and stack[-1][0] == "object":
            stack[-1][1] = last_string
        elif char == "," and stack and stack[-1][0] == "array":
            stack[-1][1] += 1
        index += 1
    return "".join(f"/{escape(str(key))}" for _, key in stack if key is not None)


def _yaml_events(text: str) -> Iterator[tuple[str, Any]]:
    """(pointer, event) for the YAML events of text: the pointer of the value being read."""
    stack: list[list[Any]] = []  # [is a mapping, current key or index, expecting a key]
    values = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)

    def here() -> str:
        return "".join(f"/{escape(str(entry[1]))}" for entry in stack if entry[1] is not None)

    for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            if stack and stack[-1][0]:
                stack[-1][2] = True
        elif isinstance(event, values) and stack and stack[-1][0] and stack[-1][2]:
            stack[-1][1] = event.value if isinstance(event, yaml.ScalarEvent) else "?"
            stack[-1][2] = False
        elif isinstance(event, values):
            if stack and not stack[-1][0]:
                stack[-1][1] += 1
            if isinstance(event, yaml.MappingStartEvent):
                stack.append([True, None, True])
            elif isinstance(event, yaml.SequenceStartEvent):
                stack.append([False, -1, False])
            elif stack and stack[-1][0]:
                stack[-1][2] = True
        yield here(), event


def _yaml_duplicate(text: str) -> tuple[str, str]:
    """The pointer of the first mapping that repeats a key, and the key."""
    node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    pending: list[tuple[Any, str]] = [(node, "")]
    while pending:
        current, at = pending.pop(0)
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                name = str(key.value)
                if name in seen:
                    return at, name
                seen.add(name)
                pending.append((value, f"{at}/{escape(name)}"))
        elif isinstance(current, yaml.SequenceNode):
            pending.extend((value, f"{at}/{i}") for i, value in enumerate(current.value))
    return "", "?"


def _yaml_pointer_at_error(text: str) -> str:
    """The pointer of the last value the YAML parser reached before it failed."""
    last = ""
    try:
        for last, _ in _yaml_events(text):  # noqa: B007 (the last one is the answer)
            pass
    except yaml.YAMLError:
        return last
    return last


def load_selection(path: Path) -> Selection:
    def fail(pointer: str, problem: str) -> NoReturn:
        raise SpecImportError(path.name, pointer, problem, _FIX_SELECTION)

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        fail("", f"cannot read it: {command.one_line(err)}")
    if not isinstance(data, dict) or not isinstance(data.get("operations"), list) or not data["operations"]:
        fail("/operations", "needs a non-empty list of 'METHOD /path'")
    operations = []
    for index, entry in enumerate(data["operations"]):
        parts = entry.split() if isinstance(entry, str) else []
        if len(parts) != 2 or parts[0].lower() not in HTTP_METHODS or not parts[1].startswith("/"):
            fail(f"/operations/{index}", f"{entry!r} is not 'METHOD /path'")
        operations.append((parts[0].lower(), parts[1]))
    renames = data.get("renames") or {}
    if not isinstance(renames, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in renames.items()):
        fail("/renames", "maps vendor schema names to ours")
    unknown = set(data) - {"operations", "renames", "webhooks"}
    if unknown:
        fail("", f"unknown key(s) {', '.join(sorted(unknown))}")
    return Selection(tuple(operations), dict(renames), _selected_webhooks(data.get("webhooks"), fail))


def _selected_webhooks(entries: Any, fail: Callable[[str, str], NoReturn]) -> tuple[str, ...]:
    """The selection's ``webhooks:``: names of the description's webhooks, each once (none when absent)."""
    if entries is None:
        return ()
    if not isinstance(entries, list):
        fail("/webhooks", "needs a list of webhook names, as the description's `webhooks` spells them")
    names: list[str] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, str) or not entry or entry != entry.strip() or entry in names:
            fail(f"/webhooks/{index}", f"{entry!r} is not a webhook name, or is listed twice")
        names.append(entry)
    return tuple(names)


def load_overlays(directory: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every overlay document in directory (*.yaml, *.yml, *.json), in name order."""
    if not directory.is_dir():
        return []
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    try:
        loaded = [(p.name, overlays_lib.load_overlay(p)) for p in files]
    except overlays_lib.OverlayError as err:
        raise _overlay_failure(err) from err
    for name, overlay in loaded:
        condition = overlay.get(APPLY_WHEN)
        if condition is not None and condition not in DETECTORS:
            known = ", ".join(sorted(DETECTORS))
            raise SpecImportError(name, f"/{APPLY_WHEN}", f"no detector called {condition!r}",
                                  f"name one of {known}, or drop the key")  # fmt: skip
    return loaded


def _overlay_failure(err: overlays_lib.OverlayError) -> SpecImportError:
    """An OverlayError is already one line in SpecImportError's form."""
    failure = SpecImportError("", "", "", "")
    failure.args = (str(err),)
    return failure


# ------------------------------------------------------------------------------- select and shake


def select(source: dict[str, Any], selection: Selection, report: Report, source_name: str = "source") -> dict[str, Any]:
    """A new document with only the selected operations, what every document needs, and the
    components they reach (copied; the source is left as it was)."""
    result: dict[str, Any] = {"openapi": source["openapi"], "info": copy.deepcopy(source.get("info") or {})}
    for key in ("servers", "security"):
        if key in source:
            result[key] = copy.deepcopy(source[key])
    result["paths"] = {}
    used_tags: set[str] = set()
    for method, path in selection.operations:
        item = source["paths"].get(path)
        operation = item.get(method) if isinstance(item, dict) else None
        if not isinstance(operation, dict):
            report.add("missing", f"{method.upper()} {path}")
            continue
        target = result["paths"].setdefault(path, {})
        if isinstance(item, dict) and "parameters" in item:
            target["parameters"] = copy.deepcopy(item["parameters"])
        target[method] = copy.deepcopy(operation)
        used_tags.update(t for t in operation.get("tags") or [] if isinstance(t, str))
        report.add("kept", f"{method.upper()} {path}")
    _select_webhooks(source, selection.webhooks, result, report)
    if not result["paths"]:
        raise SpecImportError(
            source_name, "/paths", "none of the operations in spec-selection.yaml is in it",
            "give the vendor's whole description as SOURCE, or correct spec-selection.yaml",
        )  # fmt: skip
    tags = [copy.deepcopy(t) for t in source.get("tags") or [] if isinstance(t, dict) and t.get("name") in used_tags]
    if tags:
        result["tags"] = tags
    components = source.get("components") or {}
    if not isinstance(components, dict):
        raise SpecImportError(source_name, "/components", "not an object", _FIX_SOURCE)
    reached = _reached(result, components, source_name, "the release is broken there: " + _FIX_RELEASE)
    kept: dict[str, Any] = {}
    for kind, section in components.items():  # the source's order, so importing openapi.yaml changes nothing
        for name in section if isinstance(section, dict) else ():
            if (kind, name) in reached:
                kept.setdefault(kind, {})[name] = copy.deepcopy(section[name])
    result["components"] = kept
    report.add("shaken", str(sum(len(v) for v in components.values() if isinstance(v, dict)) - len(reached)))
    return result


def _select_webhooks(source: dict[str, Any], names: Iterable[str], result: dict[str, Any], report: Report) -> None:
    """Copies the selected webhooks into ``result``; their components are then reached like an
    operation's. A release without them (3.0 has no ``webhooks``) reports each as missing."""
    available = source.get("webhooks")
    if not isinstance(available, dict):
        available = {}
    for name in names:
        if not isinstance(available.get(name), dict):
            report.add("missing-webhook", name)
            continue
        result.setdefault("webhooks", {})[name] = copy.deepcopy(available[name])
        report.add("kept-webhook", name)


def shake(document: dict[str, Any], file: str = "source", remedy: str = _FIX_RELEASE) -> int:
    """Remove every component the operations do not reach (transitively); returns how many went."""
    components = document.get("components") or {}
    reached = _reached(document, components, file, remedy)
    removed = 0
    for kind in list(components):
        section = components[kind]
        if not isinstance(section, dict):
            continue
        for name in list(section):
            if (kind, name) not in reached:
                del section[name]
                removed += 1
        if not section:
            del components[kind]
    return removed


def _reached(document: dict[str, Any], components: dict[str, Any], file: str, remedy: str) -> set[tuple[str, str]]:
    """The components the document's operations reach, transitively; a $ref to nothing fails."""
    reached: set[tuple[str, str]] = set()
    pending = list(iter_refs_at({k: v for k, v in document.items() if k != "components"}, ""))
    schemes = [name for requirement in _security_requirements(document) for name in requirement]
    reached.update(("securitySchemes", name) for name in schemes if name in (components.get("securitySchemes") or {}))
    while pending:
        pointer, ref = pending.pop()
        kind, name = _component_of(ref, file, pointer)
        if (kind, name) in reached:
            continue
        section = components.get(kind)
        if not isinstance(section, dict) or name not in section:
            raise SpecImportError(file, f"{pointer}/$ref", f"{ref} points at nothing", remedy)
        reached.add((kind, name))
        pending.extend(iter_refs_at(section[name], f"/components/{escape(kind)}/{escape(name)}"))
    return reached


def _security_requirements(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from (r for r in document.get("security") or [] if isinstance(r, dict))
    for _, _, operation in iter_operations(document):
        yield from (r for r in operation.get("security") or [] if isinstance(r, dict))


def _component_of(ref: str, file: str, pointer: str) -> tuple[str, str]:
    parts = ref.split("/")
    if len(parts) != 4 or parts[0] != "#" or parts[1] != "components":
        raise SpecImportError(file, f"{pointer}/$ref", f"{ref!r} is not a reference to a component of this document",
                              "import a bundled description (every $ref a local #/components/...)")  # fmt: skip
    return unescape(parts[2]), unescape(parts[3])


def rename_schemas(document: dict[str, Any], renames: dict[str, str], report: Report) -> None:
    schemas = (document.get("components") or {}).get("schemas") or {}
    mapping: dict[str, str] = {}
    for old, new in renames.items():
        if old not in schemas:
            continue
        if new in schemas:
            raise SpecImportError("spec-selection.yaml", f"/renames/{escape(old)}", f"cannot rename {old} to {new}: "
                                  f"the release has a {new} too", "drop the rename")  # fmt: skip
        mapping[f"#/components/schemas/{escape(old)}"] = f"#/components/schemas/{escape(new)}"
        report.add("renamed", f"{old} -> {new}")
    if not mapping:
        return
    for old, new in renames.items():
        if old in schemas:
            schemas[new] = schemas.pop(old)
    _rewrite_refs(document, mapping)


def _rewrite_refs(node: Any, mapping: dict[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref in mapping:
            node["$ref"] = mapping[ref]
        for value in node.values():
            _rewrite_refs(value, mapping)
    elif isinstance(node, list):
        for value in node:
            _rewrite_refs(value, mapping)


# ------------------------------------------------------------------------------------------ strip


def strip(document: dict[str, Any], report: Report) -> None:
    """Remove the vendor's prose and extensions, keeping the facts."""
    # Single values marked by the vendor's extension become `const` before extensions go.
    for schema, pointer in iter_all_schemas(document):
        if schema.get("x-stainless-const") and isinstance(schema.get("enum"), list) and len(schema["enum"]) == 1:
            schema["const"] = schema.pop("enum")[0]
            report.add("const", pointer)
    for schema, _ in iter_all_schemas(document):
        for key in _SCHEMA_PROSE:
            schema.pop(key, None)
    info = document.get("info") or {}
    document["info"] = {"title": info.get("title", "API"), "version": info.get("version", "0")}
    for tag in document.get("tags") or []:
        for key in ("description", "externalDocs"):
            tag.pop(key, None)
    document.pop("externalDocs", None)
    components = document.get("components") or {}
    for scheme in (components.get("securitySchemes") or {}).values():
        if isinstance(scheme, dict):
            scheme.pop("description", None)
    for _, _, operation in iter_operations(document):
        _strip_operation(operation)
    for _, _, operation in iter_webhook_operations(document):
        _strip_operation(operation)
    for response in (components.get("responses") or {}).values():
        _strip_response(response)
    for body in (components.get("requestBodies") or {}).values():
        if isinstance(body, dict):
            body.pop("description", None)
    for parameter in (components.get("parameters") or {}).values():
        if isinstance(parameter, dict):
            parameter.pop("description", None)
    report.add("extensions", str(_drop_extensions(document)))


def _strip_operation(operation: dict[str, Any]) -> None:
    for key in _OPERATION_PROSE:
        operation.pop(key, None)
    for parameter in operation.get("parameters") or []:
        if isinstance(parameter, dict):
            parameter.pop("description", None)
    body = operation.get("requestBody")
    if isinstance(body, dict):
        body.pop("description", None)
    for status, response in (operation.get("responses") or {}).items():
        _strip_response(response, str(status))


def _strip_response(response: Any, status: str = "") -> None:
    if isinstance(response, dict) and "$ref" not in response:
        # A response must have a description; ours come from the overlays.
        response["description"] = f"HTTP {status}".strip() if status else "A response."
        for header in (response.get("headers") or {}).values():
            if isinstance(header, dict):
                header.pop("description", None)


def _drop_extensions(node: Any, *, inside_names: bool = False) -> int:
    """Delete every ``x-...`` key of every object; keys of name maps (properties, paths, ...) are kept."""
    dropped = 0
    if isinstance(node, dict):
        for key in list(node):
            if not inside_names and isinstance(key, str) and key.startswith("x-"):
                del node[key]
                dropped += 1
        for key, value in node.items():
            names_below = not inside_names and key in ("properties", "patternProperties", "$defs", "headers")
            dropped += _drop_extensions(value, inside_names=names_below)
    elif isinstance(node, list):
        dropped += sum(_drop_extensions(value) for value in node)
    return dropped


# -------------------------------------------------------------------------------------- normalize


def normalize(document: dict[str, Any], report: Report) -> None:
    """Rewrite what the generator (or a 3.1 validator) handles badly into one canonical 3.1 shape:
    - OpenAPI 3.0 -> 3.1: ``nullable: true`` becomes a null type or a null union member, boolean
      ``exclusiveMinimum``/``exclusiveMaximum`` become numbers (a stray ``nullable`` in a 3.1 release too);
    - nullable inline values: ``anyOf: [X, {type: 'null'}]`` with a plain inline X becomes
      ``type: [T, 'null']`` on X, so an overlay can make a field nullable the same way in every release;
    - ``items`` without ``type: array`` gets the type; formats nobody defines (``unixtime``) are dropped;
      an empty ``required`` list is dropped;
    - ``$ref`` chains through schemas that are only a ``$ref`` point at the end of the chain;
    - unions whose object variants each carry a different single ``type`` value are discriminated:
      that value becomes a ``const``, inline variants of a component become components of their own
      (named component + value), and the ``discriminator`` gets its ``mapping``.
    """
    document["openapi"] = "3.1.0"
    for schema, pointer in list(iter_all_schemas(document)):
        _normalize_schema(schema, pointer, report)
    _shorten_ref_chains(document, report)
    _discriminate_unions(document, report)


def _normalize_schema(schema: dict[str, Any], pointer: str, report: Report) -> None:
    if "nullable" in schema and schema.pop("nullable") is True:
        _make_nullable(schema)
        report.add("nullable", pointer)
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(schema.get(bound), bool) and schema.pop(bound) and limit in schema:
            schema[bound] = schema.pop(limit)
    if "items" in schema and "type" not in schema:
        schema["type"] = "array"
        report.add("array-type", pointer)
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt not in KNOWN_FORMATS:
        del schema["format"]
        report.add("format", f"{pointer} ({fmt})")
    if schema.get("required") == []:
        del schema["required"]
    if "const" in schema and "default" not in schema:
        # The only value is also the default: a required const field then needs no argument.
        schema["default"] = schema["const"]
    _collapse_nullable_union(schema)


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) == 1


def _make_nullable(schema: dict[str, Any]) -> None:
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            if not any(_is_null(v) for v in schema[key]):
                schema[key].append({"type": "null"})
            return
    kind = schema.get("type")
    if "$ref" in schema or "enum" in schema or "const" in schema or "allOf" in schema or kind is None:
        inner = {k: schema.pop(k) for k in list(schema) if k not in ("default", "description")}
        schema["anyOf"] = [inner, {"type": "null"}]
    elif isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        kind.append("null")


def _collapse_nullable_union(schema: dict[str, Any]) -> None:
    variants = schema.get("anyOf")
    if not (isinstance(variants, list) and len(variants) == 2 and _is_null(variants[1])):
        return
    inner = variants[0]
    plain = isinstance(inner, dict) and isinstance(inner.get("type"), str) and inner["type"] != "null"
    if not plain or any(k in inner for k in ("$ref", "enum", "const", "oneOf", "allOf")):
        return
    # A key on both sides would clash when merged; that includes an inner anyOf.
    if set(schema) - {"anyOf", "default", "description"} or set(schema) & set(inner):
        return
    del schema["anyOf"]
    inner = dict(inner)
    inner["type"] = [inner["type"], "null"]
    rest = dict(schema)
    schema.clear()
    schema.update(inner)
    schema.update(rest)


def _alias_target(schemas: dict[str, Any], ref: str) -> str:
    """Follow schemas that are only a `$ref` to the first one that is more."""
    seen = set()
    while ref.startswith("#/components/schemas/"):
        name = unescape(ref.removeprefix("#/components/schemas/"))
        target = schemas.get(name)
        if not (isinstance(target, dict) and set(target) == {"$ref"}) or ref in seen:
            break
        seen.add(ref)
        ref = target["$ref"]
    return ref


def _shorten_ref_chains(document: dict[str, Any], report: Report) -> None:
    schemas = (document.get("components") or {}).get("schemas") or {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                final = _alias_target(schemas, ref)
                if final != ref:
                    node["$ref"] = final
                    report.add("ref-chain", f"{ref} -> {final}")
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit({k: v for k, v in document.items() if k != "components"})
    for _name, schema in schemas.items():
        if not (isinstance(schema, dict) and set(schema) == {"$ref"}):
            visit(schema)


def _pascal(value: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", value) if part)


def _type_value(schema: Any, schemas: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The single value of an object variant's `type` property, and the property's schema."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        name = unescape(schema["$ref"].removeprefix("#/components/schemas/"))
        schema = schemas.get(name)
    if not (isinstance(schema, dict) and isinstance(schema.get("properties"), dict)):
        return None
    prop = schema["properties"].get("type")
    if not isinstance(prop, dict):
        return None
    if isinstance(prop.get("const"), str):
        return prop["const"], prop
    enum = prop.get("enum")
    if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
        return enum[0], prop
    return None


def _discriminate_unions(document: dict[str, Any], report: Report) -> None:
    schemas = (document.get("components") or {}).get("schemas") or {}
    for owner in sorted(schemas):
        for schema, pointer in list(iter_subschemas(schemas[owner], f"/components/schemas/{escape(owner)}")):
            for key in ("oneOf", "anyOf"):
                if isinstance(schema.get(key), list):
                    _discriminate(schema, key, owner, pointer, schemas, report)
    for schema, pointer in list(iter_all_schemas(document)):
        # A component's unions were done above with their owner; as long as every $ref resolves, a
        # second pass without one changes nothing.
        if pointer.startswith("/components/schemas/"):  # pragma: no mutate (redoing these changes nothing)
            continue
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                _discriminate(schema, key, None, pointer, schemas, report)


def _discriminate(
    schema: dict[str, Any], key: str, owner: str | None, pointer: str, schemas: dict[str, Any], report: Report
) -> None:
    """Hoist the union's inline object variants that carry a single `type` value into components
    (the generator mishandles inline objects nested in union variants, and a component name is
    stable where `Type1` is not); when every member carries a distinct value, complete the
    discriminator."""
    values: list[str | None] = []  # a null member has none, like any other member without a `type` value
    for index, variant in enumerate(schema[key]):
        found = _type_value(variant, schemas)
        values.append(found and found[0])
        if found is None:
            continue
        if "$ref" not in variant and owner is not None:
            name = f"{owner}{_pascal(found[0])}"
            if name in schemas:
                continue  # no stable name to give it: leave it inline
            schemas[name] = variant
            schema[key][index] = {"$ref": f"#/components/schemas/{escape(name)}"}
            report.add("hoisted", f"{pointer}/{key}/{index} -> {name}")
    if len(values) < 2 or None in values or len(set(values)) != len(values):
        return  # a discriminator needs two or more members, each with a value of its own
    members: list[dict[str, Any]] = schema[key]
    if not all("$ref" in v for v in members):
        return  # ... and named members
    mapping: dict[str, str] = {}
    for variant in members:
        found = _type_value(variant, schemas)
        assert found is not None  # its value is in values
        value, prop = found
        if "const" not in prop:
            prop["const"] = prop.pop("enum")[0]
            prop.setdefault("default", prop["const"])
        # The member's `type` is what tells members apart, so it is always sent (its default is its value).
        member = schemas[unescape(variant["$ref"].removeprefix("#/components/schemas/"))]
        if "type" not in member.get("required", []):
            member["required"] = [*member.get("required", []), "type"]
        mapping[value] = variant["$ref"]
    current = schema.get("discriminator")
    if not isinstance(current, dict) or current.get("propertyName") != "type" or current.get("mapping") != mapping:
        schema["discriminator"] = {"propertyName": "type", "mapping": dict(sorted(mapping.items()))}
        report.add("discriminator", pointer)


# ------------------------------------------------------------------------- examples and defaults


class _SchemaChecker:
    """Validates values against schemas of the document (by JSON pointer), $refs included."""

    def __init__(self, document: dict[str, Any], file: str) -> None:
        self._validator = SchemaValidator(document)
        self._file, self._document = file, document

    def problem(self, value: Any, pointer: str) -> str | None:
        try:
            error = next(self._validator.errors(value, pointer), None)
        except (
            referencing.exceptions.Unresolvable, jsonschema.exceptions.SchemaError, jsonschema.exceptions.UnknownType,
            TypeError,  # a keyword with a value of the wrong kind (`type: 7`) breaks the validator itself
        ) as err:  # fmt: skip
            # A broken schema (a $ref to nothing, `type: 7`): say where, never dump the document.
            problem = (
                command.one_line(err) if isinstance(err, jsonschema.exceptions.SchemaError) else type(err).__name__
            )
            where, problem = _broken_schema(self._document) or (pointer, problem)
            raise SpecImportError(self._file, where, f"not a usable schema ({problem[:160]})", _FIX_RELEASE) from None
        if error is None:
            return None
        where = "/".join(str(p) for p in error.absolute_path)
        return f"{error.message[:120]}{f' at {where}' if where else ''}"


def _broken_schema(document: dict[str, Any]) -> tuple[str, str] | None:
    """The pointer and problem of the first schema that breaks JSON Schema's own rules (only looked for
    once something has failed: checking every schema against the metaschema costs time)."""
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    for schema, pointer in iter_root_schemas(document):
        error = jsonschema.exceptions.best_match(meta.iter_errors(schema))
        if error is not None:
            where = "".join(f"/{escape(str(part))}" for part in error.absolute_path)
            return f"{pointer}{where}", error.message
    return None


def drop_invalid_values(document: dict[str, Any], report: Report, file: str = "source") -> None:
    """Examples and defaults that break their own schema are dropped (the generator and the mock
    server would trust them)."""
    checker = _SchemaChecker(document, file)
    for schema, pointer in list(iter_all_schemas(document)):
        if "default" in schema:
            problem = checker.problem(schema["default"], pointer)
            if problem:
                del schema["default"]
                report.add("invalid-default", f"{pointer}: {problem}")
        if "example" in schema:
            problem = checker.problem(schema["example"], pointer)
            if problem:
                del schema["example"]
                report.add("invalid-example", f"{pointer}: {problem}")
        if isinstance(schema.get("examples"), list):
            kept = [e for e in schema["examples"] if checker.problem(e, pointer) is None]
            for _ in range(len(schema["examples"]) - len(kept)):
                report.add("invalid-example", f"{pointer}/examples")
            if kept:
                schema["examples"] = kept
            else:
                del schema["examples"]
    for media, pointer in _iter_media(document):
        if "schema" not in media:
            continue
        schema_pointer = f"{pointer}/schema"
        if "example" in media:
            problem = checker.problem(media["example"], schema_pointer)
            if problem:
                del media["example"]
                report.add("invalid-example", f"{pointer}: {problem}")
        for name, example in list((media.get("examples") or {}).items()):
            if isinstance(example, dict) and "value" in example:
                problem = checker.problem(example["value"], schema_pointer)
                if problem:
                    del media["examples"][name]
                    report.add("invalid-example", f"{pointer}/examples/{name}: {problem}")
        if media.get("examples") == {}:
            del media["examples"]


def _iter_media(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    def in_content(holder: Any, pointer: str) -> Iterator[tuple[dict[str, Any], str]]:
        if isinstance(holder, dict) and isinstance(holder.get("content"), dict):
            for media_type, media in holder["content"].items():
                if isinstance(media, dict):
                    yield media, f"{pointer}/content/{escape(media_type)}"

    components = document.get("components") or {}
    for name, response in (components.get("responses") or {}).items():
        yield from in_content(response, f"/components/responses/{escape(name)}")
    for name, body in (components.get("requestBodies") or {}).items():
        yield from in_content(body, f"/components/requestBodies/{escape(name)}")
    for method, path, operation in iter_operations(document):
        at = f"/paths/{escape(path)}/{method}"
        yield from in_content(operation.get("requestBody"), f"{at}/requestBody")
        for status, response in (operation.get("responses") or {}).items():
            yield from in_content(response, f"{at}/responses/{escape(str(status))}")


# ----------------------------------------------------------------------------------------- output


def canonical(document: dict[str, Any]) -> dict[str, Any]:
    """Stable order: paths and components by name, schema keywords in _SCHEMA_KEY_ORDER."""
    result = copy.deepcopy(document)
    for schema, _ in list(iter_all_schemas(result)):
        ordered = {k: schema[k] for k in _SCHEMA_KEY_ORDER if k in schema}
        ordered.update((k, v) for k, v in schema.items() if k not in ordered)
        schema.clear()
        schema.update(ordered)
    result["paths"] = dict(sorted(result.get("paths", {}).items()))
    if "webhooks" in result:
        result["webhooks"] = dict(sorted(result["webhooks"].items()))
    components = result.get("components") or {}
    for kind in components:
        if isinstance(components[kind], dict):
            components[kind] = dict(sorted(components[kind].items()))
    order = ("openapi", "info", "servers", "security", "tags", "paths", "webhooks", "components")
    return {k: result[k] for k in (*order, *[k for k in result if k not in order]) if k in result}


def dump(document: dict[str, Any], header: str) -> str:
    body = yaml.dump(
        canonical(document),
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return header + body


def validate(document: dict[str, Any]) -> tuple[str, str] | None:
    """None, or the JSON pointer where the result breaks OpenAPI 3.1 and why."""
    # Round-trip through JSON first: the validator must see exactly what the YAML file will hold.
    try:
        validate_openapi(json.loads(json.dumps(document)))
    except OpenAPIValidationError as err:
        parts = getattr(err, "absolute_path", None) or []
        return "".join(f"/{escape(str(p))}" for p in parts), command.one_line(err)[:300]
    return None


# ------------------------------------------------------------------------------- conditional fixes

# An overlay with this key applies only where the named detector finds its defect in the release.
APPLY_WHEN = "x-apply-when"
# The vendor defect an overlay corrects, in a few words (overlays that only add our own words have none).
DEFECT = "x-defect"


def _operation_schema(document: dict[str, Any], path: str, *at: str) -> tuple[str, dict[str, Any]] | None:
    """The pointer and JSON schema of the JSON body at keys ``at`` of POST path (``requestBody``, or
    ``responses``, ``200``), following $refs."""
    try:
        holder = document["paths"][path]["post"]
        for key in at:
            holder = holder[key]
        holder = resolve(document, holder)
        schema = holder["content"]["application/json"]["schema"]
        pointer = str(schema.get("$ref", "")).removeprefix("#")
        schema = resolve(document, schema)
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    return (pointer, schema) if isinstance(schema, dict) else None


def _detect_swapped_session_schemas(document: dict[str, Any]) -> str | None:
    """The swap of the newest releases: POST /realtime/sessions takes a schema with the response's shape
    (a minted client_secret {value, ...}, no model) and answers one without a client secret."""
    request = _operation_schema(document, "/realtime/sessions", "requestBody")
    response = _operation_schema(document, "/realtime/sessions", "responses", "200")
    if request is None or response is None:
        return None
    (request_at, request_schema), (response_at, response_schema) = request, response
    properties = request_schema.get("properties") or {}
    secret = resolve(document, properties.get("client_secret"))
    mints = isinstance(secret, dict) and "value" in (secret.get("properties") or {})
    if not mints or "model" in properties or "client_secret" in (response_schema.get("properties") or {}):
        return None
    return (
        f"{request_at or 'the request'} has client_secret.value and no model (the response's shape); "
        f"{response_at or 'the response'} has no client_secret"
    )


DETECTORS = {"swapped-session-schemas": _detect_swapped_session_schemas}


# ------------------------------------------------------------------------------------------ the run


def import_document(
    source: dict[str, Any],
    selection: Selection,
    overlays: Iterable[tuple[str, dict[str, Any]]],
    report: Report,
    source_name: str = "source",
) -> dict[str, Any]:
    """The whole import on plain data (no files): source -> our description."""
    document = select(source, selection, report, source_name)
    rename_schemas(document, selection.renames, report)
    _check_shapes(document, source_name, _FIX_RELEASE)
    strip(document, report)
    normalize(document, report)
    drop_invalid_values(document, report, source_name)
    touched: list[tuple[str, int, str]] = []  # (overlay, action, pointer it selected), for blame
    replaced: list[str] = []
    for name, overlay in overlays:
        condition = overlay.get(APPLY_WHEN)
        if condition is not None:
            evidence = DETECTORS[condition](document)
            if evidence is None:
                report.add("fix", f"{name}: not applied, no {condition} defect in this release")
                continue
            report.add("fix", f"{name}: applied, {condition} detected: {evidence}")
        try:
            actions = overlays_lib.apply_overlay(document, overlay, name)
        except overlays_lib.OverlayError as err:
            raise _overlay_failure(err) from err
        if isinstance(overlay.get(DEFECT), str) and any(action.matched for action in actions):
            report.add("defect", f"{overlay[DEFECT]} ({name})")
        for action in actions:
            report.add("overlay", f"{name}: action {action.index} matched {action.matched}: {action.target}")
            for at in action.overridden:
                # Below a node an earlier action replaced whole, nothing is the release's any more.
                if _is_fact(at) and not any(at.startswith(f"{gone}/") for gone in replaced):
                    report.add("overridden", f"{at} by {name} action {action.index}")
            replaced.extend(action.overridden)
            touched.extend((name, action.index, at) for at in action.pointers)
        remedy = f"correct {name}: bring along what it refers to, and target only what the release has"
        _reached(document, document.get("components") or {}, name, remedy)
        _check_shapes(document, name, remedy)
    try:
        normalize(document, report)
        drop_invalid_values(document, report, source_name)
        report.add("shaken", str(shake(document, source_name)))
        problem = validate(document)
        if problem:
            raise SpecImportError(source_name, problem[0], f"the result is not valid OpenAPI 3.1: {problem[1]}",
                                  _FIX_RELEASE)  # fmt: skip
    except SpecImportError as err:
        # Where an overlay changed the node that broke, the overlay is what to correct.
        pointer = err.pointer
        blamed = [
            (n, i)
            for n, i, at in touched
            if pointer == at or pointer.startswith(f"{at}/") or at.startswith(f"{pointer}/")
        ]
        if not blamed:
            raise
        name, index = blamed[-1]
        raise SpecImportError(name, pointer, err.problem, f"correct action {index} of {name}") from err
    return document


def defects_corrected(report: Report) -> list[str]:
    """The vendor defects this import corrected: what each overlay with ``x-defect`` that changed
    something says it fixes, in overlay order."""
    return report.texts("defect")


def _is_fact(pointer: str) -> bool:
    """Whether a pointer names something an operation sends or receives, rather than words or identity."""
    *parents, last = pointer.split("/")
    words = last in ("description", "summary", "title") and (not parents or parents[-1] != "properties")
    return not (words or pointer.startswith("/info/") or pointer.startswith("/tags"))


def _check_shapes(document: dict[str, Any], file: str, remedy: str) -> None:
    """Every schema is an object, and every kept operation with a JSON body has a schema for it."""
    bad = find_non_schema(document)
    if bad:
        raise SpecImportError(file, bad[0], bad[1], remedy)
    for method, path, operation in iter_operations(document):
        body = operation.get("requestBody")
        at = f"/paths/{escape(path)}/{method}/requestBody"
        if isinstance(body, dict) and "$ref" in body:
            continue  # a component: _reached has checked that it exists
        content = body.get("content") if isinstance(body, dict) else None
        if body is not None and not isinstance(content, dict):
            raise SpecImportError(file, at, f"{method.upper()} {path} has a request body without content", remedy)
        media = (content or {}).get("application/json")
        if media is not None and not (isinstance(media, dict) and "schema" in media):
            problem = f"{method.upper()} {path} has a JSON request body without a schema"
            raise SpecImportError(file, f"{at}/content/application~1json", problem, remedy)


def header_for(raw_source: bytes, overlay_names: list[str]) -> str:
    digest = hashlib.sha256(raw_source).hexdigest()
    applied = ", ".join(overlay_names) if overlay_names else "none"
    return (
        f"{HEADER_PREFIX}{digest}.\n"
        f"# Overlays applied in order: {applied}.\n"
        "# Do not edit by hand: change spec-selection.yaml or overlays/ and import again (see README).\n"
    )


def run(
    source_path: Path,
    output: Path = paths.SPEC,
    selection_path: Path = SELECTION,
    overlays_dir: Path = OVERLAYS,
) -> Report:
    """Import source_path into output; returns the report."""
    source, raw = load_source(source_path)
    selection = load_selection(selection_path)
    overlays = load_overlays(overlays_dir)
    report = Report()
    report.add("source", f"{source_path.name}: {len(raw) / 1e6:.2f} MB, OpenAPI {source['openapi']}, "
               f"{sum(1 for _ in iter_operations(source))} operations")  # fmt: skip
    document = import_document(source, selection, overlays, report, str(source_path))
    skipped = {text.split(":")[0] for text in report.texts("fix") if ": not applied" in text}
    text = dump(document, header_for(raw, [name for name, _ in overlays if name not in skipped]))
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=output.parent, delete=False, suffix=".tmp") as tmp:
            tmp.write(text)
        Path(tmp.name).replace(output)
    except OSError as err:
        raise SpecImportError(str(output), "", f"cannot write it ({err.strerror or err})", "check --output") from err
    return report


def print_report(report: Report, output: Path, verbose: bool) -> None:
    for text in report.texts("source"):
        print(f"==> import-spec: {text}")
    for text in report.texts("kept"):
        print(f"    kept     {text}")
    for text in report.texts("kept-webhook"):
        print(f"    kept     webhook {text}")
    for text in report.texts("missing"):
        print(f"    MISSING  {text}: not in this release, left out (make spec-diff shows the removal)")
    for text in report.texts("missing-webhook"):
        # spec-diff compares operations; a webhook's removal shows in the public API (its event class).
        print(f"    MISSING  webhook {text}: not in this release, left out (make spec-diff shows its class's removal)")
    counts = [
        ("renamed", "schemas renamed"), ("extensions", ""), ("const", "single-value enums made const"),
        ("nullable", "`nullable: true` rewritten"), ("array-type", "`type: array` added"),
        ("format", "unknown formats dropped"), ("ref-chain", "$ref chains shortened"),
        ("hoisted", "union variants made components"), ("discriminator", "discriminators completed"),
        ("invalid-default", "invalid defaults dropped"), ("invalid-example", "invalid examples dropped"),
    ]  # fmt: skip
    for step, label in counts:
        if step == "extensions":
            dropped = sum(int(t) for t in report.texts(step))
            print(f"    {dropped} vendor extensions dropped, prose stripped")
        elif report.count(step):
            print(f"    {report.count(step)} {label}")
            if verbose or step.startswith("invalid") or step == "renamed":
                for text in report.texts(step):
                    print(f"        {text}")
    removed = sum(int(t) for t in report.texts("shaken"))
    print(f"    {removed} components nothing references dropped")
    for text in report.texts("fix"):
        print(f"    fix      {text}")
    for text in report.texts("overridden"):
        print(f"    overridden {text}")
    unmatched: dict[str, int] = {}
    for text in report.texts("overlay"):
        if verbose:
            print(f"    overlay  {text}")
        elif text.split(" matched ")[1].startswith("0:"):
            name = text.split(":")[0]
            unmatched[name] = unmatched.get(name, 0) + 1
    for name, count in unmatched.items():
        print(f"    overlay  {name}: {count} action(s) matched nothing here (--verbose lists them)")
    print(f"==> wrote {output.name}; next: make spec-diff, then make generate")


def main(argv: list[str] | None = None) -> int:
    parser = command.Parser(prog="python -m tools.spec_import", description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the vendor's description (YAML or JSON, or either gzipped)")
    parser.add_argument("--output", type=Path, default=paths.SPEC, help="default: openapi.yaml")
    parser.add_argument("--selection", type=Path, default=SELECTION, help="default: spec-selection.yaml")
    parser.add_argument("--overlays", type=Path, default=OVERLAYS, help="default: overlays/")
    parser.add_argument("--verbose", action="store_true", help="list every normalization and overlay action")
    return command.run("import-spec", parser, _run_command, argv, unusable=(SpecImportError,))


def _run_command(args: argparse.Namespace) -> int:
    report = run(args.source, args.output, args.selection, args.overlays)
    print_report(report, args.output, args.verbose)
    return command.OK
