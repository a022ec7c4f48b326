"""make spec-diff: every verdict rule, the ids, the report, acknowledgements, inputs that cannot be
used, the git-HEAD default and the public-API comparison of the generated package."""

import contextlib
import copy
import dataclasses
import io
import json
import random
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import paths
from tools.spec_diff.api_surface import diff_against_regeneration, diff_api, extract_api
from tools.spec_diff.spec_diff import (
    MAX_DEPTH,
    Acknowledgement,
    Change,
    Report,
    SpecDiffError,
    diff_documents,
    load_acks,
    load_document,
    main,
)

OP = "POST /realtime/sessions"
THINGS = "POST /things"


def _sessions_only(document: dict[str, Any]) -> dict[str, Any]:
    """openapi.yaml with POST /realtime/sessions as its only operation, so each rule's test sees one
    operation's changes (the other token endpoints share schemas such as VoiceIdsShared)."""
    return {**document, "paths": {"/realtime/sessions": document["paths"]["/realtime/sessions"]}}


BASE = _sessions_only(load_document(paths.SPEC))
PACKAGE_DIR = paths.GENERATED / paths.PACKAGE_NAME
MODELS = f"{paths.PACKAGE_NAME}.models"


@pytest.fixture
def spec() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def _copy(document: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(document)


def _schemas(document: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


def _request(document: dict[str, Any]) -> dict[str, Any]:
    return _schemas(document)["RealtimeSessionCreateRequest"]  # type: ignore[no-any-return]


def _response(document: dict[str, Any]) -> dict[str, Any]:
    return _schemas(document)["RealtimeSessionCreateResponse"]  # type: ignore[no-any-return]


def _operation(document: dict[str, Any]) -> dict[str, Any]:
    return document["paths"]["/realtime/sessions"]["post"]  # type: ignore[no-any-return]


def _verdicts(changes: list[Change]) -> dict[str, bool]:
    """{id: breaking}; ids are unique within one report."""
    verdicts = {change.id: change.breaking for change in changes}
    assert len(verdicts) == len(changes), [change.id for change in changes]
    return verdicts


def _things(
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    schemas: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A one-operation document: POST /things sends request and answers 200 with response."""
    operation: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if request is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": request}}}
    if response is not None:
        operation["responses"]["200"]["content"] = {"application/json": {"schema": response}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"post": operation}},
        "components": {"schemas": schemas or {}},
    }


def _field(schema: dict[str, Any], *, side: str, required: bool = False) -> dict[str, Any]:
    """A document whose request (or response) body is an object with the one field x."""
    body = {"type": "object", "properties": {"x": schema}, "required": ["x"] if required else []}
    return _things(request=body) if side == "request" else _things(response=body)


OPEN_AB = {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["a", "b"]}]}
OPEN_AC = {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["a", "c"]}]}
CLOSED_AB = {"type": "string", "enum": ["a", "b"]}
CLOSED_ABC, CLOSED_A = {**CLOSED_AB, "enum": ["a", "b", "c"]}, {**CLOSED_AB, "enum": ["a"]}
REQ, RESP = "request", "response"
STR, INT = {"type": "string"}, {"type": "integer"}

# (side, old schema of field x, new schema, {id (kind and location): (breaking, detail)})
FIELD_RULES = [
    pytest.param(REQ, INT, STR, {"type-changed": (True, "was integer, now string")}, id="type-request"),
    pytest.param(RESP, INT, STR, {"type-changed": (True, "was integer, now string")}, id="type-response"),
    pytest.param(
        REQ,
        INT,
        {"type": "number"},
        {"type-changed": (False, "was integer, now number (wider)")},
        id="int-to-number-req",
    ),
    pytest.param(
        RESP, INT, {"type": "number"}, {"type-changed": (True, "was integer, now number")}, id="int-to-number-resp"
    ),
    pytest.param(
        REQ, {"type": "number"}, INT, {"type-changed": (True, "was number, now integer")}, id="number-to-int-req"
    ),
    pytest.param(
        "request",
        STR,
        {"type": ["string", "integer"]},
        {"type-changed": (False, "was string, now integer or string (wider)")},
        id="type-list-wider",
    ),
    pytest.param(
        "request",
        STR,
        {"anyOf": [STR, INT]},
        {"variant-added|integer": (False, "new union variant integer")},
        id="variant-added-request",
    ),
    pytest.param(
        "response",
        STR,
        {"anyOf": [STR, INT]},
        {"variant-added|integer": (True, "new union variant integer")},
        id="variant-added-response",
    ),
    pytest.param(
        "request",
        {"oneOf": [STR, INT]},
        STR,
        {"variant-removed|integer": (True, "union variant integer removed")},
        id="variant-removed-request",
    ),
    pytest.param(
        "response",
        {"oneOf": [STR, INT]},
        STR,
        {"variant-removed|integer": (False, "union variant integer removed")},
        id="variant-removed-response",
    ),
    pytest.param(
        "response",
        STR,
        {"type": ["string", "null"]},
        {"nullable-added": (True, "may now be null")},
        id="null-type-list-resp",
    ),
    pytest.param(
        "response",
        STR,
        {"anyOf": [STR, {"type": "null"}]},
        {"nullable-added": (True, "may now be null")},
        id="null-anyof-resp",
    ),
    pytest.param(
        "response",
        STR,
        {"type": "string", "nullable": True},
        {"nullable-added": (True, "may now be null")},
        id="null-openapi30-resp",
    ),
    pytest.param(
        "request",
        STR,
        {"anyOf": [STR, {"type": "null"}]},
        {"nullable-added": (False, "now accepts null")},
        id="null-anyof-req",
    ),
    pytest.param(
        "request",
        {"type": ["string", "null"]},
        STR,
        {"nullable-removed": (True, "no longer accepts null")},
        id="null-removed-req",
    ),
    pytest.param(
        "response",
        {"type": ["string", "null"]},
        STR,
        {"nullable-removed": (False, "is never null now")},
        id="null-removed-resp",
    ),
    pytest.param(
        "request",
        {"type": ["string", "null"]},
        {"anyOf": [STR, {"type": "null"}]},
        {},
        id="null-spellings-equal",
    ),
    pytest.param(REQ, CLOSED_AB, CLOSED_ABC, {"enum-value-added=c": (False, 'new value "c"')}, id="enum-add-req"),
    pytest.param(RESP, CLOSED_AB, CLOSED_ABC, {"enum-value-added=c": (False, 'new value "c"')}, id="enum-add-resp"),
    pytest.param(REQ, CLOSED_AB, CLOSED_A, {"enum-value-removed=b": (True, '"b" no longer allowed')}, id="enum-rm-req"),
    pytest.param(
        REQ,
        CLOSED_ABC,
        CLOSED_A,
        {
            "enum-value-removed=b": (True, '"b" no longer allowed'),
            "enum-value-removed=c": (True, '"c" no longer allowed'),
        },
        id="enum-rm-two",
    ),
    pytest.param(
        RESP, CLOSED_AB, CLOSED_A, {"enum-value-removed=b": (False, '"b" no longer allowed')}, id="enum-rm-resp"
    ),
    pytest.param(
        "request",
        OPEN_AB,
        OPEN_AC,
        {
            "enum-known-value-removed=b": (
                False,
                'known value "b" no longer listed (open enum: any value is accepted)',
            ),
            "enum-known-value-added=c": (False, 'known value "c" now listed (open enum: any value is accepted)'),
        },
        id="open-enum-known-values",
    ),
    pytest.param(
        REQ,
        CLOSED_AB,
        OPEN_AB,
        {"enum-opened": (False, "closed enum became open: any value is accepted")},
        id="closed-to-open",
    ),
    pytest.param(
        REQ,
        OPEN_AB,
        CLOSED_AB,
        {"enum-closed": (True, "open enum became closed: only the listed values are accepted")},
        id="open-to-closed-req",
    ),
    pytest.param(
        RESP,
        OPEN_AB,
        CLOSED_AB,
        {"enum-closed": (False, "open enum became closed: only the listed values are accepted")},
        id="open-to-closed-resp",
    ),
    pytest.param(
        REQ,
        STR,
        CLOSED_AB,
        {"enum-constraint-added": (True, "now limited to the listed values")},
        id="enum-constraint-req",
    ),
    pytest.param(
        RESP,
        STR,
        CLOSED_AB,
        {"enum-constraint-added": (False, "now limited to the listed values")},
        id="enum-constraint-resp",
    ),
    pytest.param(
        REQ,
        CLOSED_AB,
        STR,
        {"enum-constraint-removed": (False, "no longer limited to listed values")},
        id="enum-lifted",
    ),
    pytest.param(REQ, {"const": "a"}, {"const": "b"}, {"const-changed": (True, 'was "a", now "b"')}, id="const-req"),
    pytest.param(
        RESP,
        {"type": "string", "const": "a"},
        {"const": "b"},
        {"const-changed": (True, 'was "a", now "b"')},
        id="const-resp",
    ),
    pytest.param(REQ, {"type": "string", "const": "a"}, {"const": "a"}, {}, id="const-type-inferred"),
    pytest.param(
        "request",
        {"type": "number", "maximum": 1.2},
        {"type": "number", "maximum": 1.0},
        {"bound-tightened:maximum": (True, "maximum 1.2 -> 1.0")},
        id="max-lowered-req",
    ),
    pytest.param(
        "request",
        {"type": "number", "maximum": 1.0},
        {"type": "number", "maximum": 1.2},
        {"bound-loosened:maximum": (False, "maximum 1.0 -> 1.2")},
        id="max-raised-req",
    ),
    pytest.param(
        "request",
        {"type": "integer", "minimum": 1},
        {"type": "integer", "minimum": 2},
        {"bound-tightened:minimum": (True, "minimum 1 -> 2")},
        id="min-raised-req",
    ),
    pytest.param(
        "request",
        STR,
        {"type": "string", "minLength": 1},
        {"bound-tightened:minLength": (True, "new minLength 1")},
        id="new-bound-req",
    ),
    pytest.param(
        "request",
        {"type": "array", "maxItems": 3},
        {"type": "array"},
        {"bound-loosened:maxItems": (False, "maxItems 3 removed")},
        id="bound-removed-req",
    ),
    pytest.param(
        "request",
        {"type": "number", "minimum": 0},
        {"type": "number", "minimum": 0, "exclusiveMinimum": True},
        {
            "bound-loosened:minimum": (False, "minimum 0 removed"),
            "bound-tightened:exclusiveMinimum": (True, "new exclusiveMinimum 0"),
        },
        id="openapi30-exclusive-flag",
    ),
    pytest.param(
        RESP,
        {"type": "integer", "maximum": 5},
        {"type": "integer", "maximum": 5, "exclusiveMaximum": True},
        {
            "bound-loosened:maximum": (False, "maximum 5 removed"),
            "bound-tightened:exclusiveMaximum": (False, "new exclusiveMaximum 5"),
        },
        id="openapi30-exclusive-maximum-flag",
    ),
    pytest.param(
        "response",
        {"type": "number", "maximum": 1.2},
        {"type": "number", "maximum": 1.0},
        {"bound-tightened:maximum": (False, "maximum 1.2 -> 1.0")},
        id="max-lowered-resp",
    ),
    pytest.param(REQ, STR, {**STR, "const": "a"}, {"const-added": (True, 'now always "a"')}, id="const-added-req"),
    pytest.param(RESP, STR, {**STR, "const": "a"}, {"const-added": (False, 'now always "a"')}, id="const-added-resp"),
    pytest.param(
        REQ, {**STR, "const": "a"}, STR, {"const-removed": (False, 'no longer always "a"')}, id="const-gone-req"
    ),
    pytest.param(
        RESP, {**STR, "const": "a"}, STR, {"const-removed": (True, 'no longer always "a"')}, id="const-gone-resp"
    ),
    pytest.param(REQ, {}, STR, {"type-changed": (True, "was any type, now string")}, id="any-to-string-req"),
    pytest.param(REQ, STR, {}, {"type-changed": (False, "was string, now any type (wider)")}, id="string-to-any-req"),
    pytest.param(RESP, STR, {}, {"type-changed": (True, "was string, now any type")}, id="string-to-any-resp"),
    pytest.param(REQ, STR, {"not": {}}, {"type-changed": (True, "was string, now nothing")}, id="string-to-nothing"),
    pytest.param(
        REQ,
        {"type": ["string", "integer"]},
        STR,
        {"type-changed": (True, "was integer or string, now string")},
        id="type-list-narrower",
    ),
    # Where the old and new types share values, the rest of the schema is still compared; where not, not.
    pytest.param(
        REQ,
        {"type": "integer", "maximum": 5},
        {"type": "number", "maximum": 3},
        {
            "type-changed": (False, "was integer, now number (wider)"),
            "bound-tightened:maximum": (True, "maximum 5 -> 3"),
        },
        id="overlapping-types-compare-bounds",
    ),
    pytest.param(
        REQ,
        {"type": "number", "maximum": 5},
        {"type": "integer", "maximum": 3},
        {"type-changed": (True, "was number, now integer"), "bound-tightened:maximum": (True, "maximum 5 -> 3")},
        id="number-to-integer-compares-bounds",
    ),
    pytest.param(
        REQ,
        {"type": "string", "maxLength": 5},
        {"type": "integer", "maximum": 3},
        {"type-changed": (True, "was string, now integer")},
        id="disjoint-types-stop",
    ),
    pytest.param(
        REQ,
        {"type": "integer", "maximum": 5},
        {"type": "string", "maxLength": 3},
        {"type-changed": (True, "was integer, now string")},
        id="integer-to-string-stops",
    ),
    pytest.param(
        REQ,
        {"type": "string", "maxLength": 5},
        {"type": "number", "maximum": 3},
        {"type-changed": (True, "was string, now number")},
        id="string-to-number-stops",
    ),
    pytest.param(
        REQ,
        {"type": ["string", "boolean"], "maxLength": 5},
        {"type": "string", "maxLength": 3},
        {
            "type-changed": (True, "was boolean or string, now string"),
            "bound-tightened:maxLength": (True, "maxLength 5 -> 3"),
        },
        id="a-shared-type-compares-bounds",
    ),
    pytest.param(
        REQ,
        {"type": "integer", "maximum": 5},
        {"maximum": 3},
        {
            "type-changed": (False, "was integer, now any type (wider)"),
            "bound-tightened:maximum": (True, "maximum 5 -> 3"),
        },
        id="any-type-overlaps-everything",
    ),
    pytest.param(
        REQ,
        {"type": "integer", "minimum": 2},
        {"type": "integer", "minimum": 1},
        {"bound-loosened:minimum": (False, "minimum 2 -> 1")},
        id="min-lowered-req",
    ),
    pytest.param(
        REQ,
        {"type": "integer", "exclusiveMaximum": 3},
        {"type": "integer", "exclusiveMaximum": 4},
        {"bound-loosened:exclusiveMaximum": (False, "exclusiveMaximum 3 -> 4")},
        id="exclusive-max-raised",
    ),
    pytest.param(
        REQ,
        {"type": "array", "minItems": 1},
        {"type": "array", "minItems": 2},
        {"bound-tightened:minItems": (True, "minItems 1 -> 2")},
        id="min-items-raised",
    ),
    pytest.param(
        REQ,
        {"type": "object", "maxProperties": 2},
        {"type": "object", "maxProperties": 1},
        {"bound-tightened:maxProperties": (True, "maxProperties 2 -> 1")},
        id="max-properties-lowered",
    ),
    # An OpenAPI 3.0 exclusive flag without its bound bounds nothing; a boolean is no bound.
    pytest.param(REQ, {"type": "number", "exclusiveMinimum": True}, {"type": "number"}, {}, id="lone-exclusive-flag"),
    pytest.param(
        REQ,
        OPEN_AB,
        {"anyOf": [STR, {**STR, "enum": ["a", "b", "c"]}]},
        {"enum-known-value-added=c": (False, 'known value "c" now listed (open enum: any value is accepted)')},
        id="open-enum-value-listed",
    ),
    pytest.param(
        REQ,
        OPEN_AB,
        CLOSED_A,
        {
            "enum-closed": (True, "open enum became closed: only the listed values are accepted"),
            "enum-known-value-removed=b": (False, 'known value "b" no longer listed'),
        },
        id="open-to-closed-drops-a-value",
    ),
    pytest.param(
        REQ,
        CLOSED_A,
        OPEN_AB,
        {
            "enum-opened": (False, "closed enum became open: any value is accepted"),
            "enum-known-value-added=b": (False, 'known value "b" now listed (open enum: any value is accepted)'),
        },
        id="closed-to-open-adds-a-value",
    ),
    pytest.param(
        REQ,
        {"type": "integer", "enum": [1, 2]},
        {"type": "integer", "enum": [2, 3, 3]},
        {"enum-value-removed=1": (True, "1 no longer allowed"), "enum-value-added=3": (False, "new value 3")},
        id="enum-values-compared-as-json",
    ),
    # A union's own null member is judged once, on the union, not again on the variant that carries it.
    pytest.param(
        REQ,
        {"anyOf": [STR, INT]},
        {"anyOf": [{"type": ["string", "null"]}, INT]},
        {"nullable-added": (False, "now accepts null")},
        id="null-inside-a-variant",
    ),
    # The union's null may be any variant, in any spelling: a null type, a null const, an enum of null
    # alone, or a variant that allows null (OpenAPI 3.0's nullable: true; nullable: false does not).
    pytest.param(
        REQ,
        {"anyOf": [STR, INT]},
        {"anyOf": [STR, {**INT, "nullable": True}]},
        {"nullable-added": (False, "now accepts null")},
        id="openapi30-null-inside-a-variant",
    ),
    pytest.param(REQ, {"anyOf": [STR, INT]}, {"anyOf": [STR, {**INT, "nullable": False}]}, {}, id="not-null-variant"),
    pytest.param(
        REQ, STR, {"anyOf": [STR, {"const": None}]}, {"nullable-added": (False, "now accepts null")}, id="null-const"
    ),
    pytest.param(
        REQ, STR, {"anyOf": [STR, {"enum": [None]}]}, {"nullable-added": (False, "now accepts null")}, id="null-enum"
    ),
    pytest.param(
        RESP,
        {"oneOf": [{"const": "a"}, {"const": "b"}, INT]},
        {"oneOf": [INT, {"const": "b"}]},
        {"variant-removed|a": (False, "union variant a (string) removed")},
        id="variants-labelled-by-const",
    ),
    pytest.param(
        REQ,
        {"anyOf": [{"type": "object", "properties": {"a": STR}}, {"type": "object", "properties": {"b": STR}}]},
        {"anyOf": [{"type": "object", "properties": {"a": STR}}]},
        {"variant-removed|1": (True, "union variant 1 (object) removed")},
        id="variants-labelled-by-position",
    ),
    pytest.param(
        RESP,
        {"oneOf": [INT, {"const": "b"}]},
        {"oneOf": [{"const": "a"}, {"const": "b"}, INT]},
        {"variant-added|a": (True, "new union variant a (string)")},
        id="variant-added-labelled-by-const",
    ),
]


@pytest.mark.parametrize(("side", "old", "new", "expected"), FIELD_RULES)
def test_verdict_rules_for_one_field(
    side: str, old: dict[str, Any], new: dict[str, Any], expected: dict[str, tuple[bool, str]]
) -> None:
    changes = diff_documents(_field(old, side=side), _field(new, side=side))

    want = {}
    for key, (breaking, detail) in expected.items():
        kind, _, qualifier = key.partition("=")
        kind, bar, variant = kind.partition("|")
        kind, colon, keyword = kind.partition(":")
        where = f"{side}.x" + (f"|{variant}" if bar else "") + (f":{keyword}" if colon else "")
        want[f"{kind} {THINGS} {where}" + (f"={qualifier}" if qualifier else "")] = (breaking, detail)
    assert {change.id: (change.breaking, change.detail) for change in changes} == want
    assert len(changes) == len(want)


def test_identical_documents_have_no_changes(spec: dict[str, Any]) -> None:
    assert diff_documents(BASE, spec) == []
    assert diff_documents(_things(), _things()) == []


def test_change_is_a_frozen_dataclass_whose_id_is_kind_and_where() -> None:
    change = Change(kind="field-removed", where=f"{OP} request.speed", detail="field removed", breaking=True)

    assert change.id == f"field-removed {OP} request.speed"
    assert {f.name for f in dataclasses.fields(change)} >= {"kind", "breaking", "id", "detail"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.breaking = False  # type: ignore[misc]


# -- fields and required, on the real description ---------------------------------------------


def test_removing_a_request_field_is_breaking_with_a_dotted_id(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    del _request(new)["properties"]["turn_detection"]["properties"]["threshold"]

    changes = diff_documents(spec, new)

    assert _verdicts(changes) == {f"field-removed {OP} request.turn_detection.threshold": True}
    assert changes[0].kind == "field-removed" and changes[0].detail == "field removed"


def test_removing_a_response_field_is_breaking_and_adding_one_is_not(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    del _response(new)["properties"]["speed"]
    _response(new)["properties"]["region"] = {"type": "string"}

    assert _verdicts(diff_documents(spec, new)) == {
        f"field-removed {OP} response.speed": True,
        f"field-added {OP} response.region": False,
    }


def test_adding_a_request_field_breaks_only_when_it_is_required(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    _request(new)["properties"]["language"] = {"type": "string"}
    _request(new)["properties"]["project"] = {"type": "string"}
    _request(new)["required"] = ["project"]

    changes = diff_documents(spec, new)

    assert _verdicts(changes) == {
        f"field-added {OP} request.language": False,
        f"field-added {OP} request.project": True,
    }
    assert {c.detail for c in changes} == {"new optional field", "new required field"}


def test_required_changes_are_judged_by_direction(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    _request(new)["required"] = ["model"]  # request: optional -> required
    expires_after = _request(new)["properties"]["client_secret"]["properties"]["expires_after"]
    expires_after["required"] = []  # request: required -> optional
    _response(new)["properties"]["client_secret"]["required"] = ["expires_at"]  # response: value now optional
    _response(new)["required"] = ["client_secret", "id"]  # response: optional -> required

    assert _verdicts(diff_documents(spec, new)) == {
        f"field-now-required {OP} request.model": True,
        f"field-now-optional {OP} request.client_secret.expires_after.anchor": False,
        f"field-now-optional {OP} response.client_secret.value": True,
        f"field-now-required {OP} response.id": False,
    }


def test_a_request_field_with_a_default_may_become_required(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    _request(new)["required"] = ["speed"]  # has `default: 1`: the generated model fills it in
    _request(new)["properties"]["kind"] = {"type": "string", "const": "session", "default": "session"}
    _request(new)["required"].append("kind")

    changes = diff_documents(spec, new)

    assert _verdicts(changes) == {
        f"field-now-required {OP} request.speed": False,
        f"field-added {OP} request.kind": False,
    }
    assert all(c.detail.endswith("; the client sends its default") for c in changes)


def test_a_bound_tightened_on_the_real_spec_names_the_keyword(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    _request(new)["properties"]["temperature"]["maximum"] = 1.0

    (change,) = diff_documents(spec, new)

    assert change.id == f"bound-tightened {OP} request.temperature:maximum"
    assert change.detail == "maximum 1.2 -> 1.0" and change.breaking


def test_open_enum_known_values_are_informational_and_say_so(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    _schemas(new)["VoiceIdsShared"]["anyOf"][1]["enum"].remove("alloy")

    changes = diff_documents(spec, new)

    assert _verdicts(changes) == {
        f"enum-known-value-removed {OP} request.voice=alloy": False,
        f"enum-known-value-removed {OP} response.voice=alloy": False,
    }
    assert all("open enum" in change.detail for change in changes)


def test_a_closed_enum_value_removed_breaks_requests_only(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    _request(new)["properties"]["modalities"]["items"]["enum"] = ["text"]
    _response(new)["properties"]["modalities"]["items"]["enum"] = ["text"]

    assert _verdicts(diff_documents(spec, new)) == {
        f"enum-value-removed {OP} request.modalities[]=audio": True,
        f"enum-value-removed {OP} response.modalities[]=audio": False,
    }


def test_a_const_change_is_breaking(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    _request(new)["properties"]["client_secret"]["properties"]["expires_after"]["properties"]["anchor"]["const"] = "now"

    (change,) = diff_documents(spec, new)

    assert change.id == f"const-changed {OP} request.client_secret.expires_after.anchor"
    assert change.detail == 'was "created_at", now "now"' and change.breaking


def test_the_response_type_change_detail_names_both_types(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    _response(new)["properties"]["client_secret"]["properties"]["expires_at"]["type"] = "string"

    (change,) = diff_documents(spec, new)

    assert change.id == f"type-changed {OP} response.client_secret.expires_at"
    assert change.detail == "was integer, now string" and change.breaking


# -- operations and responses ----------------------------------------------------------------


def test_operations_added_and_removed(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    new["paths"]["/realtime/transcription_sessions"] = new["paths"].pop("/realtime/sessions")

    assert _verdicts(diff_documents(spec, new)) == {
        f"operation-removed {OP}": True,
        "operation-added POST /realtime/transcription_sessions": False,
    }


def test_success_status_and_content_type_changes_are_breaking(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    responses = _operation(new)["responses"]
    responses["201"] = responses.pop("200")
    content = responses["201"]["content"]
    content["application/vnd.session+json"] = content.pop("application/json")

    changes = diff_documents(spec, new)

    assert _verdicts(changes) == {
        f"success-status-changed {OP} response": True,
        f"success-content-type-changed {OP} response": True,
    }
    assert {c.detail for c in changes} == {"was 200, now 201", "was application/json, now application/vnd.session+json"}


def test_error_responses_added_and_removed_are_informational(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    responses = _operation(new)["responses"]
    del responses["404"]
    responses["503"] = {"$ref": "#/components/responses/InternalServerError"}

    assert _verdicts(diff_documents(spec, new)) == {
        f"error-response-removed {OP} 404": False,
        f"error-response-added {OP} 503": False,
    }


def test_a_request_body_that_becomes_required_or_changes_content_type() -> None:
    old = _things(request={"type": "object"})
    optional = _copy(old)
    optional["paths"]["/things"]["post"]["requestBody"]["required"] = False
    form = _copy(old)
    body = form["paths"]["/things"]["post"]["requestBody"]
    body["content"] = {"application/x-www-form-urlencoded": body["content"]["application/json"]}

    assert _verdicts(diff_documents(optional, old)) == {f"request-body-required-changed {THINGS} request": True}
    assert _verdicts(diff_documents(old, optional)) == {f"request-body-required-changed {THINGS} request": False}
    assert _verdicts(diff_documents(old, form)) == {f"request-content-type-changed {THINGS} request": True}


# -- unions, arrays, maps, allOf, cycles -------------------------------------------------------


def test_union_variants_are_matched_by_ref_name_whatever_their_order(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    _request(new)["properties"]["tracing"]["oneOf"].reverse()
    _response(new)["properties"]["tracing"]["anyOf"].reverse()
    assert diff_documents(spec, new) == []

    del _schemas(new)["RealtimeTracingConfiguration"]["properties"]["group_id"]

    assert _verdicts(diff_documents(spec, new)) == {
        f"field-removed {OP} request.tracing|RealtimeTracingConfiguration.group_id": True,
        f"field-removed {OP} response.tracing|RealtimeTracingConfiguration.group_id": True,
    }


def test_union_variants_are_matched_by_their_type_property_then_by_position() -> None:
    def tagged(tag: str, extra: str) -> dict[str, Any]:
        return {"type": "object", "properties": {"type": {"const": tag}, extra: {"type": "integer"}}}

    untagged = [
        {"type": "object", "properties": {"a": {"type": "integer"}}},
        {"type": "object", "properties": {"b": {"type": "integer"}}},
    ]
    old = _field({"oneOf": [tagged("circle", "radius"), tagged("square", "side"), *untagged]}, side="request")
    new_schema = {"oneOf": [tagged("square", "side"), tagged("circle", "radius"), *copy.deepcopy(untagged)]}
    new_schema["oneOf"][0]["properties"]["side"]["type"] = "string"
    new_schema["oneOf"][3]["properties"]["b"]["type"] = "string"

    assert _verdicts(diff_documents(old, _field(new_schema, side="request"))) == {
        f"type-changed {THINGS} request.x|square.side": True,
        f"type-changed {THINGS} request.x|3.b": True,
    }


def test_a_discriminator_mapping_matches_variants_whose_refs_were_renamed() -> None:
    def document(name: str) -> dict[str, Any]:
        union = {
            "oneOf": [{"$ref": f"#/components/schemas/{name}"}, {"$ref": "#/components/schemas/Other"}],
            "discriminator": {"propertyName": "kind", "mapping": {"a": f"#/components/schemas/{name}"}},
        }
        schemas = {name: {"type": "object", "properties": {"n": {"type": "integer"}}}, "Other": {"type": "object"}}
        return _things(request=union, schemas=schemas)

    new = document("Renamed")
    new["components"]["schemas"]["Renamed"]["properties"]["n"]["type"] = "string"

    assert _verdicts(diff_documents(document("Original"), new)) == {f"type-changed {THINGS} request|a.n": True}


def test_array_items_and_additional_properties_are_walked(spec: dict[str, Any]) -> None:
    new = _copy(spec)
    del _schemas(new)["RealtimeFunctionTool"]["properties"]["description"]
    metadata = _schemas(new)["RealtimeTracingConfiguration"]["properties"]["metadata"]
    metadata["additionalProperties"] = {"type": "string"}

    assert _verdicts(diff_documents(spec, new)) == {
        f"field-removed {OP} request.tools[].description": True,
        f"field-removed {OP} response.tools[].description": True,
        f"type-changed {OP} request.tracing|RealtimeTracingConfiguration.metadata{{}}": True,
        f"type-changed {OP} response.tracing|RealtimeTracingConfiguration.metadata{{}}": True,
    }


def test_additional_properties_forbidden_breaks_requests() -> None:
    old = _field({"type": "object", "properties": {"a": {"type": "string"}}}, side="request")
    new = _copy(old)
    new["paths"]["/things"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["x"][
        "additionalProperties"
    ] = False

    assert _verdicts(diff_documents(old, new)) == {f"additional-properties-forbidden {THINGS} request.x": True}
    assert _verdicts(diff_documents(new, old)) == {f"additional-properties-allowed {THINGS} request.x": False}


def test_all_of_members_are_merged() -> None:
    def document(base_type: str) -> dict[str, Any]:
        schemas = {"Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": base_type}}}}
        body = {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"note": {"type": "string"}}}]}
        return _things(response=body, schemas=schemas)

    assert diff_documents(document("string"), document("string")) == []
    assert _verdicts(diff_documents(document("string"), document("integer"))) == {
        f"type-changed {THINGS} response.id": True
    }


@pytest.mark.timeout(10)
def test_recursive_schemas_terminate_and_report_each_change_once() -> None:
    def document(value_type: str) -> dict[str, Any]:
        node = {
            "type": "object",
            "properties": {
                "value": {"type": value_type},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "next": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "null"}]},
                "both": {"allOf": [{"$ref": "#/components/schemas/Node"}]},
            },
        }
        return _things(request={"$ref": "#/components/schemas/Node"}, schemas={"Node": node})

    assert diff_documents(document("integer"), document("integer")) == []
    assert _verdicts(diff_documents(document("integer"), document("string"))) == {
        f"type-changed {THINGS} request.value": True
    }


def test_a_ref_to_itself_or_to_nothing_is_an_error_not_a_hang() -> None:
    looping = _things(request={"$ref": "#/components/schemas/A"}, schemas={"A": {"$ref": "#/components/schemas/A"}})
    dangling = _things(request={"$ref": "#/components/schemas/Missing"})

    only_itself = _things(
        request={"$ref": "#/components/schemas/A"},
        schemas={"A": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}},
    )

    with pytest.raises(SpecDiffError, match="longer than"):
        diff_documents(looping, looping)
    with pytest.raises(SpecDiffError, match="union of nothing but itself"):
        diff_documents(only_itself, only_itself)
    with pytest.raises(SpecDiffError, match="'#/components/schemas/Missing' points to nothing"):
        diff_documents(_things(request={"type": "object"}), dangling)


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in children:
        yield from _nodes(child, (*path, key))


JUNK: list[Any] = [None, 5, "x", [], {}, [1, "a"], True, False, {"$ref": "#/nope"}, {"$ref": 3}, {"type": 7}]
JUNK += [{"enum": 5}, {"allOf": 3}, {"allOf": [5]}, {"propertyName": "type", "mapping": 5}, {"anyOf": "x"}]


def _corrupt(document: dict[str, Any], path: tuple[Any, ...], junk: Any) -> dict[str, Any]:
    broken = _copy(document)
    *parents, last = path
    target: Any = broken
    with contextlib.suppress(KeyError, IndexError, TypeError):  # an earlier corruption removed the path
        for key in parents:
            target = target[key]
        target[last] = copy.deepcopy(junk)
    return broken


# Structural nodes every rule passes through; random picks would rarely hit them.
SKELETON = [
    ("paths",), ("paths", "/realtime/sessions"), ("paths", "/realtime/sessions", "post"),
    ("paths", "/realtime/sessions", "post", "requestBody"), ("paths", "/realtime/sessions", "post", "responses"),
    ("paths", "/realtime/sessions", "post", "responses", "200"), ("components",), ("components", "schemas"),
    ("components", "schemas", "RealtimeSessionCreateRequest"),
    ("components", "schemas", "RealtimeSessionCreateRequest", "properties"),
]  # fmt: skip


def _outcome(old: dict[str, Any], new: dict[str, Any]) -> list[Change] | SpecDiffError:
    try:
        return diff_documents(old, new)
    except SpecDiffError as err:
        return err


def test_a_corrupted_description_raises_spec_diff_error_on_either_side_or_is_compared() -> None:
    rng = random.Random(4)
    locations = [path for path in _nodes(BASE) if path]
    broken = [_corrupt(BASE, path, junk) for path in SKELETON for junk in JUNK]
    for _ in range(200):
        document = BASE
        for _ in range(rng.randint(1, 3)):
            document = _corrupt(document, rng.choice(locations), rng.choice(JUNK))
        broken.append(document)
    refused = compared = 0
    for document in broken:
        # Any other exception fails the test: a malformed description is a SpecDiffError, nothing else.
        forward, backward = _outcome(BASE, document), _outcome(document, BASE)
        if isinstance(forward, SpecDiffError) or isinstance(backward, SpecDiffError):
            # Malformed is a property of the document, whichever side it is on; the message is one line.
            assert isinstance(forward, SpecDiffError) and isinstance(backward, SpecDiffError)
            assert str(forward) and "\n" not in str(forward)
            refused += 1
            continue
        assert all(isinstance(change, Change) for change in [*forward, *backward])
        compared += bool(forward)
        itself = _outcome(document, document)
        assert itself == [] or isinstance(itself, SpecDiffError)  # no change between a description and itself
    # The corruptions reach both paths: neither all refused nor all harmless.
    assert refused > 50 and compared > 50, (refused, compared)


# -- the command: report, acknowledgements, exit codes --------------------------------------------


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def two_files(tmp_path: Path, spec: dict[str, Any]) -> tuple[Path, Path]:
    """openapi.yaml, and a copy with one breaking and one harmless change."""
    new = _copy(spec)
    del _request(new)["properties"]["turn_detection"]["properties"]["threshold"]
    _request(new)["properties"]["language"] = {"type": "string"}
    return _write(tmp_path / "old.yaml", spec), _write(tmp_path / "new.yaml", new)


THRESHOLD_REMOVED = f"field-removed {OP} request.turn_detection.threshold"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_the_report_lists_breaking_changes_first_then_a_summary_and_exits_1(
    two_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = two_files
    code, lines, err = _run(["--old", str(old), "--new", str(new), "--no-api", "--root", str(tmp_path)], capsys)

    assert code == 1 and err == ""
    assert lines == [
        f"spec-diff: {old} -> {new}",
        f"BREAKING                 {THRESHOLD_REMOVED} -- field removed",
        f"ok                       field-added {OP} request.language -- new optional field",
        "public API: not compared (--no-api)",
        "summary: 2 changes, 1 breaking, 1 not breaking; FAIL: 1 unacknowledged breaking change",
    ]


def test_identical_files_report_no_changes_and_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = _run(
        ["--old", str(paths.SPEC), "--new", str(paths.SPEC), "--no-api", "--root", str(tmp_path)], capsys
    )

    assert code == 0
    assert lines[1] == "No changes" and lines[-1] == "summary: No changes; OK"


def test_an_acknowledged_breaking_change_passes_and_a_stale_entry_is_a_note(
    two_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = two_files
    ack = tmp_path / "ack.yaml"
    ack.write_text(
        f"- change: {THRESHOLD_REMOVED}\n  reason: the service ignores it since 2026-10\n"
        f"- change: field-removed {OP} request.speed\n  reason: planned, not yet published\n"
    )

    code, lines, _ = _run(["--old", str(old), "--new", str(new), "--ack", str(ack), "--no-api"], capsys)

    assert code == 0
    assert f"breaking (acknowledged)  {THRESHOLD_REMOVED} -- field removed" in lines
    assert f"note: stale acknowledgement in ack.yaml: field-removed {OP} request.speed (matches no change)" in lines
    assert lines[-1] == "summary: 2 changes, 1 breaking (1 acknowledged), 1 not breaking; 1 stale acknowledgement; OK"


def test_without_the_api_comparison_api_acknowledgements_are_not_called_stale(
    two_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = two_files
    ack = tmp_path / "ack.yaml"
    ack.write_text(f"- {{change: 'api-removed {MODELS}.x.X.y', reason: agreed}}\n")

    _, with_api_skipped, _ = _run(["--old", str(old), "--new", str(new), "--ack", str(ack), "--no-api"], capsys)
    _, spec_only, _ = _run(["--old", str(old), "--new", str(old), "--ack", str(ack), "--no-api"], capsys)

    assert not any(line.startswith("note: stale") for line in with_api_skipped + spec_only)


def test_the_default_ack_file_is_read_from_the_root(
    two_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = two_files
    (tmp_path / "spec-diff-ack.yaml").write_text(f"- {{change: '{THRESHOLD_REMOVED}', reason: agreed}}\n")

    code, _, _ = _run(["--old", str(old), "--new", str(new), "--no-api", "--root", str(tmp_path)], capsys)

    assert code == 0


def test_accept_breaking_prints_the_changes_and_exits_0(
    two_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = two_files
    argv = ["--old", str(old), "--new", str(new), "--no-api", "--accept-breaking", "--root", str(tmp_path)]

    code, lines, _ = _run(argv, capsys)

    assert code == 0
    assert f"breaking (accepted)      {THRESHOLD_REMOVED} -- field removed" in lines
    assert lines[-1].endswith("1 breaking (1 accepted with --accept-breaking), 1 not breaking; OK")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("- {change: x}\n", ": entry 1 must have exactly the keys change and reason", id="no-reason"),
        pytest.param("- 5\n", ": entry 1 must have exactly the keys change and reason", id="not-a-mapping"),
        pytest.param("change: x\nreason: y\n", " must hold a list of {change, reason} entries", id="not-a-list"),
        pytest.param(
            "- {change: x, reason: ''}\n", ": entry 1 needs a non-empty change id and reason", id="empty-reason"
        ),
        pytest.param("- {change: ' ', reason: y}\n", ": entry 1 needs a non-empty change id and reason", id="blank-id"),
        pytest.param("- {change: 5, reason: y}\n", ": entry 1 needs a non-empty change id and reason", id="number-id"),
        pytest.param("- {change: x, reason: 5}\n", ": entry 1 needs a non-empty change id and reason", id="number-why"),
        pytest.param("- [unclosed\n", " is not YAML: expected ',' or ']', but got '<stream end>'", id="not-yaml"),
        pytest.param(
            "- {change: x, reason: a}\n- {change: ' x', reason: b}\n", ": entry 2 repeats 'x'", id="duplicate"
        ),
    ],
)
def test_a_malformed_ack_file_exits_2_with_one_line(
    content: str, message: str, two_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = two_files
    ack = tmp_path / "ack.yaml"
    ack.write_text(content)

    code, lines, err = _run(["--old", str(old), "--new", str(new), "--ack", str(ack), "--no-api"], capsys)

    assert code == 2 and lines == []
    assert err == f"spec-diff: the ack file {ack}{message}\n"


def test_an_ack_file_named_but_missing_exits_2_and_an_empty_one_acknowledges_nothing(
    two_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = two_files
    ack = tmp_path / "ack.yaml"

    code, lines, err = _run(["--old", str(old), "--new", str(new), "--ack", str(ack), "--no-api"], capsys)
    assert (code, lines, err) == (2, [], f"spec-diff: cannot read the ack file {ack}: No such file or directory\n")

    ack.write_text("")
    assert load_acks(ack) == []
    ack.write_text("- {change: '  padded id ', reason: ' why \n'}\n")
    assert load_acks(ack) == [Acknowledgement("padded id", "why")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "cannot read {path}: No such file or directory", id="missing"),
        pytest.param(
            "openapi: 3.1.0\npaths: [\n",
            "{path} is not YAML or JSON: expected the node content, but found '<stream end>' (line 3, column 1)",
            id="not-yaml",
        ),
        pytest.param(
            "a: b: c\n",
            "{path} is not YAML or JSON: mapping values are not allowed here (line 1, column 5)",
            id="column",
        ),
        pytest.param("openapi: 3.1.0\n\x07\n", "{path} is not YAML or JSON: ReaderError", id="no-problem-no-mark"),
        pytest.param("[1, 2]", "{path} is not an OpenAPI document: it holds a list, not a mapping", id="json-list"),
        pytest.param("", "{path} is not an OpenAPI document: it is empty", id="empty"),
        pytest.param("title: hello\n", "{path} is not an OpenAPI 3 document (no 'openapi' field)", id="no-version"),
        pytest.param(
            "swagger: '2.0'\nopenapi: '2.0'\n", "{path} is not an OpenAPI 3 document ('openapi: 2.0')", id="v2"
        ),
        pytest.param("openapi: 3\n", "{path} is not an OpenAPI 3 document ('openapi: 3')", id="number"),
        pytest.param(
            "openapi: 3.1.0\npaths: 5\n", "{path} is not an OpenAPI document: 'paths' is not a mapping", id="paths"
        ),
        pytest.param(
            b"\xff\xfe\x00garbage",
            "cannot read {path}: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
            id="not-utf8",
        ),
    ],
)
def test_an_unusable_description_exits_2_with_one_line(
    content: str | bytes | None, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    elif content is not None:
        bad.write_text(content)

    with pytest.raises(SpecDiffError):
        load_document(bad)
    code, lines, err = _run(["--old", str(paths.SPEC), "--new", str(bad), "--no-api"], capsys)

    assert code == 2 and lines == []
    assert err == f"spec-diff: {message.format(path=bad)}\n"


def test_a_description_with_a_dangling_ref_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = _write(tmp_path / "new.yaml", _things(request={"$ref": "#/components/schemas/Gone"}))
    old = _write(tmp_path / "old.yaml", _things(request={"type": "object"}))

    code, _, err = _run(["--old", str(old), "--new", str(new), "--no-api"], capsys)

    assert code == 2 and err.count("\n") == 1 and "new description: $ref" in err


def test_json_input_is_read_like_yaml(tmp_path: Path, spec: dict[str, Any]) -> None:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(spec))

    assert load_document(path) == spec


def test_a_usage_error_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["--olde", "x"], capsys)

    assert code == 2 and err.count("\n") == 1 and "unrecognized arguments: --olde" in err


# -- the git HEAD default ------------------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=root, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "--quiet")
    return root


def test_by_default_old_is_openapi_yaml_at_git_head_and_new_the_working_file(
    repo: Path, spec: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _write(repo / "openapi.yaml", spec)
    _git(repo, "add", "openapi.yaml")
    _git(repo, "commit", "--quiet", "-m", "spec")
    new = _copy(spec)
    del _request(new)["properties"]["turn_detection"]["properties"]["threshold"]
    _write(repo / "openapi.yaml", new)

    code, lines, _ = _run(["--root", str(repo), "--no-api"], capsys)

    assert code == 1
    assert lines[0] == "spec-diff: openapi.yaml at git HEAD -> openapi.yaml (working tree)"
    assert lines[1] == f"BREAKING                 {THRESHOLD_REMOVED} -- field removed"


def test_when_head_has_no_openapi_yaml_everything_is_added(
    repo: Path, spec: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _write(repo / "openapi.yaml", spec)
    code, lines, _ = _run(["--root", str(repo), "--no-api"], capsys)  # no commit at all yet
    assert code == 0
    assert lines[:2] == [
        "spec-diff: (no openapi.yaml at git HEAD) -> openapi.yaml (working tree)",
        f"ok                       operation-added {OP} -- new operation",
    ]

    (repo / "README").write_text("x\n")
    _git(repo, "add", "README")
    _git(repo, "commit", "--quiet", "-m", "readme only")
    code, lines, _ = _run(["--root", str(repo), "--no-api"], capsys)
    assert code == 0 and lines[1].endswith(f"operation-added {OP} -- new operation")


def test_a_committed_description_that_is_not_utf8_exits_2_with_one_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "openapi.yaml").write_bytes(b"openapi: 3.1.0\ninfo: {title: \xff}\n")
    _git(repo, "add", "openapi.yaml")
    _git(repo, "commit", "--quiet", "-m", "latin-1")

    code, _, err = _run(["--root", str(repo), "--no-api"], capsys)

    assert code == 2 and err.count("\n") == 1 and "openapi.yaml at git HEAD is not UTF-8 text" in err


def test_outside_a_git_repository_the_default_old_is_an_error(
    tmp_path: Path, spec: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path / "openapi.yaml", spec)

    code, _, err = _run(["--root", str(tmp_path), "--no-api"], capsys)

    assert code == 2 and err.count("\n") == 1 and "not in a git repository" in err


def test_the_makefile_passes_old_new_and_accept_breaking_through() -> None:
    run = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "spec-diff", "OLD=a.yaml", "NEW=b.yaml", "ACCEPT_BREAKING=1"],
        cwd=paths.REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    plain = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "spec-diff", "ACCEPT_BREAKING=0"],
        cwd=paths.REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip

    assert "-m tools.spec_diff --old a.yaml --new b.yaml  --accept-breaking" in run.stdout
    assert "-m tools.spec_diff" in plain.stdout and "--accept-breaking" not in plain.stdout


def test_the_pipeline_command_keeps_no_change_breaking_and_unusable_apart(
    two_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """make exits 2 whenever a recipe fails, so `make spec-diff` cannot tell a breaking change from an
    unusable input; the README's release pipeline runs the tool itself, which can."""
    old, new = two_files
    unusable = tmp_path / "unusable.yaml"
    unusable.write_text("openapi: [not, a, document\n", encoding="utf-8")

    def exit_code(new_path: Path) -> int:
        argv = ["--old", str(old), "--new", str(new_path), "--no-api", "--root", str(tmp_path)]
        command = [sys.executable, "-m", "tools.spec_diff", *argv]
        return subprocess.run(command, cwd=paths.REPO, capture_output=True, check=False).returncode

    assert (exit_code(old), exit_code(new), exit_code(unusable)) == (0, 1, 2)
    readme = (paths.REPO / "README.md").read_text(encoding="utf-8")
    pipeline = readme[readme.index("A release\npipeline runs these steps") :].split("```")[1]
    assert "\n.venv/bin/python -m tools.spec_diff " in pipeline and "make spec-diff" not in pipeline


# -- the public API of the generated package ---------------------------------------------------


def test_the_checked_in_package_compared_with_itself_has_no_changes() -> None:
    surface = extract_api(PACKAGE_DIR)

    assert diff_api(surface, extract_api(PACKAGE_DIR)) == []
    request = surface[f"{MODELS}.realtime_session_create_request"]["RealtimeSessionCreateRequest"]
    assert "speed" in request.fields  # type: ignore[union-attr]
    api = surface[f"{paths.PACKAGE_NAME}.api.realtime"]["RealtimeApi"]
    create = api.methods["create_realtime_session"]  # type: ignore[union-attr]
    assert [(p.name, p.kind, p.has_default) for p in create.params][:2] == [
        ("body", "positional-or-keyword", False),
        ("timeout", "keyword-only", True),
    ]
    assert create.returns == "RealtimeSessionCreateResponse"
    assert f"{paths.PACKAGE_NAME}.client" in surface and not any("._" in module for module in surface)


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


OLD_PACKAGE = {
    "__init__.py": "from .models import Thing\n__all__ = ['Thing', 'helper']\nfrom .util import helper\n",
    "models.py": """\
        from typing import Literal
        from attrs import define as _attrs_define, field as _attrs_field

        Colour = Literal["red", "green"]

        @_attrs_define
        class Thing:
            name: str
            size: int | None = None
            extra: dict[str, int] = _attrs_field(init=False, factory=dict)

            def render(self, width: int, *, dense: bool = False) -> str: ...
            def to_dict(self) -> dict[str, object]: ...
            def _private(self) -> None: ...

        class Gone: ...

        class Plain:
            count: int
            label: str
    """,
    "util.py": "def helper(a: int, b: str) -> None: ...\ndef _hidden() -> None: ...\n",
    "_internal.py": "def anything() -> None: ...\n",
}


def test_public_api_changes_in_small_trees(tmp_path: Path) -> None:
    old = _package(tmp_path / "old" / "pkg", OLD_PACKAGE)
    new_files = dict(OLD_PACKAGE)
    new_files["models.py"] = """\
        from typing import Literal
        from attrs import define as _attrs_define, field as _attrs_field

        Colour = Literal["red", "blue"]

        @_attrs_define
        class Thing:
            name: str
            colour: str
            size: float | None = None
            note: str = ""
            extra: dict[str, int] = _attrs_field(init=False, factory=dict)

            def render(self, columns: int, *, dense: bool = False, style: str) -> bytes: ...
            def _private(self, anything: int) -> None: ...

        class Plain:  # not attrs: its annotations are not constructor arguments
            label: str
            count: int
            total: int
    """
    new_files["util.py"] = "def helper(b: str, a: int, c: int = 0) -> None: ...\ndef _hidden(x: int) -> None: ...\n"
    new_files["_internal.py"] = "def different() -> None: ...\n"
    new = _package(tmp_path / "new" / "pkg", new_files)

    assert diff_api(extract_api(old), extract_api(old)) == []
    assert _verdicts(diff_api(extract_api(old), extract_api(new))) == {
        "api-changed pkg.models.Colour": True,  # Literal value removed
        "api-added pkg.models.Colour": False,  # Literal value added
        "api-removed pkg.models.Gone": True,
        "api-added pkg.models.Thing.colour": True,  # required constructor argument
        "api-added pkg.models.Thing.note": False,
        "api-changed pkg.models.Thing.size": True,
        "api-changed pkg.models.Thing.render(width)": True,  # renamed
        "api-added pkg.models.Thing.render(style)": True,  # no default
        "api-changed pkg.models.Thing.render:return": True,
        "api-added pkg.models.Plain.total": False,
        "api-removed pkg.models.Thing.to_dict": True,
        "api-changed pkg.util.helper(a)": True,  # moved
        "api-changed pkg.util.helper(b)": True,  # moved
        "api-added pkg.util.helper(c)": False,
    }


def test_field_order_matters_only_where_the_constructor_takes_the_fields(tmp_path: Path) -> None:
    def package(root: Path, first: str, second: str) -> Path:
        fields = f"    {first}: int\n    {second}: int\n"
        source = f"from attrs import define\n\n@define\nclass Made:\n{fields}\nclass Plain:\n{fields}"
        return _package(root / "pkg", {"__init__.py": "", "m.py": source})

    old, new = package(tmp_path / "old", "a", "b"), package(tmp_path / "new", "b", "a")

    changes = diff_api(extract_api(old), extract_api(new))

    assert _verdicts(changes) == {"api-changed pkg.m.Made.__init__": True}
    assert changes[0].detail == "positional order of constructor arguments changed: a, b -> b, a"


def test_a_removed_module_is_one_change_and_kinds_of_symbol_are_compared(tmp_path: Path) -> None:
    old = _package(tmp_path / "old" / "pkg", {"__init__.py": "", "a.py": "X = 1\n", "b.py": "def f() -> None: ...\n"})
    new = _package(tmp_path / "new" / "pkg", {"__init__.py": "", "b.py": "class f: ...\n", "c.py": "Y = 2\n"})

    assert _verdicts(diff_api(extract_api(old), extract_api(new))) == {
        "api-removed pkg.a": True,
        "api-added pkg.c": False,
        "api-changed pkg.b.f": True,
    }


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int, str]]:
    """The command run once with the API comparison on: a description whose request lost `speed`
    and gained an optional `language`. Yields (new spec, exit code, output)."""
    spec = copy.deepcopy(BASE)
    del _request(spec)["properties"]["speed"]
    _request(spec)["properties"]["language"] = {"type": "string", "description": "An ISO-639-1 code."}
    new = _write(tmp_path_factory.mktemp("spec") / "new.yaml", spec)
    before = _git_status_generated()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--old", str(paths.SPEC), "--new", str(new)])
    assert _git_status_generated() == before  # the regeneration never touches generated/
    yield new, code, out.getvalue()


def _git_status_generated() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--", "generated"], cwd=paths.REPO, capture_output=True, text=True, check=True
    ).stdout


