"""The compiled request check against the walker it stands in for (runtime/.../api/__init__.py).

``_compile`` turns a schema into a closure that must answer True exactly when the walker
(``_first_problem``) finds no problem: answering False for a valid value only loses the fast path
(the walker then decides), so nothing else would notice, and answering True for an invalid one lets
it through. Every schema shape the compiler treats apart is checked here on the same probe values,
including each bound's edges. The operations compile their schemas once, on first use, so a test
has to compile its own.
"""

import math
from typing import Any

import pytest

from runtime.openai_realtime_client.api import (
    _compile,
    _first_problem,
    _is_str,
    check_request_body,
    compile_request_check,
    unknown_fields,
)
from runtime.openai_realtime_client.errors import RequestValidationError

_DISCRIMINATED_MEMBERS = [
    {"type": "object", "required": ["type"], "properties": {"type": {"const": "a"}, "x": {"type": "integer"}}},
    {"type": "object", "properties": {"type": {"const": "b"}, "x": {"type": "string"}}},
]
_TAGGED_A_B = {"oneOf": _DISCRIMINATED_MEMBERS, "discriminator": {"propertyName": "type", "mapping": {"a": 0, "b": 1}}}
SCHEMAS: list[dict[str, Any]] = [
    {},
    *({"type": kind} for kind in ("string", "integer", "number", "boolean", "object", "array", "null", "unknown")),
    {"type": "string", "enum": ["a", "b"]},
    {"type": "string", "enum": ["a", 1]},
    {"type": "number", "minimum": 0, "maximum": 2},
    {"type": "integer", "minimum": 1},
    {"type": "number", "maximum": 1.5},
    {"type": "integer", "minimum": 0, "maximum": 5, "exclusiveMaximum": 5},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    {"minimum": 1},
    {"maximum": 1},
    {"exclusiveMinimum": 1},
    {"exclusiveMaximum": 1},
    {"type": ["string", "null"]},
    {"type": ["integer", "string"], "minimum": 1},
    {"type": ["unknown"]},
    {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}},
    {"type": "object", "properties": {"a": {"type": "integer"}}},
    {"type": "object", "required": ["a"]},
    {"required": ["a"], "properties": {"a": {"type": "string"}}},
    {"properties": {"a": {"type": "string"}, "b": {"type": "integer", "maximum": 3}}},
    {"type": "array", "items": {"type": "integer", "minimum": 0}},
    {"items": {"type": "string"}},
    {"type": "array", "minItems": 1, "maxItems": 2},
    {"type": "array", "minItems": 1, "items": {"type": "integer"}},
    {"minItems": 2},
    {"maxItems": 1},
    {"type": "string", "minLength": 1, "maxLength": 3},
    {"minLength": 2},
    {"maxLength": 1},
    {"anyOf": [{"type": "string"}, {"type": "null"}]},
    {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["x"]}]},
    {"anyOf": [{"type": "string", "maxLength": 1}, {"type": "string", "enum": ["abc"]}, {"type": "integer"}]},
    {"const": "inf"},
    {"const": 1},
    {"type": "string", "const": "x"},
    {"type": "integer", "const": 1},
    {"type": "boolean", "const": True},
    {"type": "integer", "enum": [1, 3]},
    {"type": "number", "enum": [0, 2.5]},
    {"type": "boolean", "enum": [1]},
    # An open enum: the bare type takes the lot; and a union whose members differ in type.
    {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["a"]}]},
    {"anyOf": [{"type": "integer", "minimum": 3}, {"type": "integer"}]},
    {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "string", "maxLength": 1}]},
    {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    {"enum": [1, "a", None]},
    {"enum": [{"a": 1}, [1]]},
    _TAGGED_A_B,
    # A member that is not an object schema: compiled in full, not as an object's fields only.
    {"oneOf": [_DISCRIMINATED_MEMBERS[0], {"properties": {"type": {"const": "b"}, "x": {"type": "string"}}}]},
    {
        "oneOf": [_DISCRIMINATED_MEMBERS[0], {"required": ["x"], "properties": {"x": {"type": "string"}}}],
        "discriminator": {"propertyName": "type", "mapping": {"a": 0, "b": 1}},
    },
    {"anyOf": _DISCRIMINATED_MEMBERS, "discriminator": {"propertyName": "type", "mapping": {"b": 1}}},
    # A member that takes a non-object: such a value is judged by the union as a whole.
    {
        "anyOf": [_DISCRIMINATED_MEMBERS[0], {"type": "null"}],
        "discriminator": {"propertyName": "type", "mapping": {"a": 0}},
    },
    # `required` without `properties`, and object keywords beside another type: not the object shape.
    {"required": ["a"]},
    {"type": "string", "required": ["a"]},
    # A union beside other keywords: a member that fits does not excuse the rest.
    {"anyOf": [{"type": "string"}, {"type": "integer"}], "maxLength": 1},
]
VALUES: list[Any] = [
    None, True, False, 0, 1, 2, 3, 4, 5, 6, -1, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, math.inf, "", "a", "b", "x", "ab", "abc",
    "abcd", "inf", [], [0], [1], [-1], [1, 2], [1, 2, 3], ["a"], ["a", 1], [{"a": 1}], {}, {"a": 1}, {"a": "s"},
    {"a": 1, "b": "s"}, {"a": 1, "b": 2}, {"b": "s"}, {"b": 4}, {"a": True}, {"type": "a"}, {"type": "a", "x": 1},
    {"type": "a", "x": "s"}, {"type": "b"}, {"type": "b", "x": 1}, {"type": "b", "x": "s"}, {"type": "c"},
    {"type": ["a"]}, {"x": 1},
]  # fmt: skip


