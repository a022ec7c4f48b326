"""What the documentation pages (templates/stage2/docs/, templates/README.md.jinja) need beyond the
generator's own data: Markdown escaping filters, and the ``docs`` template global, which reads the
API description for the facts the generator does not keep (bounds, nullability, defaults, consts,
the known values of open enums, examples, statuses, security).

Everything taken from the description reaches the templates as ``UntrustedString`` (or inside
plain data made of them), so a template still has to escape it, with the filters here, exactly as
a template that writes code does; the finalize hook in tools/codegen/generate.py refuses it raw.
"""

import ast
import datetime
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from openapi_python_client.schema.untrusted_string import UntrustedString
from openapi_python_client.strings import PythonCode, pascal_case, snake_case

from tools import openapi_document
from tools.codegen import generator_adapter
from tools.codegen.runtime_facts import SCHEMA_KEYWORDS

# --- Markdown filters -------------------------------------------------------------------------------

# What can start a block (heading, quote, list item, fence, thematic break) at the start of a line.
_BLOCK_START = re.compile(r"[#>+*=~_-]|`{3,}")
_ORDERED_ITEM = re.compile(r"(\d{1,9})([.)])(\s|$)")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _plain(value: object) -> str:
    """The raw text of a value, whatever wraps it, with control characters and line or paragraph
    separators removed and every run of whitespace (newlines included) made one space."""
    if isinstance(value, UntrustedString):
        value = value.get_untrusted_value()
    elif isinstance(value, PythonCode):
        value = value.as_unembedded_code()
    if not isinstance(value, str | int | float):  # an object's str() would be its repr
        raise TypeError(f"cannot show a {type(value).__name__} as Markdown text")
    text = str(value)
    text = "".join(
        " " if unicodedata.category(c) in {"Cc", "Zl", "Zp"} else c for c in text if unicodedata.category(c) != "Cf"
    )
    return " ".join(text.split())