REQUEST_MODEL = f"{MODELS}.realtime_session_create_request.RealtimeSessionCreateRequest"


def test_a_field_removed_from_the_spec_is_a_breaking_api_removal(regenerated: tuple[Path, int, str]) -> None:
    _, code, output = regenerated
    lines = output.splitlines()

    assert code == 1
    api_header = lines.index(
        f"public API: generated/{paths.PACKAGE_NAME} (checked in) -> regenerated from {regenerated[0]}"
    )
    api_lines = lines[api_header + 1 : -1]
    assert f"BREAKING                 api-removed {REQUEST_MODEL}.speed -- field removed" in api_lines
    assert f"ok                       api-added {REQUEST_MODEL}.language -- new field" in api_lines
    assert f"BREAKING                 field-removed {OP} request.speed -- field removed" in lines[:api_header]


def test_the_regeneration_diff_is_available_as_a_function(regenerated: tuple[Path, int, str], tmp_path: Path) -> None:
    tree = tmp_path / paths.PACKAGE_NAME
    shutil.copytree(PACKAGE_DIR, tree, ignore=shutil.ignore_patterns("__pycache__"))

    assert diff_against_regeneration(tree, paths.SPEC) == []
    verdicts = _verdicts(diff_against_regeneration(tree, regenerated[0]))
    assert verdicts[f"api-removed {REQUEST_MODEL}.speed"] is True
    assert verdicts[f"api-added {REQUEST_MODEL}.language"] is False
    assert all(verdict for change_id, verdict in verdicts.items() if "speed" in change_id)


