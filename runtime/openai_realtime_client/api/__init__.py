"""The operations, grouped by tag: one ``<Tag>Api`` class and one module per operation.

Also the check every operation runs on its JSON body before sending it: each operation module
carries its body schema, taken from the API description at generation time (only the keywords
below). ``compile_request_check`` turns a schema, once, into closures that answer "valid or not"
without walking the schema again; only when a body fails them does ``check_request_body`` walk
the body against the schema to name the first field that breaks a rule.
"""

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import RequestValidationError

# The one table of the JSON Schema keywords this client knows: keyword -> (checked, words).
# `checked`: check_request_body enforces it, so the generator keeps it in each operation's
# BODY_SCHEMA (every other keyword is left out there). `words`: how the docs name a bound in a
# field's notes ("" for the keywords that are not bounds); a bound that is not checked is
# documented as such. The docs, the command line's help and the generation-time pruning read it.
SCHEMA_KEYWORDS: dict[str, tuple[bool, str]] = {
    "type": (True, ""),
    "enum": (True, ""),
    "const": (True, ""),
    "required": (True, ""),
    "properties": (True, ""),
    "items": (True, ""),
    "anyOf": (True, ""),
    "oneOf": (True, ""),
    "discriminator": (True, ""),  # as BODY_SCHEMA keeps it: the property and, per value, the member's index
    # The bounds, in the order a field's notes list them.
    "minimum": (True, "minimum"),
    "exclusiveMinimum": (True, "exclusive minimum"),
    "maximum": (True, "maximum"),
    "exclusiveMaximum": (True, "exclusive maximum"),
    "multipleOf": (False, "multiple of"),
    "minLength": (True, "min length"),
    "maxLength": (True, "max length"),
    "pattern": (False, "pattern"),
    "minItems": (True, "min items"),
    "maxItems": (True, "max items"),
    "uniqueItems": (False, "unique items"),
    "minProperties": (False, "min properties"),
    "maxProperties": (False, "max properties"),
}
CHECKED_KEYWORDS = frozenset(keyword for keyword, (checked, _) in SCHEMA_KEYWORDS.items() if checked)

_REQUIRED = "is required"

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


def check_request_body(value: Any, schema: Mapping[str, Any]) -> None:
    """Raise RequestValidationError naming the first field that breaks the schema."""
    problem = _first_problem(value, schema, "")
    if problem is not None:
        path, bad_value, rule, _ = problem
        raise RequestValidationError(path, bad_value, rule, missing=rule == _REQUIRED)


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False  # JSON booleans are not numbers, although Python's are
    return isinstance(value, _JSON_TYPES.get(name, (object,)))


_ARTICLES = {"integer": "an integer", "array": "an array", "object": "an object", "null": "null"}


def _json_type(value: Any) -> str:
    """The JSON type of a Python value, as the schema names types; "number" for an int too: JSON
    has one kind of number, and "is an integer where a string belongs" would suggest that some
    other number fits."""
    for name in ("boolean", "number", "string", "array", "object", "null"):
        if _is_type(value, name):
            return name
    return f"{type(value).__name__} (not JSON)"


def _json_kind(value: Any) -> str:
    """The JSON type of a Python value, with its article: ``a string``, ``an array``."""
    name = _json_type(value)
    return _ARTICLES.get(name, f"a {name}")


def _type_rule(value: Any, kinds: list[str]) -> str:
    """``is a string where an array belongs``: what was given, then what the schema takes."""
    return f"is {_json_kind(value)} where {' or '.join(_ARTICLES.get(k, f'a {k}') for k in kinds)} belongs"


# (field path, value, broken rule, the JSON types expected when the rule broken is the type).
_Problem = tuple[str, Any, str, tuple[str, ...] | None]