def _code_span(text: str, *, in_table: bool) -> str:
    """``text`` verbatim as a Markdown code span: a fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ") and text.strip()):
        text = f" {text} "
    if in_table:
        text = text.replace("|", "\\|")
    return f"{fence}{text}{fence}"


def _escape_prose(text: str, *, in_table: bool) -> str:
    """Markdown prose as the description wrote it (emphasis, links and code spans keep working),
    with raw HTML made text and, in a table cell, the pipes that would split the row escaped."""
    out: list[str] = []
    position = 0
    for match in re.finditer(r"`+", text):
        if match.start() < position:
            continue
        fence = match.group()
        closing = re.compile(rf"(?<!`){fence}(?!`)").search(text, match.end())
        if closing is None:
            continue
        out.append(_escape_text(text[position : match.start()], in_table=in_table))
        code = text[match.start() : closing.end()]
        out.append(code.replace("|", "\\|") if in_table else code)
        position = closing.end()
    out.append(_escape_text(text[position:], in_table=in_table))
    return "".join(out)


def _escape_text(text: str, *, in_table: bool) -> str:
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "&#124;") if in_table else text


def md_text(value: object) -> str:
    """Description text for a Markdown paragraph or heading: one line, raw HTML shown as text, and a
    leading character that would start a block (``# ``, ``> ``, ``- ``, ``1. ``, a fence) escaped."""
    text = _escape_prose(_plain(value), in_table=False)
    ordered = _ORDERED_ITEM.match(text)
    if ordered:
        return ordered.group(1) + "\\" + text[len(ordered.group(1)) :]
    return "\\" + text if _BLOCK_START.match(text) else text


def md_cell(value: object) -> str:
    """Description text for a Markdown table cell (where blocks cannot start): one line, raw HTML
    shown as text, and no pipe that could end the cell."""
    return _escape_prose(_plain(value), in_table=True)


def md_code(value: object, in_table: bool = True) -> str:
    """A name, value or type shown verbatim as an inline code span (safe in a table cell unless
    ``in_table`` is false, where an escaped pipe would show its backslash)."""
    return _code_span(_plain(value), in_table=in_table)


def _unwrap(value: Any) -> Any:
    """Plain JSON-like data from data holding UntrustedStrings (the wrapped spec document)."""
    if isinstance(value, UntrustedString):
        return value.get_untrusted_value()
    if isinstance(value, Mapping):
        return {str(_unwrap(key)): _unwrap(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_unwrap(item) for item in value]
    if isinstance(value, datetime.date):  # YAML turns unquoted dates into dates; JSON has strings
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} has no JSON form")
    return value


def md_json(value: Any, in_table: bool = True) -> str:
    """A value as compact JSON in an inline code span."""
    return _code_span(json.dumps(_unwrap(value), ensure_ascii=False), in_table=in_table)


def md_json_block(value: Any) -> str:
    """A value as indented JSON for a fenced block. JSON escapes every newline inside a string, so
    no line of the output can close the fence."""
    return _escaped_unicode(json.dumps(_unwrap(value), indent=2, ensure_ascii=False), python=False)


def _escaped_unicode(text: str, *, python: bool) -> str:
    r"""JSON text with the invisible characters json.dumps leaves raw (other than the space and
    the newlines of its own layout) escaped: line and paragraph separators, format and private-use
    characters. They would break a line or hide in the page. Escapes are \u for JSON (a surrogate
    pair beyond the BMP) and \u or \U for Python."""
    out = []
    for c in text:
        if c in " \n" or unicodedata.category(c)[0] not in "CZ":
            out.append(c)
        elif ord(c) <= 0xFFFF:
            out.append(f"\\u{ord(c):04x}")
        elif python:
            out.append(f"\\U{ord(c):08x}")
        else:
            high, low = divmod(ord(c) - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}")
    return "".join(out)


def _string_literal(text: str) -> str:
    """A double-quoted Python string literal (JSON's escapes are all valid Python escapes)."""
    return _escaped_unicode(json.dumps(text, ensure_ascii=False), python=True)


def python_literal(value: Any, indent: int = 0, width: int = 100) -> str:
    """JSON-like data (spec examples) as a Python expression, laid out the way ruff formats code:
    on one line when it fits in ``width`` after ``indent`` spaces, else one item per line with a
    trailing comma. Strings are double-quoted and fully escaped, so a value cannot end the
    literal, and no line can start a Markdown fence."""
    return _python(_unwrap(value), indent, width)


def _python(value: Any, indent: int, width: int) -> str:
    flat = _python_flat(value)
    if indent + len(flat) <= width or not isinstance(value, dict | list) or not value:
        return flat
    inner = " " * (indent + 4)
    if isinstance(value, dict):
        items = [f"{inner}{_string_literal(str(k))}: {_python(v, indent + 4, width)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{inner}{_python(v, indent + 4, width)}," for v in value]
    return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"


def _python_flat(value: Any) -> str:
    if isinstance(value, str):
        return _string_literal(value)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string_literal(str(k))}: {_python_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_python_flat(v) for v in value) + "]"
    raise ValueError(f"a {type(value).__name__} in an example has no JSON form")


def python_annotation(type_string: PythonCode) -> PythonCode:
    """A type as the generated source spells it once ruff has run (``Literal["auto"]``, where the
    generator writes ``Literal['auto']``), so the docs show the annotation exactly."""
    tree = ast.parse(type_string.as_unembedded_code(), mode="eval")
    return PythonCode(_annotation(tree.body))


def _annotation(node: ast.expr) -> str:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return f"{_annotation(node.left)} | {_annotation(node.right)}"
    if isinstance(node, ast.Subscript):
        return f"{_annotation(node.value)}[{_annotation(node.slice)}]"
    if isinstance(node, ast.Tuple):
        return ", ".join(_annotation(element) for element in node.elts)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return json.dumps(node.value)
    return ast.unparse(node)