# --- path parameters, multipart parts, other media types and response headers (the calls operations)

FULL = load_document(paths.SPEC)
CREATE_CALL = "POST /realtime/calls"
ACCEPT = "POST /realtime/calls/{call_id}/accept"


def _calls(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "paths": {p: i for p, i in document["paths"].items() if p.startswith("/realtime/calls")}}


def _call_op(document: dict[str, Any], path: str = "/realtime/calls") -> dict[str, Any]:
    return document["paths"][path]["post"]  # type: ignore[no-any-return]


def test_a_path_parameter_is_compared_by_location_and_name() -> None:
    old = _calls(copy.deepcopy(FULL))
    new = copy.deepcopy(old)
    accept = "/realtime/calls/{call_id}/accept"
    _call_op(new, accept)["parameters"][0]["schema"] = {"type": "integer"}
    _call_op(new, accept)["parameters"].append({"in": "query", "name": "dry_run", "required": True, "schema": {}})
    _call_op(new, "/realtime/calls/{call_id}/hangup")["parameters"] = []

    verdicts = _verdicts(diff_documents(old, new))

    assert verdicts[f"type-changed {ACCEPT} request.path:call_id"] is True
    assert verdicts[f"parameter-added {ACCEPT} request.query:dry_run"] is True
    assert verdicts["parameter-removed POST /realtime/calls/{call_id}/hangup request.path:call_id"] is True
    assert diff_documents(old, copy.deepcopy(old)) == []


