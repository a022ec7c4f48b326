"""The OpenAPI 3.x document every stage reads: loading it, $ref resolution, JSON pointers, and walking
it by structure (its operations, and every schema in it with its JSON pointer).

Structure matters because the same key means different things in different places: `description`
is prose on a schema but a field name inside `properties`, and `x-...` is an extension on an object
but could be a response header's name. The walkers here only ever hand out real schema objects.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

MAX_REF_CHAIN = 32
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# JSON Schema keywords whose value is a schema, a list of schemas or a map of name -> schema.
_ONE_SCHEMA = (
    "items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "additionalItems",
)  # fmt: skip
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


def escape(token: str) -> str:
    """One JSON pointer reference token."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer_get(document: Any, pointer: str) -> Any:
    """The node at a JSON pointer such as ``/components/schemas/Error`` (KeyError when absent)."""
    node = document
    for token in pointer.split("/")[1:] if pointer else []:
        token = unescape(token)
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


class RefError(ValueError):
    """A ``$ref`` that cannot be followed; the message says which and why."""


def load(spec: Path) -> dict[str, Any]:
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{spec.name} is not a mapping")
    return document


def follow(document: Any, node: Any) -> tuple[Any, list[dict[str, Any]]]:
    """Follow local $refs (``#/components/...``) from node to a node that is not a reference: that
    node, and the reference objects passed on the way (outermost first). RefError when one fails."""
    passed: list[dict[str, Any]] = []
    for _ in range(MAX_REF_CHAIN):
        if not (isinstance(node, dict) and "$ref" in node):
            return node, passed
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise RefError(f"only local $refs ('#/...') are supported, found {ref!r}")
        passed.append(node)
        try:
            node = pointer_get(document, ref[1:])
        except (KeyError, IndexError, TypeError, ValueError):
            raise RefError(f"$ref {ref!r} points to nothing") from None
    raise RefError(f"a chain of $refs is longer than {MAX_REF_CHAIN} links (a $ref to itself?)")


def target(document: Any, pointer: str) -> tuple[Any, str]:
    """The node at pointer with its $refs followed, and that node's own pointer."""
    node, passed = follow(document, pointer_get(document, pointer))
    return node, (str(passed[-1]["$ref"])[1:] if passed else pointer)


def resolve(document: Any, node: Any, *, siblings: bool = False) -> Any:
    """The node a chain of local $refs ends at. With ``siblings`` (OpenAPI 3.1 reading), keywords
    written beside a $ref are kept, the outermost winning over the target's."""
    target, passed = follow(document, node)
    if not (siblings and passed and isinstance(target, dict)):
        return target
    merged = dict(target)
    for holder in reversed(passed):
        merged.update((key, value) for key, value in holder.items() if key != "$ref")
    return merged


class SchemaValidator:
    """Validates values against the schemas of a document, named by JSON pointer, $refs included."""

    def __init__(self, document: dict[str, Any]) -> None:
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource("urn:openapi", resource)
        self._validators: dict[str, Draft202012Validator] = {}

    def errors(self, value: Any, pointer: str) -> Iterator[ValidationError]:
        """What is wrong with value by the schema at pointer (jsonschema's own exceptions when that
        schema itself is broken)."""
        validator = self._validators.get(pointer)
        if validator is None:
            validator = Draft202012Validator({"$ref": f"urn:openapi#{pointer}"}, registry=self._registry)
            self._validators[pointer] = validator
        return iter(validator.iter_errors(value))

    def is_valid(self, value: Any, pointer: str) -> bool:
        return next(self.errors(value, pointer), None) is None


def iter_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for every operation, in document order."""
    return _iter_section_operations(document, "paths")


def iter_webhook_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, webhook name, operation) for every operation of the OpenAPI 3.1 ``webhooks``, in order.

    Kept apart from iter_operations: a webhook is a request the vendor sends, not an operation of the API.
    """
    return _iter_section_operations(document, "webhooks")