def _first_problem(value: Any, schema: Mapping[str, Any], path: str) -> _Problem | None:
    """The first problem found, or None."""
    dispatch = schema.get("discriminator")
    if dispatch is not None and isinstance(value, dict):
        # A discriminated union: the member named by the value's `type` decides, so the message
        # names the field that is wrong in that member instead of listing every member's complaint.
        name, mapping = dispatch["propertyName"], dispatch["mapping"]
        where = f"{path}.{name}" if path else name
        if name not in value:
            return where, None, _REQUIRED, None
        # The mapping's keys are strings; any other value (a list would not even hash) is not one.
        if not isinstance(value[name], str) or value[name] not in mapping:
            return where, value[name], "is not one of " + ", ".join(repr(v) for v in mapping), None
        members = schema["oneOf"] if "oneOf" in schema else schema["anyOf"]
        return _first_problem(value, members[mapping[value[name]]], path)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            problems: list[_Problem] = []
            for variant in schema[key]:
                problem = _first_problem(value, variant, path)
                if problem is None:
                    break
                problems.append(problem)
            else:
                # A member of another JSON type (often `null`) says nothing useful: when only one
                # member takes this type of value, its own complaint is the message; when none
                # does, the message says which types the members take.
                same_type = [p for p in problems if p[3] is None or p[0] != path]
                if len(same_type) == 1:
                    return same_type[0]
                if not same_type:
                    kinds = [k for p in problems for k in p[3] or ()]
                    expected = tuple(dict.fromkeys(kinds))
                    return path, value, _type_rule(value, list(expected)), expected
                rules = list(dict.fromkeys(p[2] for p in same_type))
                return path, value, "matches none of: " + "; ".join(rules), None
    # const first: "is not 'inf'" says more than "is a number where a string belongs".
    if "const" in schema and value != schema["const"]:
        # Of another JSON type altogether, it counts as a type mismatch (see the unions above).
        const_type = _json_type(schema["const"])
        return path, value, f"is not {schema['const']!r}", None if _json_type(value) == const_type else (const_type,)
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_is_type(value, k) for k in kinds):
            return path, value, _type_rule(value, kinds), tuple(kinds)
    if "enum" in schema and value not in schema["enum"]:
        return path, value, "is not one of " + ", ".join(repr(v) for v in schema["enum"]), None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return path, value, f"is below the minimum {schema['minimum']}", None
        if "maximum" in schema and value > schema["maximum"]:
            return path, value, f"is above the maximum {schema['maximum']}", None
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            return path, value, f"is not above {schema['exclusiveMinimum']}", None
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            return path, value, f"is not below {schema['exclusiveMaximum']}", None
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            return path, value, f"is shorter than {schema['minLength']} characters", None
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return path, value, f"is longer than {schema['maxLength']} characters", None
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            return path, value, f"has fewer than {schema['minItems']} items", None
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            return path, value, f"has more than {schema['maxItems']} items", None
        if "items" in schema:
            for index, item in enumerate(value):
                problem = _first_problem(item, schema["items"], f"{path}[{index}]")
                if problem is not None:
                    return problem
    if isinstance(value, dict):
        for name in schema.get("required", ()):
            if name not in value:
                return f"{path}.{name}" if path else name, None, _REQUIRED, None
        for name, sub_schema in schema.get("properties", {}).items():
            if name in value:
                problem = _first_problem(value[name], sub_schema, f"{path}.{name}" if path else name)
                if problem is not None:
                    return problem
    return None


def unknown_fields(value: Any, schema: Mapping[str, Any], path: str = "") -> list[tuple[str, str, tuple[str, ...]]]:
    """Every field of ``value`` that the schema does not name, as (path of its object, its name,
    the names the schema knows there). In a union, only the member the value is sent as is looked
    at: the one its discriminator names, or the only member that takes its JSON type."""
    found: list[tuple[str, str, tuple[str, ...]]] = []
    _collect_unknown(value, schema, path, found)
    return found


def _collect_unknown(
    value: Any, schema: Mapping[str, Any], path: str, found: list[tuple[str, str, tuple[str, ...]]]
) -> None:
    members = schema.get("oneOf", schema.get("anyOf"))
    if members:
        dispatch = schema.get("discriminator")
        if dispatch is not None:
            index = dispatch["mapping"].get(value.get(dispatch["propertyName"])) if isinstance(value, dict) else None
            fitting = [] if index is None else [members[index]]
        else:
            fitting = [
                member
                for member in members
                if _first_problem(
                    value,
                    {"type": member.get("type")},
                    "",  # pragma: no mutate (the path only labels a problem: whether there is one is what counts)
                )
                is None
            ]
        if len(fitting) == 1:
            _collect_unknown(value, fitting[0], path, found)
        return
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        for name, item in value.items():
            where = f"{path}.{name}" if path else name
            if name in properties:
                _collect_unknown(item, properties[name], where, found)
            else:
                found.append((path, name, tuple(properties)))
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            _collect_unknown(item, schema["items"], f"{path}[{index}]", found)


# ---------------------------------------------------------------------------------------------
# The same rules, compiled. Each schema node becomes one closure that returns True only when the
# walker above would find no problem in the value; any other answer (False, or an exception on a
# value the schema never imagined) sends the body to the walker, which decides and names the
# field. So the compiled form can make validation faster, never different.