def test_multipart_parts_and_other_media_types_of_a_body_are_compared() -> None:
    old = _calls(copy.deepcopy(FULL))
    new = copy.deepcopy(old)
    content = _call_op(new)["requestBody"]["content"]
    content["multipart/form-data"]["encoding"]["sdp"]["contentType"] = "text/plain"
    del content["application/sdp"]
    _schemas(new)["RealtimeCallCreateRequest"]["properties"].pop("session")

    verdicts = _verdicts(diff_documents(old, new))

    # The default (multipart, listed first) is compared field by field, as a JSON body is.
    assert verdicts[f"field-removed {CREATE_CALL} request.session"] is True
    assert verdicts[f"part-media-type-changed {CREATE_CALL} request.sdp"] is True
    assert verdicts[f"request-media-type-removed {CREATE_CALL} request<application/sdp>"] is True
    back = _verdicts(diff_documents(new, old))
    assert back[f"request-media-type-added {CREATE_CALL} request<application/sdp>"] is False


def test_response_headers_are_compared_and_a_header_that_may_go_missing_breaks() -> None:
    old = _calls(copy.deepcopy(FULL))
    optional, removed = copy.deepcopy(old), copy.deepcopy(old)
    optional["paths"]["/realtime/calls"]["post"]["responses"]["201"]["headers"]["Location"]["required"] = False
    del removed["paths"]["/realtime/calls"]["post"]["responses"]["201"]["headers"]["Location"]

    assert _verdicts(diff_documents(old, optional)) == {
        f"response-header-required-changed {CREATE_CALL} response.header:location": True
    }
    assert _verdicts(diff_documents(old, removed)) == {
        f"response-header-removed {CREATE_CALL} response.header:location": True
    }
    assert _verdicts(diff_documents(removed, old)) == {
        f"response-header-added {CREATE_CALL} response.header:location": False
    }


