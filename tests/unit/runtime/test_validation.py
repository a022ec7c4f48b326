"""The request check and its keyword table, from runtime/ directly."""

from typing import Any

import pytest

from runtime.openai_realtime_client.api import (
    CHECKED_KEYWORDS,
    SCHEMA_KEYWORDS,
    check_request_body,
    compile_request_check,
)
from runtime.openai_realtime_client.errors import RequestValidationError
from tools import paths
from tools.codegen import generate

# Per keyword the table gives words to: a schema with it and a value that breaks it.
BROKEN: dict[str, tuple[dict[str, Any], Any]] = {
    "minimum": ({"minimum": 1}, 0),
    "exclusiveMinimum": ({"exclusiveMinimum": 1}, 1),
    "maximum": ({"maximum": 1}, 2),
    "exclusiveMaximum": ({"exclusiveMaximum": 1}, 1),
    "multipleOf": ({"multipleOf": 2}, 3),
    "minLength": ({"minLength": 2}, "a"),
    "maxLength": ({"maxLength": 1}, "ab"),
    "pattern": ({"pattern": "^a$"}, "b"),
    "minItems": ({"minItems": 1}, []),
    "maxItems": ({"maxItems": 0}, [1]),
    "uniqueItems": ({"uniqueItems": True}, [1, 1]),
    "minProperties": ({"minProperties": 1}, {}),
    "maxProperties": ({"maxProperties": 0}, {"a": 1}),
}


def test_every_bound_of_the_table_has_a_case_here() -> None:
    assert {keyword for keyword, (_, words) in SCHEMA_KEYWORDS.items() if words} == set(BROKEN)


@pytest.mark.parametrize("keyword", sorted(BROKEN))
def test_a_keyword_is_enforced_exactly_when_the_table_says_it_is_checked(keyword: str) -> None:
    schema, value = BROKEN[keyword]
    checked, _ = SCHEMA_KEYWORDS[keyword]

    if checked:
        with pytest.raises(RequestValidationError):
            check_request_body({"field": value}, {"properties": {"field": schema}})
        with pytest.raises(RequestValidationError):
            compile_request_check({"properties": {"field": schema}})({"field": value})
    else:
        check_request_body({"field": value}, {"properties": {"field": schema}})  # documented as not checked


def test_the_compiled_check_refuses_a_schema_with_a_keyword_it_does_not_enforce() -> None:
    check = compile_request_check({"type": "object", "properties": {"id": {"type": "string", "pattern": "^t_"}}})

    with pytest.raises(ValueError, match="does not enforce pattern"):
        check({"id": "t_1"})


def test_the_generator_keeps_exactly_the_checked_keywords_in_body_schemas() -> None:
    assert generate.VALIDATED_KEYWORDS | {"discriminator"} == CHECKED_KEYWORDS


def test_the_docs_say_a_pattern_is_not_checked() -> None:
    page = (paths.GENERATED / "docs" / "models" / "MCPTool.md").read_text(encoding="utf-8")

    assert "pattern `^tunnel_[a-z0-9]{32}$` (not checked by the client)" in page


def test_the_walker_names_the_field_and_the_rule() -> None:
    schema = {"type": "object", "required": ["voice"], "properties": {"speed": {"type": "number", "maximum": 1.5}}}

    with pytest.raises(RequestValidationError, match=r"^voice is required$"):
        check_request_body({"speed": 1.0}, schema)
    with pytest.raises(RequestValidationError, match=r"^speed=2\.0 is above the maximum 1\.5$") as caught:
        compile_request_check(schema)({"voice": "x", "speed": 2.0})
    assert (caught.value.path, caught.value.value) == ("speed", 2.0)


def test_a_union_none_of_whose_members_fits_lists_each_members_rule_once() -> None:
    schema = {"anyOf": [{"type": "string", "maxLength": 1}, {"type": "string", "enum": ["abc"]}, {"type": "integer"}]}

    with pytest.raises(RequestValidationError) as caught:
        check_request_body({"f": "ab"}, {"properties": {"f": schema}})
    assert str(caught.value) == "f='ab' matches none of: is longer than 1 characters; is not one of 'abc'"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"a": 1}, "f={'a': 1} is an object where a string belongs"),
        (None, "f=None is null where a string belongs"),
        ([], "f=[] is an array where a string belongs"),
        (1, "f=1 is a number where a string belongs"),
        (True, "f=True is a boolean where a string belongs"),
        (b"x", "f=b'x' is a bytes (not JSON) where a string belongs"),
        ({1, 2}, "f={1, 2} is a set (not JSON) where a string belongs"),
    ],
    ids=repr,
)
def test_a_value_of_the_wrong_type_is_named_by_its_json_type(value: Any, message: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        check_request_body({"f": value}, {"properties": {"f": {"type": "string"}}})
    assert str(caught.value) == message


def test_a_body_that_breaks_a_rule_as_a_whole_has_the_empty_path() -> None:
    with pytest.raises(RequestValidationError) as caught:
        check_request_body([], {"type": "object"})
    assert (caught.value.path, caught.value.value, str(caught.value)) == (
        "",
        [],
        "the request body is an array where an object belongs",
    )