_Valid = Callable[[Any], bool]


def compile_request_check(schema: Mapping[str, Any]) -> Callable[[Any], None]:
    """``check_request_body`` for one schema, prepared once: the returned function raises exactly
    what ``check_request_body(value, schema)`` raises, and returns quickly for a valid body. The
    closures are built on the first call, so importing an operation costs nothing for them."""
    compiled: list[_Valid] = []

    def check(value: Any) -> None:
        if not compiled:
            compiled.append(_compile(schema))
        try:
            if compiled[0](value):
                return
        except Exception:  # the walker decides, and raises what it raises
            pass
        check_request_body(value, schema)

    return check


def _always(value: Any) -> bool:
    return True


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


def _is_null(value: Any) -> bool:
    return value is None


_TYPE_CHECKS: dict[str, _Valid] = {
    "string": _is_str,
    "integer": _is_int,
    "number": _is_number,
    "boolean": _is_bool,
    "object": _is_dict,
    "array": _is_list,
    "null": _is_null,
}


def _all_of(checks: list[_Valid]) -> _Valid:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda value: first(value) and second(value)
    frozen = tuple(checks)

    def every(value: Any) -> bool:
        for check in frozen:  # noqa: SIM110 - on the hot path an explicit loop is faster than all()/any() over a generator
            if not check(value):
                return False
        return True

    return every


def _any_of(checks: list[_Valid]) -> _Valid:
    frozen = tuple(checks)

    def some(value: Any) -> bool:
        for check in frozen:  # noqa: SIM110 - on the hot path an explicit loop is faster than all()/any() over a generator
            if check(value):
                return True
        return False

    return some


def _compile(schema: Mapping[str, Any]) -> _Valid:
    unchecked = set(schema) - CHECKED_KEYWORDS
    if unchecked:
        # Never in a BODY_SCHEMA the generator wrote: it keeps only CHECKED_KEYWORDS. Refused so
        # that a hand-written schema cannot look checked when it is not.
        raise ValueError(f"the request check does not enforce {', '.join(sorted(unchecked))}")
    generic = _compile_keywords(schema)
    dispatch = schema.get("discriminator")
    if dispatch is None:
        return generic
    # As in the walker: for an object, the member its discriminator names decides alone.
    name = dispatch["propertyName"]
    members = schema["oneOf"] if "oneOf" in schema else schema["anyOf"]
    by_value = {value: _compile(members[index]) for value, index in dispatch["mapping"].items()}

    def discriminated(value: Any) -> bool:
        if not isinstance(value, dict):
            return generic(value)
        if name not in value:
            return False
        member = by_value.get(value[name])
        return member is not None and member(value)

    return discriminated


def _compile_union(variants: list[Mapping[str, Any]]) -> _Valid:
    # An open enum ([{"type": "string"}, {"type": "string", "enum": [...]}]) takes any value of
    # the bare type: every other member only takes a part of what that one does.
    kinds = [variant.get("type") for variant in variants]
    for variant in variants:
        kind = variant.get("type")
        if (
            set(variant) == {"type"}
            and isinstance(kind, str)
            and kind in _TYPE_CHECKS
            and kinds.count(kind) == len(kinds)
        ):
            return _TYPE_CHECKS[kind]
    return _any_of([_compile(variant) for variant in variants])


def _compile_keywords(schema: Mapping[str, Any]) -> _Valid:
    common = _compile_common_shape(schema)
    if common is not None:
        return common
    checks: list[_Valid] = []
    for key in ("anyOf", "oneOf"):
        if key in schema:
            checks.append(_compile_union(schema[key]))
    if "const" in schema:
        const = schema["const"]
        # The walker's operator (!=), so a value whose == and != disagree gets the same answer.
        checks.append(lambda value: not (value != const))  # noqa: SIM202
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        type_checks = [_TYPE_CHECKS.get(k, _always) for k in kinds]
        checks.append(type_checks[0] if len(type_checks) == 1 else _any_of(type_checks))
    if "enum" in schema:
        checks.append(_compile_enum(schema["enum"]))
    checks.extend(_compile_bounds(schema))
    if "minLength" in schema or "maxLength" in schema:
        checks.append(_compile_length(str, schema.get("minLength"), schema.get("maxLength")))
    if "minItems" in schema or "maxItems" in schema:
        checks.append(_compile_length(list, schema.get("minItems"), schema.get("maxItems")))
    if "items" in schema:
        item_valid = _compile(schema["items"])
        checks.append(lambda value: not isinstance(value, list) or all(item_valid(item) for item in value))
    if "required" in schema or "properties" in schema:
        checks.append(_compile_object(tuple(schema.get("required", ())), schema.get("properties", {})))
    return _all_of(checks)