MARKDOWN_FILTERS = {
    "md_text": md_text,
    "md_cell": md_cell,
    "md_code": md_code,
    "md_json": md_json,
    "md_json_block": md_json_block,
    "python_literal": python_literal,
    "annotation": python_annotation,
}


# --- the `docs` global -------------------------------------------------------------------------------

# The bounds a field's notes show, checked by the client or not: the keywords of the runtime's table
# that have words (the template global ``schema_keywords`` is the same table).
_BOUND_KEYWORDS = tuple(keyword for keyword, (_, words) in SCHEMA_KEYWORDS.items() if words)
_MAX_DEPTH = 32
# Optional fields shown in a model page's construction example, besides the required ones.
_CONSTRUCTION_OPTIONAL = 3
# openapi_document.example's answer to "where did this example come from", in the docs' words.
_EXAMPLE_SOURCES = {
    "operation": "the request example of this operation in the API description",
    "schema": "the example of the request schema in the API description",
    "sampled": "the required fields of the request schema (the description has no example)",
}


def wrap(value: Any) -> Any:
    """Data from the description with every string, keys included, as an UntrustedString: what
    stage-2 templates get, so they must escape spec text exactly as stage-1 templates must."""
    if isinstance(value, dict):
        return {wrap(key): wrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [wrap(item) for item in value]
    if isinstance(value, str):
        return UntrustedString(value)
    return value


@dataclass(frozen=True)
class Note:
    """One fact in a property's notes column. ``kind`` picks the wording in the template:
    required, optional, nullable, default, const, bound (``keyword``, ``value``, and ``member``
    when the bound belongs to one member of a union), format, secret, known_values (an open enum:
    ``values``, ``enum`` names its Literal alias), one_of (a closed enum, ``member`` "each item"
    for arrays), variants (``variants``: the union's classes and the const fields telling them
    apart)."""

    kind: str
    value: Any = None
    keyword: str = ""
    member: str = ""
    values: tuple[Any, ...] = ()
    enum: str | None = None
    variants: tuple["Variant", ...] = ()
    filled: bool = False  # a const the constructor fills in (a required field with that default)
    open_variants: bool = False  # variants: an object of any other `type` arrives as UnknownVariant


@dataclass(frozen=True)
class Variant:
    """A class in a union, and the const fields (JSON name, value) that tell it from the others."""

    class_name: str
    consts: tuple[tuple[UntrustedString, Any], ...]


@dataclass(frozen=True)
class PropertyDoc:
    json_name: UntrustedString
    python_name: str
    annotation: PythonCode
    links: tuple[str, ...]  # documented classes named in the annotation, in order
    description: UntrustedString | None
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class UsedBy:
    """Where a class appears: in a field of another class, as an operation's body or result, or as the
    event a webhook delivers."""

    class_name: str = ""  # the class holding the field
    field_name: UntrustedString | None = None
    api_class: str = ""  # or the API class and method
    method: str = ""
    role: str = ""  # "request body" or "response"
    webhook: UntrustedString | None = None  # or the webhook delivering it, and its event type
    event_type: UntrustedString | None = None


@dataclass(frozen=True)
class ModelDoc:
    class_name: str
    description: UntrustedString | None
    properties: tuple[PropertyDoc, ...]
    # "any": unknown fields are kept as they are; "typed": kept, typed as ``extra_annotation``;
    # "none": the description forbids other fields (additionalProperties: false).
    extra_fields: str
    extra_annotation: PythonCode | None
    extra_links: tuple[str, ...]
    example: Any  # untrusted data, or None
    used_by: tuple[UsedBy, ...]
    # Keyword arguments for the page's construction example: (python name, untrusted value).
    construction: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class EnumDoc:
    class_name: str
    description: UntrustedString | None
    values: tuple[Any, ...]  # sorted, as in the Literal alias; UntrustedStrings for strings
    value_type: str  # "str" or "int"
    values_constant: str  # e.g. KNOWN_VOICE_VALUES
    check_function: str  # e.g. check_known_voice
    open_in: tuple[UsedBy, ...]  # fields where the alias is united with str: any string goes
    used_by: tuple[UsedBy, ...]


@dataclass(frozen=True)
class Status:
    code: int | None  # None for "default" or a range such as "4XX"
    label: UntrustedString
    description: UntrustedString | None


@dataclass(frozen=True)
class SecurityScheme:
    name: UntrustedString
    type: UntrustedString | None
    scheme: UntrustedString | None
    description: UntrustedString | None


@dataclass(frozen=True)
class OperationDoc:
    summary: UntrustedString | None
    description: UntrustedString | None
    body_class: str | None  # the body's model class, when it is one
    body_annotation: PythonCode | None
    body_links: tuple[str, ...]
    body_description: UntrustedString | None
    body_required: bool
    content_type: UntrustedString | None
    result_class: str | None
    result_annotation: PythonCode
    result_links: tuple[str, ...]
    statuses: tuple[Status, ...]
    security: tuple[SecurityScheme, ...]
    example: Any  # untrusted data for the request body, or None without a body
    example_source: str  # where the example came from, in words
    path_examples: tuple[tuple[str, Any], ...] = field(default=())  # (python name, untrusted value)


class Docs:
    """The ``docs`` template global: ``docs.model(model)``, ``docs.enum(enum)``,
    ``docs.operation(endpoint)``, ``docs.servers()``, ``docs.tag_description(tag)``."""

    def __init__(
        self,
        document: dict[str, Any],
        models: Iterable[Any],
        enums: Iterable[Any],
        collections: Any,
        webhook_events: Iterable[Any] = (),
    ) -> None:
        self._document = document
        self._webhook_events = tuple(webhook_events)  # tools.codegen.webhook_events.WebhookEvent
        self._models = {model.class_info.name: model for model in models}
        self._enums = {enum.class_info.name: enum for enum in enums}
        self._collections = collections
        self._documented = frozenset(self._models) | frozenset(self._enums)
        self._used_by: dict[str, list[UsedBy]] | None = None
        self._open_in: dict[str, list[UsedBy]] | None = None

    # --- schemas ---

    def _resolve(self, node: Any) -> Any:
        return openapi_document.resolve(self._document, node, siblings=True)

    def _members(self, schema: Any, depth: int = 0) -> list[dict[str, Any]]:
        """The alternatives of a schema, anyOf/oneOf flattened and resolved; the schema itself if none."""
        schema = self._resolve(schema)
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return []
        alternatives = [*schema.get("anyOf", []), *schema.get("oneOf", [])]
        if not alternatives:
            return [schema]
        return [member for alternative in alternatives for member in self._members(alternative, depth + 1)]

    @staticmethod
    def _types(schema: dict[str, Any]) -> list[str]:
        declared = schema.get("type")
        return [declared] if isinstance(declared, str) else list(declared or [])

    def _nullable(self, schema: Any) -> bool:
        for member in self._members(schema):
            if "null" in self._types(member) or member.get("nullable") is True:
                return True
            if ("const" in member and member["const"] is None) or None in member.get("enum", []):
                return True
        return False

    def _is_null_only(self, schema: dict[str, Any]) -> bool:
        return self._types(schema) == ["null"] or ("const" in schema and schema["const"] is None)

    def _is_plain_string(self, schema: dict[str, Any]) -> bool:
        return "string" in self._types(schema) and "enum" not in schema and "const" not in schema

    def _model_schema(self, model: Any) -> dict[str, Any]:
        dumped = model.data.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return dumped if isinstance(dumped, dict) else {}

    # --- names and links ---

    def _links(self, annotation: PythonCode) -> tuple[str, ...]:
        code = _QUOTED.sub("", annotation.as_unembedded_code())
        names = re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", code)
        return tuple(dict.fromkeys(name for name in names if name in self._documented))

    @staticmethod
    def _classes_in(prop: Any) -> Iterator[str]:
        """The classes a property's type is made of: models and enums, through unions and lists."""
        if hasattr(prop, "class_info"):
            yield prop.class_info.name
        for inner in getattr(prop, "inner_properties", None) or []:
            yield from Docs._classes_in(inner)
        inner_item = getattr(prop, "inner_property", None)
        if inner_item is not None:
            yield from Docs._classes_in(inner_item)

    def _const_fields(self, class_name: str) -> tuple[tuple[UntrustedString, Any], ...]:
        model = self._models.get(class_name)
        if model is None:
            return ()
        schema = self._model_schema(model)
        required = set(schema.get("required", []))
        fields = []
        for name, sub in schema.get("properties", {}).items():
            resolved = self._resolve(sub)
            if isinstance(resolved, dict) and "const" in resolved and name in required:
                fields.append((UntrustedString(name), wrap(resolved["const"])))
        return tuple(fields)

    # --- pages ---

    def model(self, model: Any) -> ModelDoc:
        schema = self._model_schema(model)
        raw_properties = schema.get("properties", {})
        properties = []
        for prop in [*(model.required_properties or []), *(model.optional_properties or [])]:
            raw = raw_properties.get(prop.name.get_untrusted_value(), {})
            annotation = python_annotation(prop.get_type_string())
            description = prop.description or self._description_of(raw)
            properties.append(
                PropertyDoc(
                    json_name=prop.name,
                    python_name=str(prop.python_name),
                    annotation=annotation,
                    links=self._links(annotation),
                    description=description,
                    notes=self._notes(prop, raw),
                )
            )
        extra = model.additional_properties
        if extra is None:
            extra_fields, extra_annotation = "none", None
        elif extra is True or type(extra).__name__ == "AnyProperty":
            extra_fields, extra_annotation = "any", None
        else:
            extra_fields, extra_annotation = "typed", python_annotation(extra.get_type_string())
        example = schema.get("example", (schema.get("examples") or [None])[0])
        return ModelDoc(
            class_name=model.class_info.name,
            description=model.description or self._description_of(schema),
            properties=tuple(properties),
            extra_fields=extra_fields,
            extra_annotation=extra_annotation,
            extra_links=self._links(extra_annotation) if extra_annotation is not None else (),
            example=wrap(example) if example is not None else None,
            used_by=tuple(self._usage()[0].get(model.class_info.name, [])),
            construction=self._construction(model, raw_properties),
        )

    def _construction(self, model: Any, raw_properties: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
        """Keyword arguments that build the class: every required field, and the first few
        optional ones, with small valid values (nested objects as plain dicts, which the client
        accepts where a model belongs)."""
        arguments: list[tuple[str, Any]] = []
        optional_left = _CONSTRUCTION_OPTIONAL
        for prop in [*(model.required_properties or []), *(model.optional_properties or [])]:
            if not prop.required and optional_left == 0:
                break
            value = self._construction_value(raw_properties.get(prop.name.get_untrusted_value(), {}))
            if not prop.required and (value is None or value == {} or value == []):
                continue  # says nothing: show another field instead
            if not prop.required:
                optional_left -= 1
            arguments.append((str(prop.python_name), wrap(value)))
        return tuple(arguments)

    def _construction_value(self, schema: Any) -> Any:
        """``openapi_document.sample``, but for a union of strings a known value (``"gpt-realtime"``) rather than
        the placeholder text of its open member."""
        schema = self._resolve(schema)
        if isinstance(schema, dict):
            for member in [*schema.get("anyOf", []), *schema.get("oneOf", [])]:
                member = self._resolve(member)
                if isinstance(member, dict) and member.get("enum"):
                    return member["enum"][0]
        return openapi_document.sample(self._document, schema)

    def _description_of(self, schema: Any) -> UntrustedString | None:
        resolved = self._resolve(schema)
        text = resolved.get("description") if isinstance(resolved, dict) else None
        return UntrustedString(text) if isinstance(text, str) and text.strip() else None

    def _notes(self, prop: Any, raw: Any) -> tuple[Note, ...]:
        schema = self._resolve(raw)
        if not isinstance(schema, dict):
            schema = {}
        notes = [Note("required" if prop.required else "optional")]
        if self._nullable(schema):
            notes.append(Note("nullable"))
        if "const" in schema:
            filled = prop.required and prop.default is not None
            notes.append(Note("const", value=wrap(schema["const"]), filled=filled))
        elif "default" in schema:
            notes.append(Note("default", value=wrap(schema["default"])))
        members = [member for member in self._members(schema) if not self._is_null_only(member)]
        notes += self._value_notes(prop, members, item=False)
        if "array" in self._types(schema) and isinstance(schema.get("items"), dict):
            item_members = [m for m in self._members(schema["items"]) if not self._is_null_only(m)]
            notes += self._value_notes(getattr(prop, "inner_property", None), item_members, item=True)
        for member in members:
            label = ""
            if len(members) > 1:
                label = "/".join(self._types(member)) or "value"
            for keyword in _BOUND_KEYWORDS:
                if keyword in member:
                    value = member[keyword]
                    # The generator's schema objects hold numeric bounds as floats: 1 came back as 1.0.
                    if isinstance(value, float) and value.is_integer() and "integer" in self._types(member):
                        value = int(value)
                    notes.append(Note("bound", keyword=keyword, value=wrap(value), member=label))
        if schema.get("format") == "password":
            notes.append(Note("secret"))
        elif isinstance(schema.get("format"), str):
            notes.append(Note("format", value=UntrustedString(schema["format"])))
        variants = self._variants(prop)
        if len(variants) > 1:
            notes.append(Note("variants", variants=variants, open_variants=self._open_variants(prop)))
        return tuple(notes)

    def _value_notes(self, prop: Any, members: list[dict[str, Any]], *, item: bool) -> list[Note]:
        """Known values (an open enum) or the allowed values (a closed one) of a property or its items."""
        values: dict[Any, None] = {}
        for member in members:
            for value in member.get("enum", []):
                if value is not None:
                    values[value] = None
        if not values:
            return []
        enum_names = [name for name in self._classes_in(prop) if name in self._enums] if prop is not None else []
        enum = enum_names[0] if enum_names else None
        if any(self._is_plain_string(m) for m in members):
            return [
                Note("known_values", values=tuple(wrap(list(values))), enum=enum, member="each item" if item else "")
            ]
        label = "each item" if item else ""
        if any("enum" not in m for m in members):  # a union of an enum and something else
            kinds = dict.fromkeys(t for m in members if "enum" in m for t in self._types(m))
            label = " ".join(filter(None, [label, "/".join(kinds) or "value"]))
        return [Note("one_of", values=tuple(wrap(list(values))), enum=enum, member=label)]

    @staticmethod
    def _open_variants(prop: Any) -> bool:
        """Whether a union (or a list's union items) takes an object of any other ``type`` as
        ``UnknownVariant`` (tools/codegen/generator_adapter.py adds that member)."""
        union = getattr(prop, "inner_property", None) or prop
        return any(generator_adapter.is_unknown_variant_property(p) for p in getattr(union, "inner_properties", []))

    def _variants(self, prop: Any) -> tuple[Variant, ...]:
        """The model classes of a union (or of a list's union items), with the const fields of each."""
        union = prop
        if getattr(prop, "inner_property", None) is not None:
            union = prop.inner_property
        inner = getattr(union, "inner_properties", None) or []
        names = [p.class_info.name for p in inner if hasattr(p, "class_info") and p.class_info.name in self._models]
        return tuple(Variant(name, self._const_fields(name)) for name in names)

    def enum(self, enum: Any) -> EnumDoc:
        snake = enum.get_class_name_snake_case()
        values = sorted(enum.values)
        return EnumDoc(
            class_name=enum.class_info.name,
            description=enum.description,
            values=tuple(wrap(values)),
            value_type=enum.value_type.__name__,
            values_constant=f"{snake.upper()}_VALUES",
            check_function=f"check_{snake}",
            open_in=tuple(self._usage()[1].get(enum.class_info.name, [])),
            used_by=tuple(self._usage()[0].get(enum.class_info.name, [])),
        )

    def _usage(self) -> tuple[dict[str, list[UsedBy]], dict[str, list[UsedBy]]]:
        """Per class: where it is used; and, for enum aliases, the fields where it is an open enum."""
        if self._used_by is None or self._open_in is None:
            used_by: dict[str, list[UsedBy]] = {}
            open_in: dict[str, list[UsedBy]] = {}
            for name in sorted(self._models):
                model = self._models[name]
                for prop in [*(model.required_properties or []), *(model.optional_properties or [])]:
                    where = UsedBy(class_name=name, field_name=prop.name)
                    for used in dict.fromkeys(self._classes_in(prop)):
                        used_by.setdefault(used, []).append(where)
                    inner = getattr(prop, "inner_properties", None) or []
                    if any(type(p).__name__ == "StringProperty" for p in inner):
                        for p in inner:
                            if hasattr(p, "class_info") and p.class_info.name in self._enums:
                                open_in.setdefault(p.class_info.name, []).append(where)
                extra = model.additional_properties
                if extra is not None and extra is not True:
                    for used in dict.fromkeys(self._classes_in(extra)):
                        used_by.setdefault(used, []).append(UsedBy(class_name=name))
            for tag in sorted(self._collections):
                api_class = f"{pascal_case(tag)}Api"
                for endpoint in sorted(self._collections[tag].endpoints, key=lambda e: e.name):
                    for body in endpoint.bodies:
                        for used in dict.fromkeys(self._classes_in(body.prop)):
                            used_by.setdefault(used, []).append(
                                UsedBy(api_class=api_class, method=str(endpoint.name), role="request body")
                            )
                    for response in endpoint.responses.patterns:
                        code_range = response.status_code.range
                        if code_range is not None and 200 <= code_range[0] <= 299:
                            for used in dict.fromkeys(self._classes_in(response.prop)):
                                used_by.setdefault(used, []).append(
                                    UsedBy(api_class=api_class, method=str(endpoint.name), role="response")
                                )
            for event in self._webhook_events:
                used_by.setdefault(event.class_name, []).append(
                    UsedBy(webhook=event.webhook, event_type=event.event_type)
                )
            self._used_by, self._open_in = used_by, open_in
        return self._used_by, self._open_in

    # --- operations ---

    def _operation(self, endpoint: Any) -> dict[str, Any]:
        path = endpoint.path.get_untrusted_value()
        operation = self._document.get("paths", {}).get(path, {}).get(endpoint.method)
        if not isinstance(operation, dict):
            raise ValueError(f"{endpoint.method.upper()} {path} is not in the description")
        return operation

    def operation(self, endpoint: Any, result: Any) -> OperationDoc:
        """``result`` is the operation's 2xx response, as the ``success_response`` global gives it."""
        operation = self._operation(endpoint)
        body_raw = self._resolve(operation.get("requestBody", {}))
        body = endpoint.bodies[0] if endpoint.bodies else None
        content_type = _raw(body.content_type) if body is not None else None
        media = body_raw.get("content", {}).get(content_type, {}) if body is not None else {}
        example, source = self._request_example(media) if body is not None else (None, "")
        body_annotation = python_annotation(body.prop.get_type_string()) if body is not None else None
        result_annotation = python_annotation(result.prop.get_type_string())
        body_class = body.prop.class_info.name if body is not None and hasattr(body.prop, "class_info") else None
        body_description = self._description_of(body_raw) or (
            self._description_of(media.get("schema", {})) if body is not None else None
        )
        return OperationDoc(
            summary=endpoint.summary or None,
            description=endpoint.description or None,
            body_class=body_class,
            body_annotation=body_annotation,
            body_links=self._links(body_annotation) if body_annotation is not None else (),
            body_description=body_description,
            body_required=bool(body is not None and body.prop.required),
            content_type=UntrustedString(content_type) if content_type else None,
            result_class=result.prop.class_info.name if hasattr(result.prop, "class_info") else None,
            result_annotation=result_annotation,
            result_links=self._links(result_annotation),
            statuses=self._statuses(operation),
            security=self._security(operation),
            example=wrap(example) if body is not None else None,
            example_source=source,
            path_examples=tuple(
                (str(p.python_name), wrap(self._parameter_example(operation, p.name.get_untrusted_value())))
                for p in endpoint.path_parameters
            ),
        )

    def _request_example(self, media: dict[str, Any]) -> tuple[Any, str]:
        """The body example: the operation's own, else its schema's, else one built from the schema."""
        value, source = openapi_document.example(self._document, media)
        return value, _EXAMPLE_SOURCES[source]

    def _parameter_example(self, operation: dict[str, Any], name: str) -> Any:
        for parameter in operation.get("parameters", []):
            parameter = self._resolve(parameter)
            if isinstance(parameter, dict) and parameter.get("name") == name:
                if "example" in parameter:
                    return parameter["example"]
                return openapi_document.sample(self._document, parameter.get("schema", {}))
        return "example"

    def _statuses(self, operation: dict[str, Any]) -> tuple[Status, ...]:
        statuses = []
        for label, response in (operation.get("responses") or {}).items():
            label = str(label)
            code = int(label) if label.isdigit() else None
            statuses.append(Status(code, UntrustedString(label), self._description_of(response)))
        return tuple(sorted(statuses, key=lambda s: (s.code is None, s.code or 0, s.label.get_untrusted_value())))

    def _security(self, operation: dict[str, Any]) -> tuple[SecurityScheme, ...]:
        requirements = operation.get("security", self._document.get("security", []))
        schemes = self._document.get("components", {}).get("securitySchemes", {})
        found = []
        for requirement in requirements or []:
            for name in requirement:
                scheme = self._resolve(schemes.get(name, {}))
                found.append(
                    SecurityScheme(
                        name=UntrustedString(name),
                        type=_untrusted_or_none(scheme.get("type")),
                        scheme=_untrusted_or_none(scheme.get("scheme")),
                        description=self._description_of(scheme),
                    )
                )
        return tuple(dict.fromkeys(found))

    # --- the description as a whole ---

    def servers(self) -> list[UntrustedString]:
        """The server URLs the description lists."""
        return [UntrustedString(s["url"]) for s in self._document.get("servers", []) if isinstance(s.get("url"), str)]

    @staticmethod
    def user_agent(project_name: str, version: UntrustedString) -> UntrustedString:
        """The User-Agent the client sends, as client.py.jinja builds it."""
        return UntrustedString(f"{project_name}/{version.get_untrusted_value()}")

    def tag_description(self, tag: str) -> UntrustedString | None:
        """The description of a tag, matched the way the generator names tag modules."""
        for entry in self._document.get("tags", []):
            if isinstance(entry, dict) and snake_case(str(entry.get("name", ""))) == tag:
                return self._description_of(entry)
        return None


def _raw(value: Any) -> str:
    return value.get_untrusted_value() if isinstance(value, UntrustedString) else str(value)


def _untrusted_or_none(value: Any) -> UntrustedString | None:
    return UntrustedString(value) if isinstance(value, str) else None