def _fast(schema: dict[str, Any], value: Any) -> bool:
    try:
        return _compile(schema)(value)
    except Exception:  # the real check treats this as "ask the walker": not the fast path
        return False


@pytest.mark.parametrize("schema", SCHEMAS, ids=repr)
def test_the_compiled_closure_says_valid_exactly_when_the_walker_finds_no_problem(schema: dict[str, Any]) -> None:
    disagree = [value for value in VALUES if _fast(schema, value) != (_first_problem(value, schema, "") is None)]
    assert disagree == []


def test_the_compiled_closure_is_a_real_boolean_for_valid_and_invalid_values() -> None:
    assert _compile({"type": "integer", "minimum": 1})(1) is True
    assert _compile({"type": "integer", "minimum": 1})(0) is False


def test_the_prepared_check_accepts_without_asking_the_walker(monkeypatch: pytest.MonkeyPatch) -> None:
    import runtime.openai_realtime_client.api as api

    check = compile_request_check({"type": "object", "properties": {"a": {"type": "integer", "maximum": 3}}})
    walked: list[Any] = []

    def walker(value: Any, schema: Any) -> None:
        walked.append(value)
        check_request_body(value, schema)

    monkeypatch.setattr(api, "check_request_body", walker)
    check({"a": 3})
    assert walked == []
    with pytest.raises(RequestValidationError, match=r"^a=4 is above the maximum 3$"):
        check({"a": 4})
    assert walked == [{"a": 4}]


def test_a_schema_with_a_keyword_the_check_does_not_enforce_is_refused_naming_each() -> None:
    with pytest.raises(ValueError) as raised:
        _compile({"type": "string", "pattern": "^a", "format": "uri"})
    assert str(raised.value) == "the request check does not enforce format, pattern"


def test_a_discriminator_value_that_is_not_a_string_is_named_not_crashed_on() -> None:
    with pytest.raises(RequestValidationError, match=r"^type=\['a'\] is not one of 'a', 'b'$"):
        check_request_body({"type": ["a"]}, _TAGGED_A_B)
    with pytest.raises(RequestValidationError, match=r"^type=1 is not one of 'a', 'b'$"):
        compile_request_check(_TAGGED_A_B)({"type": 1})


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "enum": ["a", "b"]},
        {"type": "number", "minimum": 0, "maximum": 2},
        {"type": "integer", "minimum": 1},
        {"type": "number", "maximum": 1.5},
        {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
        {"type": "object"},
        {"type": "array", "items": {"type": "integer"}},
        {"type": "string", "const": "realtime"},
        {"type": "integer", "const": 1},
        {"type": "integer", "enum": [24000]},
    ],
    ids=repr,
)
def test_the_common_shapes_get_one_closure_each(schema: dict[str, Any]) -> None:
    # The point of _compile_common_shape is speed: the same verdicts as the generic path, in one
    # closure instead of one per keyword, so only where the closure comes from shows it is used.
    compiled = _compile(schema)
    where = compiled.__qualname__
    assert "_compile_common_shape" in where or "_compile_object" in where or where.startswith("_is_"), compiled


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "enum": ["a", 1]},
        {"type": "integer", "minimum": 0, "exclusiveMaximum": 5},
        {"type": "string", "maxLength": 3},
        {"type": "array", "items": {"type": "integer"}, "minItems": 1},
        {"type": ["string", "null"]},
    ],
    ids=repr,
)
def test_other_shapes_take_the_generic_path(schema: dict[str, Any]) -> None:
    assert "_compile_common_shape" not in _compile(schema).__qualname__