# -- exact details of each rule, both directions --------------------------------------------------


def _judged(changes: list[Change]) -> dict[str, tuple[bool, str]]:
    """{id: (breaking, detail)}; ids are unique within one report."""
    judged = {change.id: (change.breaking, change.detail) for change in changes}
    assert len(judged) == len(changes), [change.id for change in changes]
    return judged


FILLED = {"type": "string", "default": "d"}
OLD_OBJECT = {
    "type": "object",
    "properties": {"keep": STR, "gone": STR, "opt": STR, "req": STR, "dflt": FILLED},
    "required": ["req"],
}
NEW_OBJECT = {
    "type": "object",
    "properties": {
        "keep": STR,
        "opt": STR,
        "req": STR,
        "dflt": FILLED,
        "new_opt": STR,
        "new_req": STR,
        "new_dflt": FILLED,
    },
    "required": ["opt", "dflt", "new_req", "new_dflt"],
}


def test_object_fields_added_removed_and_required_are_judged_by_direction() -> None:
    request = diff_documents(_field(OLD_OBJECT, side=REQ), _field(NEW_OBJECT, side=REQ))
    response = diff_documents(_field(OLD_OBJECT, side=RESP), _field(NEW_OBJECT, side=RESP))

    x = f"{THINGS} request.x"
    assert _judged(request) == {
        f"field-removed {x}.gone": (True, "field removed"),
        f"field-added {x}.new_opt": (False, "new optional field"),
        f"field-added {x}.new_req": (True, "new required field"),
        f"field-added {x}.new_dflt": (False, "new required field; the client sends its default"),
        f"field-now-required {x}.opt": (True, "must now be sent"),
        f"field-now-required {x}.dflt": (False, "must now be sent; the client sends its default"),
        f"field-now-optional {x}.req": (False, "may now be left out"),
    }
    x = f"{THINGS} response.x"
    assert _judged(response) == {
        f"field-removed {x}.gone": (True, "field removed"),
        f"field-added {x}.new_opt": (False, "new field"),
        f"field-added {x}.new_req": (False, "new field"),
        f"field-added {x}.new_dflt": (False, "new field"),
        f"field-now-required {x}.opt": (False, "now always present"),
        f"field-now-required {x}.dflt": (False, "now always present"),
        f"field-now-optional {x}.req": (True, "may now be absent (unset)"),
    }
    # Breaking changes first, then by id.
    assert [change.id for change in request] == sorted(
        (change.id for change in request), key=lambda i: (not _judged(request)[i][0], i)
    )