def _compile_common_shape(schema: Mapping[str, Any]) -> _Valid | None:
    """One closure for the shapes most fields have (a typed scalar, a string enum, a bounded
    number, an object, an array), instead of one closure per keyword; None for any other shape."""
    kind = schema.get("type")
    if not isinstance(kind, str) or kind not in _TYPE_CHECKS:
        return None
    is_type = _TYPE_CHECKS[kind]
    keys = set(schema) - {"type"}
    if not keys:
        return is_type
    if kind == "string" and keys == {"enum"} and all(isinstance(v, str) for v in schema["enum"]):
        allowed = frozenset(schema["enum"])
        return lambda value: isinstance(value, str) and value in allowed
    if keys == {"enum"} and all(isinstance(v, int | float) and not isinstance(v, bool) for v in schema["enum"]):
        numbers = frozenset(schema["enum"])
        return lambda value: is_type(value) and value in numbers
    if keys == {"const"}:
        const = schema["const"]
        # The walker's operator (!=), as in _compile_keywords; a string (a union's `type`, most
        # often) is tested in line, which saves a call per field on the hot path.
        if kind == "string":
            return lambda value: isinstance(value, str) and not (value != const)  # noqa: SIM202
        return lambda value: is_type(value) and not (value != const)  # noqa: SIM202
    if kind in ("number", "integer") and keys <= {"minimum", "maximum"}:
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return lambda value: is_type(value) and not (value < low) and not (value > high)
        if low is not None:
            return lambda value: is_type(value) and not (value < low)
        return lambda value: is_type(value) and not (value > high)
    if kind == "object" and keys <= {"required", "properties"}:
        return _compile_object(tuple(schema.get("required", ())), schema.get("properties", {}), only_objects=True)
    if kind == "array" and keys == {"items"}:
        item_valid = _compile(schema["items"])

        def items_valid(value: Any) -> bool:
            if not isinstance(value, list):
                return False
            for item in value:  # noqa: SIM110 - on the hot path an explicit loop is faster than all()/any() over a generator
                if not item_valid(item):
                    return False
            return True

        return items_valid
    return None


def _compile_enum(values: list[Any]) -> _Valid:
    listed = tuple(values)
    try:
        hashed = frozenset(listed)
    except TypeError:  # an enum of objects or arrays: compare one by one, as the walker does
        return lambda value: value in listed

    def one_of(value: Any) -> bool:
        try:
            return value in hashed
        except TypeError:
            return value in listed

    return one_of


def _compile_bounds(schema: Mapping[str, Any]) -> list[_Valid]:
    checks: list[_Valid] = []
    if "minimum" in schema:
        low = schema["minimum"]
        checks.append(lambda value: not _is_number(value) or not (value < low))
    if "maximum" in schema:
        high = schema["maximum"]
        checks.append(lambda value: not _is_number(value) or not (value > high))
    if "exclusiveMinimum" in schema:
        above = schema["exclusiveMinimum"]
        checks.append(lambda value: not _is_number(value) or not (value <= above))
    if "exclusiveMaximum" in schema:
        below = schema["exclusiveMaximum"]
        checks.append(lambda value: not _is_number(value) or not (value >= below))
    return checks


def _compile_length(kind: type[str] | type[list[Any]], shortest: int | None, longest: int | None) -> _Valid:
    def within(value: Any) -> bool:
        if not isinstance(value, kind):
            return True
        size = len(value)
        return not (shortest is not None and size < shortest) and not (longest is not None and size > longest)

    return within


def _compile_object(required: tuple[str, ...], properties: Mapping[str, Any], *, only_objects: bool = False) -> _Valid:
    """The object keywords' check; a value that is not a dict passes it unless ``only_objects``
    (the schema's type is object: one closure for both, as objects are most of a body)."""
    fields = {name: _compile(sub_schema) for name, sub_schema in properties.items()}
    other_types_pass = not only_objects

    def fields_valid(value: Any) -> bool:
        if not isinstance(value, dict):
            return other_types_pass
        for name in required:
            if name not in value:
                return False
        # Only the fields the body holds: an unset field is not in it, so nothing checks it.
        for name, item in value.items():
            valid = fields.get(name)
            if valid is not None and not valid(item):
                return False
        return True

    return fields_valid