TAGGED = {
    "oneOf": [
        {"type": "object", "properties": {"type": {"const": "a"}, "x": {"type": "integer"}}},
        {"type": "object", "properties": {"type": {"const": "b"}, "y": {"type": "integer"}}},
    ],
    "discriminator": {"propertyName": "type", "mapping": {"a": 0, "b": 1}},
}
AUDIO = {"type": "object", "properties": {"voice": {"type": "string"}, "speed": {"type": "number"}}}
BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "model": {"type": "string"},
        "audio": AUDIO,
        "tools": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "detection": TAGGED,
        "format": {"anyOf": [{"type": "string"}, {"type": "object", "properties": {"rate": {"type": "integer"}}}]},
        "either": {"anyOf": [{"type": "object", "properties": {"p": {}}}, {"type": "object", "properties": {"q": {}}}]},
    },
}


def test_unknown_fields_are_named_with_where_they_are_and_what_is_known_there() -> None:
    body = {
        "modle": "m",
        "audio": {"voise": "x", "speed": 1},
        "tools": [{"name": "a"}, {"nme": "b"}],
        "detection": {"type": "b", "x": 1},
        "format": {"rat": 1},
        "either": {"r": 1},
    }
    assert unknown_fields(body, BODY_SCHEMA) == [
        ("", "modle", ("model", "audio", "tools", "detection", "format", "either")),
        ("audio", "voise", ("voice", "speed")),
        ("tools[1]", "nme", ("name",)),
        ("detection", "x", ("type", "y")),
        ("format", "rat", ("rate",)),
    ]
    assert unknown_fields({"audio": {"speed": 1}}, BODY_SCHEMA, "session") == []
    assert unknown_fields({"x": 1}, AUDIO, "session.audio") == [("session.audio", "x", ("voice", "speed"))]
    assert unknown_fields({"detection": {"type": "c", "z": 1}, "format": "pcm"}, BODY_SCHEMA) == []


def test_unknown_fields_deep_down_name_the_whole_path_of_their_object() -> None:
    schema: dict[str, Any] = {"properties": {"audio": {"properties": {"input": {"properties": {"format": {}}}}}}}

    assert unknown_fields({"audio": {"input": {"formt": 1}}}, schema) == [("audio.input", "formt", ("format",))]


def test_unknown_fields_look_only_where_the_schema_describes_the_shape() -> None:
    # A value of another type than the schema's members, an object the schema gives no
    # properties for, an array without items: nothing to compare against, so nothing is named.
    assert unknown_fields({"detection": "x", "format": 1.5}, BODY_SCHEMA) == []
    assert unknown_fields({"meta": {"a": 1}, "tags": [{"b": 2}]}, {"properties": {"meta": {}, "tags": {}}}) == []
    assert unknown_fields({"a": 1}, {"type": "object"}) == []
    assert unknown_fields([{"a": 1}], {"type": "array"}) == []
    assert unknown_fields("x", {"properties": {"a": {}}}) == []


def test_an_open_enum_compiles_to_the_plain_type_check() -> None:
    # Speed only (the verdicts are covered above): one call where the union made two.
    assert _compile({"anyOf": [{"type": "string"}, {"type": "string", "enum": ["a", "b"]}]}) is _is_str
    assert _compile({"anyOf": [{"type": "string"}, {"type": "integer"}]}) is not _is_str


def test_a_string_const_tests_the_type_in_line() -> None:
    # Speed only (the verdicts are covered above): a union member's `type` const, on every call,
    # without calling the type check; other consts share the generic const closure.
    string_const = _compile({"type": "string", "const": "realtime"})
    integer_const = _compile({"type": "integer", "const": 1})
    assert "_is_str" not in string_const.__code__.co_names
    assert string_const.__code__ is not integer_const.__code__
    assert integer_const.__code__ is _compile({"type": "boolean", "const": True}).__code__


def test_a_single_type_in_a_list_compiles_to_the_plain_type_check() -> None:
    # Speed only (the verdicts are covered above): no loop over a list of one check.
    assert _compile({"type": ["string"]}) is _is_str


def test_a_hashable_enum_is_looked_up_by_hash_not_compared_member_by_member() -> None:
    compared: list[Any] = []

    class Probe:
        def __hash__(self) -> int:
            return 1

        def __eq__(self, other: object) -> bool:
            compared.append(other)
            return False

    assert _compile({"enum": ["a", "b", "c"]})(Probe()) is False
    assert compared == []