@pytest.mark.parametrize("side", [REQ, RESP])
def test_undeclared_fields_allowed_forbidden_and_their_values(side: str) -> None:
    closed = {"type": "object", "additionalProperties": False}
    open_ = {"type": "object"}
    strings, integers = {**open_, "additionalProperties": STR}, {**open_, "additionalProperties": INT}
    x = f"{THINGS} {side}.x"

    assert _judged(diff_documents(_field(open_, side=side), _field(closed, side=side))) == {
        f"additional-properties-forbidden {x}": (side == REQ, "undeclared fields now refused")
    }
    assert _judged(diff_documents(_field(closed, side=side), _field(strings, side=side))) == {
        f"additional-properties-allowed {x}": (False, "undeclared fields now allowed")
    }
    assert _judged(diff_documents(_field(strings, side=side), _field(integers, side=side))) == {
        f"type-changed {x}{{}}": (True, "was string, now integer")
    }
    # Anything allowed, then only strings (and back): the values are compared with "any type".
    assert _judged(diff_documents(_field(open_, side=side), _field(strings, side=side))) == {
        f"type-changed {x}{{}}": (True, "was any type, now string")
    }
    assert _judged(diff_documents(_field(strings, side=side), _field(open_, side=side))) == {
        f"type-changed {x}{{}}": (side == RESP, "was string, now any type" + (" (wider)" if side == REQ else ""))
    }


def test_array_items_are_compared_with_their_nullability() -> None:
    old = {"type": "array", "items": STR}
    new = {"type": "array", "items": {"type": ["string", "null"]}}
    assert _judged(diff_documents(_field(old, side=RESP), _field(new, side=RESP))) == {
        f"nullable-added {THINGS} response.x[]": (True, "may now be null")
    }
    assert _judged(diff_documents(_field(STR, side=REQ), _field(old, side=REQ))) == {
        f"type-changed {THINGS} request.x": (True, "was string, now array")
    }
    assert _judged(diff_documents(_field({"type": "array"}, side=REQ), _field(old, side=REQ))) == {
        f"type-changed {THINGS} request.x[]": (True, "was any type, now string")
    }


def _operation_with(**parts: Any) -> dict[str, Any]:
    """A document whose POST /things is exactly parts (responses default to a bare 200)."""
    operation = {"responses": {"200": {"description": "ok"}}, **parts}
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/things": {"post": operation}}}


def _param(name: str, *, required: bool, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"in": "query", "name": name, "required": required, "schema": schema or STR}


def test_parameters_added_removed_and_required_changed() -> None:
    old = _operation_with(
        parameters=[
            _param("gone", required=False),
            _param("a", required=False),
            _param("b", required=True),
            _param("n", required=False, schema=INT),
        ]
    )
    new = _operation_with(
        parameters=[
            _param("a", required=True),
            _param("b", required=False, schema=INT),
            _param("new_opt", required=False),
            _param("new_req", required=True),
            _param("n", required=False, schema={"type": "number"}),
        ]
    )
    q = f"{THINGS} request.query"
    assert _judged(diff_documents(old, new)) == {
        f"parameter-removed {q}:gone": (True, "parameter removed"),
        f"parameter-required-changed {q}:a": (True, "now required"),
        f"parameter-required-changed {q}:b": (False, "now optional"),
        f"type-changed {q}:b": (True, "was string, now integer"),
        f"parameter-added {q}:new_opt": (False, "new optional parameter"),
        f"parameter-added {q}:new_req": (True, "new required parameter"),
        # A parameter is sent: its schema is judged as a request's.
        f"type-changed {q}:n": (False, "was integer, now number (wider)"),
    }


def _body(required: bool, content: dict[str, Any]) -> dict[str, Any]:
    return {"required": required, "content": content}


JSON_BODY = {"application/json": {"schema": {"type": "object"}}}