def _iter_section_operations(document: dict[str, Any], section: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for name, item in (document.get(section) or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield method, name, operation


def iter_subschemas(schema: Any, pointer: str) -> Iterator[tuple[dict[str, Any], str]]:
    """(schema, pointer) for schema and every schema nested in it, parents before children."""
    if not isinstance(schema, dict):
        return
    yield schema, pointer
    for key in _ONE_SCHEMA:
        if isinstance(schema.get(key), dict):
            yield from iter_subschemas(schema[key], f"{pointer}/{escape(key)}")
    for key in _SCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            for index, sub in enumerate(schema[key]):
                yield from iter_subschemas(sub, f"{pointer}/{key}/{index}")
    for key in _SCHEMA_MAPS:
        if isinstance(schema.get(key), dict):
            for name, sub in schema[key].items():
                yield from iter_subschemas(sub, f"{pointer}/{escape(key)}/{escape(name)}")


def _media_schemas(content: Any, pointer: str) -> Iterator[tuple[Any, str]]:
    if isinstance(content, dict):
        for media_type, media in content.items():
            if isinstance(media, dict) and "schema" in media:
                yield media["schema"], f"{pointer}/content/{escape(media_type)}/schema"


def _parameter_schemas(parameters: Any, pointer: str) -> Iterator[tuple[Any, str]]:
    if isinstance(parameters, list):
        for index, parameter in enumerate(parameters):
            if isinstance(parameter, dict) and "schema" in parameter:
                yield parameter["schema"], f"{pointer}/{index}/schema"


def _response_schemas(response: Any, pointer: str) -> Iterator[tuple[Any, str]]:
    if not isinstance(response, dict):
        return
    yield from _media_schemas(response.get("content"), pointer)
    for name, header in (response.get("headers") or {}).items():
        if isinstance(header, dict) and "schema" in header:
            yield header["schema"], f"{pointer}/headers/{escape(name)}/schema"


def iter_root_schemas(document: dict[str, Any]) -> Iterator[tuple[Any, str]]:
    """(schema, pointer) of every schema that is not nested in another schema."""
    components = document.get("components") or {}
    for name, schema in (components.get("schemas") or {}).items():
        yield schema, f"/components/schemas/{escape(name)}"
    for name, parameter in (components.get("parameters") or {}).items():
        if isinstance(parameter, dict) and "schema" in parameter:
            yield parameter["schema"], f"/components/parameters/{escape(name)}/schema"
    for name, header in (components.get("headers") or {}).items():
        if isinstance(header, dict) and "schema" in header:
            yield header["schema"], f"/components/headers/{escape(name)}/schema"
    for name, body in (components.get("requestBodies") or {}).items():
        if isinstance(body, dict):
            yield from _media_schemas(body.get("content"), f"/components/requestBodies/{escape(name)}")
    for name, response in (components.get("responses") or {}).items():
        yield from _response_schemas(response, f"/components/responses/{escape(name)}")
    for section in ("paths", "webhooks"):
        for name, item in (document.get(section) or {}).items():
            if isinstance(item, dict):
                yield from _path_item_schemas(item, f"/{section}/{escape(name)}")


def _path_item_schemas(item: dict[str, Any], base: str) -> Iterator[tuple[Any, str]]:
    """The root schemas of a path item, of ``paths`` or of ``webhooks``."""
    yield from _parameter_schemas(item.get("parameters"), f"{base}/parameters")
    for method in HTTP_METHODS:
        operation = item.get(method)
        if not isinstance(operation, dict):
            continue
        at = f"{base}/{method}"
        yield from _parameter_schemas(operation.get("parameters"), f"{at}/parameters")
        body = operation.get("requestBody")
        if isinstance(body, dict):
            yield from _media_schemas(body.get("content"), f"{at}/requestBody")
        for status, response in (operation.get("responses") or {}).items():
            yield from _response_schemas(response, f"{at}/responses/{escape(str(status))}")


def find_non_schema(document: dict[str, Any]) -> tuple[str, str] | None:
    """(pointer, what is there) of the first place that must hold a schema but holds something else
    (a schema is an object, or a boolean in 3.1), or whose list or map of schemas is not one."""
    pending = list(iter_root_schemas(document))
    while pending:
        schema, pointer = pending.pop()
        if isinstance(schema, bool):
            continue
        if not isinstance(schema, dict):
            return pointer, f"a {type(schema).__name__} where a schema must be"
        for key in _ONE_SCHEMA:
            if key in schema:
                pending.append((schema[key], f"{pointer}/{escape(key)}"))
        for key in _SCHEMA_LISTS:
            if key in schema and not isinstance(schema[key], list):
                return f"{pointer}/{key}", f"a {type(schema[key]).__name__} where a list of schemas must be"
            pending.extend((sub, f"{pointer}/{key}/{i}") for i, sub in enumerate(schema.get(key) or []))
        for key in _SCHEMA_MAPS:
            if key in schema and not isinstance(schema[key], dict):
                return f"{pointer}/{key}", f"a {type(schema[key]).__name__} where a map of schemas must be"
            for name, sub in (schema.get(key) or {}).items():
                pending.append((sub, f"{pointer}/{escape(key)}/{escape(name)}"))
    return None


def iter_refs_at(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """(pointer of the object holding it, value) of every ``$ref`` anywhere below node."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield pointer, ref
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from iter_refs_at(value, f"{pointer}/{escape(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, (dict, list)):
                yield from iter_refs_at(value, f"{pointer}/{index}")


def iter_all_schemas(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """(schema, pointer) of every schema object in the document, nested ones included."""
    for schema, pointer in list(iter_root_schemas(document)):
        yield from iter_subschemas(schema, pointer)


def iter_refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` value anywhere below node."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from iter_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from iter_refs(value)


def sample(document: Any, schema: Any, depth: int = 0) -> Any:
    """A small value that fits a schema: its const, example, first of examples, default or first
    enum value, else the first alternative of a union, the merge of an allOf, an object of the
    required properties sampled the same way, ``minItems`` items, ``minimum`` or 0, false, "string"."""
    schema = resolve(document, schema, siblings=True)
    if not isinstance(schema, dict) or depth > MAX_REF_CHAIN:
        return None
    for key in ("const", "example", "default"):
        if key in schema:
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return sample(document, schema[key][0], depth + 1)
    if schema.get("allOf"):
        parts = [sample(document, part, depth + 1) for part in schema["allOf"]]
        if all(isinstance(part, dict) for part in parts):
            return {key: value for part in parts for key, value in part.items()}
        return parts[0]
    types = schema.get("type", "object" if "properties" in schema else "string")
    kind = next((t for t in types if t != "null"), "null") if isinstance(types, list) else types
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: sample(document, properties.get(name, {}), depth + 1) for name in schema.get("required", [])}
    if kind == "array":
        return [sample(document, schema.get("items", {}), depth + 1) for _ in range(int(schema.get("minItems", 0)))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    return {"boolean": False, "null": None}.get(kind, "string")


def example(document: Any, media: Any) -> tuple[Any, str]:
    """The example of a media type object (a request or response body) and where it came from:
    ``"operation"`` (its ``example``, else the first of its ``examples``), ``"schema"`` (its
    schema's ``example`` or first of ``examples``), else ``"sampled"`` (built by ``sample``)."""
    media = resolve(document, media) if isinstance(media, dict) else {}
    if "example" in media:
        return media["example"], "operation"
    for named in (media.get("examples") or {}).values():
        named = resolve(document, named)
        if isinstance(named, dict) and "value" in named:
            return named["value"], "operation"
    schema = resolve(document, media.get("schema", {}), siblings=True)
    if isinstance(schema, dict) and "example" in schema:
        return schema["example"], "schema"
    if isinstance(schema, dict) and schema.get("examples"):
        return schema["examples"][0], "schema"
    return sample(document, schema), "sampled"