def test_request_bodies_added_removed_and_required_changed() -> None:
    bare = _operation_with()
    optional, required = (
        _operation_with(requestBody=_body(False, JSON_BODY)),
        _operation_with(requestBody=_body(True, JSON_BODY)),
    )
    at = f"{THINGS} request"

    assert _judged(diff_documents(bare, optional)) == {f"request-body-added {at}": (False, "new optional request body")}
    assert _judged(diff_documents(bare, required)) == {f"request-body-added {at}": (True, "new required request body")}
    assert _judged(diff_documents(required, bare)) == {f"request-body-removed {at}": (True, "request body removed")}
    assert _judged(diff_documents(optional, required)) == {
        f"request-body-required-changed {at}": (True, "request body now required")
    }
    assert _judged(diff_documents(required, optional)) == {
        f"request-body-required-changed {at}": (False, "request body now optional")
    }
    form = _operation_with(
        requestBody=_body(True, {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}})
    )
    assert _judged(diff_documents(required, form)) == {
        f"request-content-type-changed {at}": (True, "was application/json, now application/x-www-form-urlencoded")
    }
    # A body without content is no body; the same for both sides.
    assert diff_documents(bare, _operation_with(requestBody=_body(True, {}))) == []


def test_other_media_types_and_multipart_parts_of_a_request() -> None:
    def document(sdp_schema: dict[str, Any], part_type: str, *others: str) -> dict[str, Any]:
        multipart = {
            "schema": {"type": "object", "properties": {"sdp": STR}},
            "encoding": {
                "sdp": {"contentType": part_type},
                "bare": {"style": "form"},
                part_type: {"contentType": "x/y"},
            },
        }
        content: dict[str, Any] = {"multipart/form-data": multipart, "application/sdp": {"schema": sdp_schema}}
        content.update({name: {"schema": STR} for name in others})
        return _operation_with(requestBody=_body(True, content))

    old = document(STR, "application/sdp", "text/plain")
    new = document({"type": "string", "maxLength": 9}, "text/plain", "application/octet-stream")
    at = f"{THINGS} request"
    assert _judged(diff_documents(old, new)) == {
        f"part-media-type-changed {at}.sdp": (True, "part sent as application/sdp, now text/plain"),
        f"request-media-type-removed {at}<text/plain>": (True, "no longer accepted"),
        f"request-media-type-added {at}<application/octet-stream>": (False, "also accepted now"),
        f"bound-tightened {at}<application/sdp>:maxLength": (True, "new maxLength 9"),
    }
    # A part with a media type on one side only is not compared; only multipart bodies have parts.
    json_old = _operation_with(
        requestBody=_body(True, {"application/json": {"schema": {}, "encoding": {"a": {"contentType": "x/a"}}}})
    )
    json_new = _operation_with(
        requestBody=_body(True, {"application/json": {"schema": {}, "encoding": {"a": {"contentType": "x/b"}}}})
    )
    assert diff_documents(json_old, json_new) == []


def _responses(**by_code: dict[str, Any]) -> dict[str, Any]:
    return _operation_with(responses={code.removeprefix("s"): response for code, response in by_code.items()})


OK_JSON = {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}
OK_BARE = {"description": "ok"}


def test_responses_other_than_the_success_are_informational_and_named_by_kind() -> None:
    old = _responses(s200=OK_BARE, s404=OK_BARE, s302=OK_BARE, default=OK_BARE)
    new = _responses(s200=OK_BARE, s503=OK_BARE, s101=OK_BARE, s202=OK_BARE)
    assert _judged(diff_documents(old, new)) == {
        f"error-response-removed {THINGS} 404": (False, "HTTP 404 no longer documented"),
        f"other-response-removed {THINGS} 302": (False, "HTTP 302 no longer documented"),
        f"error-response-removed {THINGS} DEFAULT": (False, "the default response no longer documented"),
        f"error-response-added {THINGS} 503": (False, "HTTP 503 now documented"),
        f"other-response-added {THINGS} 101": (False, "HTTP 101 now documented"),
        f"other-response-added {THINGS} 202": (False, "HTTP 202 now documented"),
    }


def test_the_success_response_is_the_lowest_2xx_and_its_changes_are_judged() -> None:
    at = f"{THINGS} response"
    # An exact code comes before a 2XX range, whichever is listed first.
    ranged = _responses(s2XX=OK_JSON, s201=OK_JSON)
    assert _judged(diff_documents(_responses(s201=OK_JSON), ranged)) == {
        f"other-response-added {THINGS} 2XX": (False, "HTTP 2XX now documented")
    }
    assert _judged(diff_documents(_responses(s200=OK_JSON), _responses(s2xx=OK_JSON))) == {
        f"success-status-changed {at}": (True, "was 200, now 2XX")
    }
    errors_only = _responses(s400=OK_BARE)
    assert _judged(diff_documents(_responses(s200=OK_JSON, s400=OK_BARE), errors_only)) == {
        f"success-response-removed {at}": (True, "no 2xx response (was 200)")
    }
    assert _judged(diff_documents(errors_only, _responses(s204=OK_BARE, s400=OK_BARE))) == {
        f"success-response-added {at}": (False, "now answers 204")
    }
    assert _judged(diff_documents(_responses(s200=OK_BARE), _responses(s200=OK_JSON))) == {
        f"response-body-added {at}": (False, "now returns application/json")
    }
    assert _judged(diff_documents(_responses(s200=OK_JSON), _responses(s200=OK_BARE))) == {
        f"response-body-removed {at}": (True, "no longer returns application/json")
    }
    assert diff_documents(_responses(s200=OK_BARE), _responses(s200=OK_BARE)) == []
    assert diff_documents(errors_only, errors_only) == []


def test_response_headers_in_detail() -> None:
    def document(**headers: dict[str, Any]) -> dict[str, Any]:
        return _responses(s200={"description": "ok", "headers": headers})

    old = document(
        Gone={"schema": STR},
        Sent={"required": True, "schema": STR},
        Maybe={"schema": STR},
        Count={"schema": INT},
        Kind={"schema": CLOSED_AB},
    )
    new = document(
        sent={"schema": INT},
        MAYBE={"required": True, "schema": STR},
        New={"schema": STR},
        Count={"schema": {"type": "number"}},
        Kind={"schema": CLOSED_A},
    )
    at = f"{THINGS} response.header"
    assert _judged(diff_documents(old, new)) == {
        f"response-header-removed {at}:gone": (True, "header no longer documented"),
        f"response-header-required-changed {at}:sent": (True, "may now be missing"),
        f"type-changed {at}:sent": (True, "was string, now integer"),
        f"response-header-required-changed {at}:maybe": (False, "now always sent"),
        f"response-header-added {at}:new": (False, "new header"),
        # A header is read: its schema is judged as a response's.
        f"type-changed {at}:count": (True, "was integer, now number"),
        f"enum-value-removed {at}:kind=b": (False, '"b" no longer allowed'),
    }


def test_operations_added_and_removed_in_detail() -> None:
    old = _operation_with()
    new = copy.deepcopy(old)
    new["paths"]["/things"]["get"] = new["paths"]["/things"].pop("post")
    new["paths"]["/other"] = {"delete": {"responses": {}}}
    assert [(c.id, c.breaking, c.detail) for c in diff_documents(old, new)] == [
        (f"operation-removed {THINGS}", True, "operation removed"),
        ("operation-added DELETE /other", False, "new operation"),
        ("operation-added GET /things", False, "new operation"),
    ]


def test_the_report_orders_by_verdict_then_id_and_counts_each_verdict() -> None:
    def change(kind: str, where: str, breaking: bool, detail: str = "d") -> Change:
        return Change(kind=kind, where=where, detail=detail, breaking=breaking)

    changes = [
        change("b-ok", "x", False),
        change("z-breaking", "x", True),
        change("a-acked", "x", True),
        change("a-ok", "x", False, "second"),
        change("a-ok", "x", False, "first"),
        change("m-breaking", "x", True),
    ]
    report = Report()
    report.section("header", changes, {"a-acked x", "b-ok x"}, accept_breaking=False)
    report.section("empty", [], set(), accept_breaking=True)
    assert report.lines == [
        "header",
        "BREAKING                 m-breaking x -- d",
        "BREAKING                 z-breaking x -- d",
        "breaking (acknowledged)  a-acked x -- d",
        "ok                       a-ok x -- first",
        "ok                       a-ok x -- second",
        "ok                       b-ok x -- d",
        "empty",
        "No changes",
    ]
    assert report.exit_code == 1
    assert report.summary(0) == (
        "summary: 6 changes, 3 breaking (1 acknowledged), 3 not breaking; FAIL: 2 unacknowledged breaking changes"
    )

    accepted = Report()
    accepted.section("h", changes[1:3], {"a-acked x"}, accept_breaking=True)
    assert accepted.lines[1:] == [
        "breaking (acknowledged)  a-acked x -- d",
        "breaking (accepted)      z-breaking x -- d",
    ]
    assert accepted.exit_code == 0
    assert accepted.summary(2) == (
        "summary: 2 changes, 2 breaking (1 acknowledged, 1 accepted with --accept-breaking), 0 not breaking; "
        "2 stale acknowledgements; OK"
    )

    one = Report()
    one.section("h", changes[1:2], set(), accept_breaking=False)
    assert one.summary(1) == (
        "summary: 1 change, 1 breaking, 0 not breaking; 1 stale acknowledgement; FAIL: 1 unacknowledged breaking change"
    )
    only_ok = Report()
    only_ok.section("h", changes[:1], set(), accept_breaking=False)
    assert (only_ok.exit_code, only_ok.summary(0)) == (0, "summary: 1 change, 0 breaking, 1 not breaking; OK")
    assert Report().summary(3) == "summary: No changes; 3 stale acknowledgements; OK"


def test_map_values_are_judged_for_null_too() -> None:
    old = {"type": "object", "additionalProperties": STR}
    new = {"type": "object", "additionalProperties": {"type": ["string", "null"]}}
    assert _judged(diff_documents(_field(old, side=RESP), _field(new, side=RESP))) == {
        f"nullable-added {THINGS} response.x{{}}": (True, "may now be null")
    }


def _nested_arrays(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    schema = leaf
    for _ in range(depth):
        schema = {"type": "array", "items": schema}
    return _things(request=schema)


def test_a_change_is_found_down_to_the_depth_limit_and_no_further() -> None:
    deepest = MAX_DEPTH  # the body is depth 0: MAX_DEPTH arrays put the leaf at MAX_DEPTH
    (change,) = diff_documents(_nested_arrays(deepest, STR), _nested_arrays(deepest, INT))
    assert change.id == f"type-changed {THINGS} request" + "[]" * deepest
    assert diff_documents(_nested_arrays(deepest + 1, STR), _nested_arrays(deepest + 1, INT)) == []


@pytest.mark.timeout(10)
def test_a_recursion_through_named_and_inline_schemas_in_turn_reports_each_change_once() -> None:
    def document(value: dict[str, Any], *, named_first: bool) -> dict[str, Any]:
        # Node -> an inline object -> Node ...; named_first says whether the body starts at Node or inline.
        inline = {"type": "object", "properties": {"v": value, "p": {"$ref": "#/components/schemas/Node"}}}
        node = {"type": "object", "properties": {"v": value, "p": inline}}
        body = {"$ref": "#/components/schemas/Node"} if named_first else inline
        return _things(request=body, schemas={"Node": node})

    changes = diff_documents(document(INT, named_first=True), document(STR, named_first=False))
    assert _judged(changes) == {
        f"type-changed {THINGS} request.v": (True, "was integer, now string"),
        f"type-changed {THINGS} request.p.v": (True, "was integer, now string"),
    }


def test_union_variants_without_a_unique_label_are_paired_by_position() -> None:
    def obj(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "properties": {name: schema}}

    # The old object variant has two candidates on the new side: paired by position, not by type.
    old = {"oneOf": [obj("a", STR), INT]}
    new = {"oneOf": [obj("a", INT), obj("b", STR), INT]}
    assert _judged(diff_documents(_field(old, side=REQ), _field(new, side=REQ))) == {
        f"type-changed {THINGS} request.x|0.a": (True, "was string, now integer"),
        f"variant-added {THINGS} request.x|1": (False, "new union variant 1 (object)"),
    }
    # An inline variant beside a named one has no name to pair by: it goes by its type.
    named = {"oneOf": [obj("a", STR), {"$ref": "#/components/schemas/B"}]}
    renamed = {"oneOf": [{"$ref": "#/components/schemas/B"}, obj("a", INT)]}
    b = {"B": {"type": "object", "properties": {"b": STR}}}
    assert _judged(diff_documents(_things(request=named, schemas=b), _things(request=renamed, schemas=b))) == {
        f"type-changed {THINGS} request|object.a": (True, "was string, now integer")
    }


def test_union_variants_are_tagged_by_a_one_value_enum_or_the_discriminator_property() -> None:
    def obj(tag_property: str, tag: dict[str, Any], field: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "properties": {tag_property: tag, field: schema}}

    def one(value: str) -> dict[str, Any]:
        return {"type": "string", "enum": [value]}

    old: dict[str, Any] = {"oneOf": [obj("type", one("circle"), "r", INT), obj("type", one("square"), "s", INT)]}
    new: dict[str, Any] = {"oneOf": [obj("type", one("square"), "s", STR), obj("type", one("circle"), "r", INT)]}
    assert _judged(diff_documents(_field(old, side=REQ), _field(new, side=REQ))) == {
        f"type-changed {THINGS} request.x|square.s": (True, "was integer, now string")
    }

    by_kind = {"propertyName": "kind"}
    old = {
        "oneOf": [obj("kind", {"const": "a"}, "n", INT), obj("kind", {"const": "b"}, "m", INT)],
        "discriminator": by_kind,
    }
    new = {
        "oneOf": [obj("kind", {"const": "b"}, "m", INT), obj("kind", {"const": "a"}, "n", STR)],
        "discriminator": by_kind,
    }
    assert _judged(diff_documents(_field(old, side=REQ), _field(new, side=REQ))) == {
        f"type-changed {THINGS} request.x|a.n": (True, "was integer, now string")
    }

    # An open enum accepts any value, so it tells no variant apart: these pair by position.
    def open_one(value: str) -> dict[str, Any]:
        return {"anyOf": [STR, one(value)]}

    old = {"oneOf": [obj("type", open_one("circle"), "r", INT), obj("type", open_one("square"), "s", INT)]}
    new = {"oneOf": [obj("type", open_one("square"), "s", INT), obj("type", open_one("circle"), "r", INT)]}
    assert _judged(diff_documents(_field(old, side=RESP), _field(new, side=RESP))) == {
        f"field-removed {THINGS} response.x|0.r": (True, "field removed"),
        f"field-added {THINGS} response.x|0.s": (False, "new field"),
        f"field-removed {THINGS} response.x|1.s": (True, "field removed"),
        f"field-added {THINGS} response.x|1.r": (False, "new field"),
        f"enum-known-value-removed {THINGS} response.x|0.type=circle": (
            False,
            'known value "circle" no longer listed (open enum: any value is accepted)',
        ),
        f"enum-known-value-added {THINGS} response.x|0.type=square": (
            False,
            'known value "square" now listed (open enum: any value is accepted)',
        ),
        f"enum-known-value-removed {THINGS} response.x|1.type=square": (
            False,
            'known value "square" no longer listed (open enum: any value is accepted)',
        ),
        f"enum-known-value-added {THINGS} response.x|1.type=circle": (
            False,
            'known value "circle" now listed (open enum: any value is accepted)',
        ),
    }


def test_an_object_facing_a_schema_of_any_type_is_still_compared_field_by_field() -> None:
    anything: dict[str, Any] = {}
    fields = {"properties": {"a": STR}, "required": ["a"]}
    assert _judged(diff_documents(_field(anything, side=REQ), _field(fields, side=REQ))) == {
        f"type-changed {THINGS} request.x": (True, "was any type, now object"),
        f"field-added {THINGS} request.x.a": (True, "new required field"),
    }
    assert _judged(diff_documents(_field(fields, side=RESP), _field(anything, side=RESP))) == {
        f"type-changed {THINGS} response.x": (True, "was object, now any type"),
        f"field-removed {THINGS} response.x.a": (True, "field removed"),
    }
    # A plain schema facing a union is compared as a union of one.
    assert _judged(diff_documents(_field(fields, side=RESP), _field({"anyOf": [fields, INT]}, side=RESP))) == {
        f"variant-added {THINGS} response.x|integer": (True, "new union variant integer")
    }


def test_removed_and_added_variants_are_labelled_by_name_then_tag() -> None:
    def union(*names: str) -> dict[str, Any]:
        return {"oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in names]}

    schemas = {name: {"type": "object", "properties": {name.lower(): INT}} for name in ("A", "B", "C")}
    two, one = _things(request=union("A", "B"), schemas=schemas), _things(request=union("A"), schemas=schemas)
    assert _judged(diff_documents(two, one)) == {
        f"variant-removed {THINGS} request|B": (True, "union variant B (object) removed"),
    }
    assert _judged(diff_documents(one, _things(request=union("C", "A"), schemas=schemas))) == {
        f"variant-added {THINGS} request|C": (False, "new union variant C (object)"),
    }

    def tagged(tag: str) -> dict[str, Any]:
        return {"type": "object", "properties": {"type": {"const": tag}}}

    two, one = _field({"oneOf": [tagged("b"), tagged("a")]}, side=RESP), _field(tagged("a"), side=RESP)
    assert _judged(diff_documents(two, one)) == {
        f"variant-removed {THINGS} response.x|b": (False, "union variant b (object) removed"),
    }
    assert _judged(diff_documents(one, _field({"oneOf": [tagged("c"), tagged("a")]}, side=RESP))) == {
        f"variant-added {THINGS} response.x|c": (True, "new union variant c (object)"),
    }


def test_a_malformed_side_is_named_in_the_error() -> None:
    dangling = _things(request={"$ref": "#/components/schemas/Missing"})
    fine = _things(request={"type": "object"})
    with pytest.raises(SpecDiffError) as new_side:
        diff_documents(fine, dangling)
    assert str(new_side.value) == "new description: $ref '#/components/schemas/Missing' points to nothing"
    with pytest.raises(SpecDiffError) as old_side:
        diff_documents(dangling, fine)
    assert str(old_side.value) == "old description: $ref '#/components/schemas/Missing' points to nothing"


@pytest.mark.parametrize(
    ("bad", "fine", "message"),
    [
        pytest.param(
            _operation_with(responses=["200"]),
            _operation_with(),
            f"the responses of {THINGS} are not a mapping",
            id="responses",
        ),
        pytest.param(
            _field({"type": "object", "properties": 5}, side=RESP),
            _field({"type": "object"}, side=RESP),
            f"properties at {THINGS} response.x is not a mapping",
            id="field",
        ),
        pytest.param(
            _field({"anyOf": [STR, {"type": "object", "properties": 5}]}, side=REQ),
            _field({"anyOf": [STR, {"type": "object"}]}, side=REQ),
            f"properties at {THINGS} request.x is not a mapping",
            id="union-variant",
        ),
        pytest.param(
            _field({"anyOf": [STR, {"type": "object", "properties": {"type": {"anyOf": 5}}}]}, side=REQ),
            _field({"anyOf": [STR, {"type": "object", "properties": {"type": STR}}]}, side=REQ),
            f"anyOf at {THINGS} request.x is not a list",
            id="variant-type-property",
        ),
    ],
)
def test_a_malformed_part_is_named_with_its_side_and_place(
    bad: dict[str, Any], fine: dict[str, Any], message: str
) -> None:
    with pytest.raises(SpecDiffError) as old_side:
        diff_documents(bad, fine)
    assert str(old_side.value) == f"old description: {message}"
    with pytest.raises(SpecDiffError) as new_side:
        diff_documents(fine, bad)
    assert str(new_side.value) == f"new description: {message}"


def test_null_is_judged_on_a_whole_body_parameter_and_header_too() -> None:
    obj, nullable_obj = {"type": "object"}, {"type": ["object", "null"]}
    assert _judged(diff_documents(_things(response=obj), _things(response=nullable_obj))) == {
        f"nullable-added {THINGS} response": (True, "may now be null")
    }
    assert _judged(diff_documents(_things(request=nullable_obj), _things(request=obj))) == {
        f"nullable-removed {THINGS} request": (True, "no longer accepts null")
    }
    nullable_str = {"type": ["string", "null"]}
    old = _operation_with(parameters=[_param("q", required=False)])
    new = _operation_with(parameters=[_param("q", required=False, schema=nullable_str)])
    assert _judged(diff_documents(old, new)) == {
        f"nullable-added {THINGS} request.query:q": (False, "now accepts null")
    }
    old = _responses(s200={"description": "ok", "headers": {"H": {"schema": STR}}})
    new = _responses(s200={"description": "ok", "headers": {"H": {"schema": nullable_str}}})
    assert _judged(diff_documents(old, new)) == {
        f"nullable-added {THINGS} response.header:h": (True, "may now be null")
    }


def test_extensions_beside_paths_and_status_codes_are_not_entries() -> None:
    """OpenAPI lets the paths and responses maps carry x- keys of any shape; a vendor's own
    description may, and a diff of two of them must neither refuse them nor report them."""
    plain = _operation_with()
    extended = _operation_with(responses={"200": {"description": "ok"}, "x-notes": ["a"], "x-count": 3})
    extended["paths"]["x-origin"] = "generated"
    extended["paths"]["x-groups"] = [{"name": "realtime"}]
    assert diff_documents(plain, extended) == []
    assert diff_documents(extended, plain) == []
    # A key that merely contains x- elsewhere is still an entry.
    gained = _operation_with(responses={"200": {"description": "ok"}, "4x-": {"description": "odd"}})
    assert [change.id for change in diff_documents(plain, gained)] == [f"error-response-added {THINGS} 4X-"]
