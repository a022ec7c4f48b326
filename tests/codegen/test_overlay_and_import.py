"""Overlay 1.0 semantics (tools/spec_import/overlay.py) and import-spec's single steps on small documents."""

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from tools import paths
from tools.spec_import import import_spec
from tools.spec_import.overlay import OverlayError, apply_overlay, check_overlay, load_overlay


def _overlay(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


def test_update_merges_objects_recursively_and_replaces_other_values() -> None:
    document = {"a": {"b": {"c": 1, "d": [1, 2]}, "e": "x"}}
    apply_overlay(document, _overlay({"target": "$.a", "update": {"b": {"d": [3], "f": True}, "e": "y"}}), "o")
    assert document == {"a": {"b": {"c": 1, "d": [3], "f": True}, "e": "y"}}


def test_update_on_an_array_appends() -> None:
    document: dict[str, Any] = {"tags": [{"name": "a"}]}
    apply_overlay(document, _overlay({"target": "$.tags", "update": {"name": "b"}}), "o")
    assert document == {"tags": [{"name": "a"}, {"name": "b"}]}


def test_remove_deletes_every_selected_node_and_filters_select() -> None:
    document = {"xs": [{"type": "integer"}, {"type": "string"}, {"type": "integer"}], "keep": 1}
    reports = apply_overlay(document, _overlay({"target": "$.xs[?@.type == 'integer']", "remove": True}), "o")
    assert document == {"xs": [{"type": "string"}], "keep": 1}
    assert reports[0].matched == 2


def test_an_action_that_matches_nothing_changes_nothing_and_is_reported() -> None:
    document = {"a": 1}
    (report,) = apply_overlay(document, _overlay({"target": "$.missing.path", "update": {"x": 1}}), "o")
    assert document == {"a": 1} and report.matched == 0


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        ({"overlay": "2.0.0", "info": {"title": "t", "version": "1"}, "actions": []}, "1.0.x"),
        ({"overlay": "1.0.0", "actions": [{"target": "$", "remove": True}]}, "title and a version"),
        (_overlay(), "non-empty"),
        (_overlay({"target": "a.b", "remove": True}), "starting with $"),
        (_overlay({"target": "$[?", "remove": True}), "bad target"),
        (_overlay({"target": "$.a", "remove": True, "update": {}}), "exactly one"),
        (_overlay({"target": "$.a"}), "exactly one"),
        (_overlay({"target": "$.a", "remove": True, "copy": "$.b"}), "unknown key"),
    ],
)
def test_malformed_overlays_are_refused(overlay: dict[str, Any], message: str) -> None:
    with pytest.raises(OverlayError, match=re.escape(message)):
        check_overlay(overlay, "x.yaml")


def test_updating_a_string_or_removing_the_root_fails_clearly() -> None:
    with pytest.raises(OverlayError, match="only objects and arrays"):
        apply_overlay({"a": "s"}, _overlay({"target": "$.a", "update": {"x": 1}}), "o")
    with pytest.raises(OverlayError, match="root cannot be removed"):
        apply_overlay({"a": 1}, _overlay({"target": "$", "remove": True}), "o")


def test_an_unreadable_overlay_names_its_file(tmp_path: Path) -> None:
    bad = tmp_path / "10-bad.yaml"
    bad.write_text("overlay: [", encoding="utf-8")
    with pytest.raises(OverlayError, match=r"10-bad\.yaml: /: cannot read it"):
        load_overlay(bad)


def _normalized(schema: dict[str, Any]) -> dict[str, Any]:
    # A copy: normalize works in place, and the parameters are reused when pytest runs again in one
    # process (mutmut does), where an already normalized schema would prove nothing.
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "paths": {},
        "components": {"schemas": {"S": copy.deepcopy(schema)}},
    }
    import_spec.normalize(document, import_spec.Report())
    result: dict[str, Any] = document["components"]["schemas"]["S"]
    return result


@pytest.mark.parametrize(
    ("vendor", "ours"),
    [
        ({"type": "object", "nullable": True}, {"type": ["object", "null"]}),
        (
            {"type": "string", "enum": ["a"], "nullable": True},
            {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "null"}]},
        ),
        ({"oneOf": [{"type": "string"}], "nullable": True}, {"oneOf": [{"type": "string"}, {"type": "null"}]}),
        (
            {"anyOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "null"}]},
            {"type": ["object", "null"], "properties": {"a": {"type": "string"}}},
        ),
        ({"items": {"type": "string"}}, {"items": {"type": "string"}, "type": "array"}),
        ({"type": "integer", "format": "unixtime"}, {"type": "integer"}),
        ({"type": "integer", "format": "int64"}, {"type": "integer", "format": "int64"}),
        ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, {"type": "number", "exclusiveMinimum": 0}),
        ({"type": "object", "required": []}, {"type": "object"}),
        ({"type": "string", "const": "x"}, {"type": "string", "const": "x", "default": "x"}),
        # A default of its own is kept (one that does not validate is dropped by a later step).
        ({"type": "string", "const": "x", "default": "y"}, {"type": "string", "const": "x", "default": "y"}),
    ],
)
def test_normalization_of_single_schemas(vendor: dict[str, Any], ours: dict[str, Any]) -> None:
    assert _normalized(vendor) == ours


def test_stainless_const_becomes_const_and_prose_and_extensions_go() -> None:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1", "description": "vendor prose"},
        "paths": {"/x": {"post": {"summary": "s", "description": "d", "x-oaiMeta": {"a": 1}, "responses": {}}}},
        "components": {
            "schemas": {
                "S": {
                    "title": "Dup",
                    "description": "prose",
                    "properties": {
                        "description": {"type": "string", "description": "a field called description"},
                        "kind": {"type": "string", "enum": ["k"], "x-stainless-const": True},
                    },
                }
            }
        },
    }
    import_spec.strip(document, import_spec.Report())
    assert document["info"] == {"title": "T", "version": "1"}
    assert document["paths"]["/x"]["post"] == {"responses": {}}
    schema = document["components"]["schemas"]["S"]
    assert schema == {"properties": {"description": {"type": "string"}, "kind": {"type": "string", "const": "k"}}}


def test_ref_chains_point_at_their_end_and_discriminators_get_a_mapping() -> None:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "paths": {},
        "components": {
            "schemas": {
                "A1": {"$ref": "#/components/schemas/A2"},
                "A2": {"$ref": "#/components/schemas/Target"},
                "Target": {"type": "string"},
                "User": {"type": "object", "properties": {"v": {"$ref": "#/components/schemas/A1"}}},
                "Union": {
                    "oneOf": [
                        {"type": "object", "properties": {"type": {"type": "string", "enum": ["one"]}}},
                        {"$ref": "#/components/schemas/Two"},
                    ]
                },
                "Two": {"type": "object", "properties": {"type": {"type": "string", "const": "two"}}},
            }
        },
    }
    import_spec.normalize(document, import_spec.Report())
    schemas = document["components"]["schemas"]
    assert schemas["User"]["properties"]["v"] == {"$ref": "#/components/schemas/Target"}
    assert schemas["Union"]["oneOf"][0] == {"$ref": "#/components/schemas/UnionOne"}
    assert schemas["UnionOne"]["properties"]["type"]["const"] == "one"
    assert schemas["UnionOne"]["required"] == ["type"] and schemas["Two"]["required"] == ["type"]
    assert schemas["Union"]["discriminator"] == {
        "propertyName": "type",
        "mapping": {"one": "#/components/schemas/UnionOne", "two": "#/components/schemas/Two"},
    }


def test_a_bad_selection_or_overlay_fails_the_import_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = paths.REPO / "tests" / "fixtures" / "vendor" / "r06-endpoint-added.json"
    selection = tmp_path / "selection.yaml"
    selection.write_text("operations: ['FETCH /x']\n", encoding="utf-8")
    assert import_spec.main([str(source), "--selection", str(selection), "--output", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == (
        "import-spec: selection.yaml: /operations/0: 'FETCH /x' is not 'METHOD /path'; "
        "correct spec-selection.yaml (README: When the vendor's API changes)\n"
    )
    selection.write_text("operations: ['GET /nowhere']\n", encoding="utf-8")
    assert import_spec.main([str(source), "--selection", str(selection), "--output", str(tmp_path / "o")]) == 2
    assert "none of the operations in spec-selection.yaml is in it" in capsys.readouterr().err
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    (overlays / "10-x.yaml").write_text("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n")
    assert import_spec.main([str(source), "--overlays", str(overlays), "--output", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == (
        "import-spec: 10-x.yaml: /actions: must be a non-empty list; correct the overlay (overlays/README.md)\n"
    )
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("vendor", "ours"),
    [
        # Anything a type list cannot carry (a $ref, enum, const or allOf) moves into an anyOf with null,
        # even beside a declared type; default and description stay on the outer schema.
        (
            {"type": "object", "$ref": "#/components/schemas/T", "nullable": True},
            {"anyOf": [{"type": "object", "$ref": "#/components/schemas/T"}, {"type": "null"}]},
        ),
        (
            {"type": "string", "enum": ["a"], "default": "a", "description": "d", "nullable": True},
            {"default": "a", "description": "d", "anyOf": [{"type": "string", "enum": ["a"]}, {"type": "null"}]},
        ),
        (
            {"type": "string", "const": "c", "nullable": True},
            {"anyOf": [{"type": "string", "const": "c"}, {"type": "null"}]},
        ),
        (
            {"type": "object", "allOf": [{"required": ["a"]}], "nullable": True},
            {"anyOf": [{"type": "object", "allOf": [{"required": ["a"]}]}, {"type": "null"}]},
        ),
        ({"description": "any", "nullable": True}, {"description": "any", "anyOf": [{}, {"type": "null"}]}),
        ({"type": ["string", "integer"], "nullable": True}, {"type": ["string", "integer", "null"]}),
        ({"type": ["string", "null"], "nullable": True}, {"type": ["string", "null"]}),
        ({"anyOf": [{"type": "string"}, {"type": "null"}], "nullable": True}, {"type": ["string", "null"]}),
        ({"type": "string", "nullable": False}, {"type": "string"}),
    ],
)
def test_nullable_becomes_a_null_type_or_a_null_member(vendor: dict[str, Any], ours: dict[str, Any]) -> None:
    schemas = {"S": copy.deepcopy(vendor), "T": {"type": "object"}}
    document: dict[str, Any] = {"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}}
    report = import_spec.Report()
    import_spec.normalize(document, report)
    assert schemas["S"] == ours
    assert report.texts("nullable") == (["/components/schemas/S"] if vendor["nullable"] else [])


@pytest.mark.timeout(10)
def test_a_ref_chain_that_loops_is_left_as_it_is() -> None:
    schemas: dict[str, Any] = {
        "A": {"$ref": "#/components/schemas/B"},
        "B": {"$ref": "#/components/schemas/A"},
        "User": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
    }
    document: dict[str, Any] = {"openapi": "3.1.0", "paths": {}, "components": {"schemas": schemas}}
    report = import_spec.Report()
    import_spec.normalize(document, report)
    assert schemas["User"]["properties"]["a"] == {"$ref": "#/components/schemas/A"}
    assert report.texts("ref-chain") == []


def _sessions(request: Any, response: Any, **components: dict[str, Any]) -> dict[str, Any]:
    """A document whose POST /realtime/sessions sends request and answers 200 with response (None: no such body)."""
    operation: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if request is not None:
        operation["requestBody"] = {"content": {"application/json": {"schema": request}}}
    if response is not None:
        operation["responses"]["200"]["content"] = {"application/json": {"schema": response}}
    return {"openapi": "3.1.0", "paths": {"/realtime/sessions": {"post": operation}}, "components": components}


STRING: dict[str, Any] = {"type": "string"}
MINTED: dict[str, Any] = {
    "type": "object",
    "properties": {"value": {"type": "string"}, "expires_at": {"type": "integer"}},
}
SWAPPED_REQUEST: dict[str, Any] = {
    "type": "object",
    "properties": {"client_secret": MINTED, "voice": {"type": "string"}},
}
SWAPPED_RESPONSE: dict[str, Any] = {"type": "object", "properties": {"model": {"type": "string"}}}
SWAP_EVIDENCE = "has client_secret.value and no model (the response's shape); {} has no client_secret"


def test_the_session_swap_is_detected_with_the_pointers_of_both_schemas() -> None:
    detect = import_spec.DETECTORS["swapped-session-schemas"]
    inline = _sessions(SWAPPED_REQUEST, SWAPPED_RESPONSE)
    assert detect(inline) == "the request " + SWAP_EVIDENCE.format("the response")

    # Named schemas are named by their pointer; the request body and the secret may be $refs too.
    request = {**SWAPPED_REQUEST, "properties": {"client_secret": {"$ref": "#/components/schemas/Secret"}}}
    named = _sessions(
        {"$ref": "#/components/schemas/Req"},
        {"$ref": "#/components/schemas/Resp"},
        schemas={"Req": request, "Resp": SWAPPED_RESPONSE, "Secret": MINTED},
    )
    named["paths"]["/realtime/sessions"]["post"]["requestBody"] = {"$ref": "#/components/requestBodies/Body"}
    named["components"]["requestBodies"] = {
        "Body": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}}
    }
    expected = "/components/schemas/Req " + SWAP_EVIDENCE.format("/components/schemas/Resp")
    assert detect(named) == expected


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(_sessions(SWAPPED_REQUEST, None), id="no-response-body"),
        pytest.param(_sessions(None, SWAPPED_RESPONSE), id="no-request-body"),
        pytest.param(_sessions(True, SWAPPED_RESPONSE), id="request-schema-not-a-mapping"),
        pytest.param(_sessions(SWAPPED_REQUEST, True), id="response-schema-not-a-mapping"),
        pytest.param(
            _sessions({"$ref": "#/components/schemas/Req"}, SWAPPED_RESPONSE, schemas={"Req": True}),
            id="request-schema-refers-to-a-boolean",
        ),
        pytest.param(_sessions({"type": "object", "properties": {"voice": STRING}}, SWAPPED_RESPONSE), id="no-secret"),
        pytest.param(
            _sessions({"type": "object", "properties": {"client_secret": STRING}}, SWAPPED_RESPONSE),
            id="secret-not-an-object",
        ),
        pytest.param(
            _sessions({"properties": {"client_secret": {"properties": {"expires_after": {}}}}}, SWAPPED_RESPONSE),
            id="secret-without-value",
        ),
        pytest.param(
            _sessions({"properties": {**SWAPPED_REQUEST["properties"], "model": STRING}}, SWAPPED_RESPONSE),
            id="request-has-model",
        ),
        pytest.param(_sessions(SWAPPED_REQUEST, {"properties": {"client_secret": MINTED}}), id="response-has-secret"),
        pytest.param({"openapi": "3.1.0", "paths": {}}, id="no-operation"),
    ],
)
def test_a_session_operation_without_the_swap_is_not_flagged(document: dict[str, Any]) -> None:
    assert import_spec.DETECTORS["swapped-session-schemas"](document) is None


def test_normalize_reports_each_fix_at_its_pointer() -> None:
    schemas: dict[str, Any] = {
        "S": {
            "type": "object",
            "properties": {
                "n": {"type": "string", "nullable": True},
                "list": {"items": {"type": "string"}},
                "when": {"type": "integer", "format": "unixtime"},
                "low": {"type": "number", "maximum": 1, "exclusiveMaximum": True},
                "flag": {"type": "number", "exclusiveMinimum": False, "minimum": 0},
            },
        }
    }
    document: dict[str, Any] = {"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}}
    report = import_spec.Report()
    import_spec.normalize(document, report)
    at = "/components/schemas/S/properties"
    assert report.texts("nullable") == [f"{at}/n"]
    assert report.texts("array-type") == [f"{at}/list"]
    assert report.texts("format") == [f"{at}/when (unixtime)"]
    properties = schemas["S"]["properties"]
    assert properties["low"] == {"type": "number", "exclusiveMaximum": 1}
    assert properties["flag"] == {"type": "number", "minimum": 0}  # a false flag only goes


def _union_document(union: dict[str, Any], **schemas: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"Union": union, **schemas}}}


def _tagged(value: Any, *, enum: bool = False, **extra: Any) -> dict[str, Any]:
    tag = {"type": "string", "enum": [value] if not isinstance(value, list) else value} if enum else {"const": value}
    return {"type": "object", "properties": {"type": tag}, **extra}


def test_inline_variants_are_hoisted_under_a_free_name_and_the_mapping_completed() -> None:
    union = {"oneOf": [_tagged("one", enum=True), _tagged("two", enum=True), _tagged("three", enum=True)]}
    # UnionOne is taken: that variant stays inline (so no discriminator), the others are hoisted.
    document = _union_document(union, UnionOne={"type": "string"})
    report = import_spec.Report()
    import_spec.normalize(document, report)
    schemas = document["components"]["schemas"]
    assert schemas["Union"] == {
        "oneOf": [
            _tagged("one", enum=True),
            {"$ref": "#/components/schemas/UnionTwo"},
            {"$ref": "#/components/schemas/UnionThree"},
        ]
    }
    assert report.texts("hoisted") == [
        "/components/schemas/Union/oneOf/1 -> UnionTwo",
        "/components/schemas/Union/oneOf/2 -> UnionThree",
    ]
    assert report.texts("discriminator") == []
    assert schemas["UnionTwo"] == _tagged(["two"], enum=True)  # not completed: no discriminator


def test_a_discriminator_is_completed_once_and_keeps_the_members_required_fields() -> None:
    union: dict[str, Any] = {"anyOf": [{"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/A"}]}
    document = _union_document(union, A=_tagged("a", enum=True, required=["x"]), B=_tagged("b"))
    report = import_spec.Report()
    import_spec.normalize(document, report)
    schemas = document["components"]["schemas"]
    mapping = {"a": "#/components/schemas/A", "b": "#/components/schemas/B"}
    assert schemas["Union"]["discriminator"] == {"propertyName": "type", "mapping": mapping}
    assert list(schemas["Union"]["discriminator"]["mapping"]) == ["a", "b"]
    assert report.texts("discriminator") == ["/components/schemas/Union"]
    assert schemas["A"]["properties"]["type"] == {"type": "string", "const": "a", "default": "a"}
    assert schemas["A"]["required"] == ["x", "type"] and schemas["B"]["required"] == ["type"]

    # A complete discriminator (in any order) is left as it is and not reported again.
    union["discriminator"] = {"propertyName": "type", "mapping": dict(reversed(mapping.items()))}
    again = import_spec.Report()
    import_spec.normalize(document, again)
    assert list(schemas["Union"]["discriminator"]["mapping"]) == ["b", "a"] and again.texts("discriminator") == []
    assert schemas["A"]["required"] == ["x", "type"]
    # One on another property, or with another mapping, is replaced.
    for wrong in ({"propertyName": "kind", "mapping": mapping}, {"propertyName": "type", "mapping": {"a": "x"}}):
        union["discriminator"] = wrong
        replaced = import_spec.Report()
        import_spec.normalize(document, replaced)
        assert union["discriminator"] == {"propertyName": "type", "mapping": mapping}
        assert replaced.texts("discriminator") == ["/components/schemas/Union"]


@pytest.mark.parametrize(
    "variants",
    [
        pytest.param([{"$ref": "#/components/schemas/A"}], id="one-member"),
        pytest.param([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/A2"}], id="same-value"),
        pytest.param([{"$ref": "#/components/schemas/A"}, {"type": "null"}], id="null-member"),
        pytest.param(
            [{"type": "null"}, {"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}], id="null-first"
        ),
        pytest.param(
            [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/Two"}], id="two-values-listed"
        ),
        pytest.param([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/Untyped"}], id="no-type"),
    ],
)
def test_unions_a_discriminator_cannot_describe_are_left_without_one(variants: list[dict[str, Any]]) -> None:
    components = {
        "A": _tagged("a"), "A2": _tagged("a"), "B": _tagged("b"),
        "Two": _tagged(["x", "y"], enum=True), "Untyped": {"type": "object", "properties": {"type": {"enum": []}}},
    }  # fmt: skip
    document = _union_document({"oneOf": copy.deepcopy(variants)}, **components)
    report = import_spec.Report()
    import_spec.normalize(document, report)
    assert document["components"]["schemas"]["Union"] == {"oneOf": variants}
    assert report.texts("discriminator") == [] and "required" not in document["components"]["schemas"]["A"]


def test_inline_variants_after_a_null_one_are_hoisted_too() -> None:
    document = _union_document({"anyOf": [{"type": "null"}, _tagged("one")]})
    import_spec.normalize(document, import_spec.Report())
    assert document["components"]["schemas"]["Union"]["anyOf"][1] == {"$ref": "#/components/schemas/UnionOne"}


@pytest.mark.parametrize(
    "union",
    [
        pytest.param({"anyOf": [{"type": "null"}, {"type": "string"}]}, id="null-first"),
        pytest.param({"anyOf": [{"type": "null"}, {"type": "null"}]}, id="null-twice"),
        pytest.param({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}, id="three-members"),
        pytest.param({"anyOf": [{"type": "string"}, {"type": "null", "description": "d"}]}, id="annotated-null"),
        pytest.param({"anyOf": [{"type": ["string", "integer"]}, {"type": "null"}]}, id="type-list"),
        pytest.param({"anyOf": [{"properties": {}}, {"type": "null"}]}, id="no-type"),
        pytest.param({"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "null"}]}, id="enum"),
        pytest.param({"anyOf": [{"type": "string", "const": "a", "default": "a"}, {"type": "null"}]}, id="const"),
        pytest.param({"anyOf": [{"type": "object", "$ref": "#/components/schemas/T"}, {"type": "null"}]}, id="ref"),
        pytest.param({"anyOf": [{"type": "object", "allOf": [{}]}, {"type": "null"}]}, id="allOf"),
        pytest.param({"anyOf": [{"type": "object", "oneOf": [{}]}, {"type": "null"}]}, id="oneOf"),
        pytest.param({"anyOf": [{"type": "object", "anyOf": [{}]}, {"type": "null"}]}, id="anyOf"),
        pytest.param({"title": "t", "anyOf": [{"type": "string"}, {"type": "null"}]}, id="other-outer-key"),
        pytest.param(
            {"description": "a", "anyOf": [{"type": "string", "description": "b"}, {"type": "null"}]}, id="clash"
        ),
    ],
)
def test_a_null_union_that_a_type_list_cannot_say_is_kept(union: dict[str, Any]) -> None:
    assert _normalized(union) == union


def test_a_null_union_keeps_the_outer_default_and_description_when_it_becomes_a_type_list() -> None:
    union = {"default": None, "description": "d", "anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}]}
    assert _normalized(union) == {"type": ["string", "null"], "maxLength": 3, "default": None, "description": "d"}


def test_ref_chains_are_shortened_outside_components_and_reported() -> None:
    schemas: dict[str, Any] = {
        "A1": {"$ref": "#/components/schemas/A2"},
        "A2": {"$ref": "#/components/schemas/Target"},
        "Target": {"type": "string"},
        "Holder": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A2"}}},
        "Both": {"allOf": [{"$ref": "#/components/schemas/Holder"}, {"$ref": "#/components/schemas/A2"}]},
    }
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A1"}}}}
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "paths": {"/x": {"post": {"requestBody": body, "responses": {}}}},
        "components": {"schemas": schemas},
    }
    report = import_spec.Report()
    import_spec.normalize(document, report)
    assert document["openapi"] == "3.1.0"
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Target"}
    assert schemas["Holder"]["properties"]["a"] == {"$ref": "#/components/schemas/Target"}
    assert schemas["Both"]["allOf"][1] == {"$ref": "#/components/schemas/Target"}
    # The aliases themselves stay (a shake drops them once nothing uses them).
    assert schemas["A1"] == {"$ref": "#/components/schemas/A2"}
    assert report.texts("ref-chain") == [
        "#/components/schemas/A1 -> #/components/schemas/Target",
        "#/components/schemas/A2 -> #/components/schemas/Target",
        "#/components/schemas/A2 -> #/components/schemas/Target",
    ]


def test_a_union_outside_components_gets_its_discriminator_but_no_hoisting() -> None:
    union: dict[str, Any] = {
        "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
    }
    listed: dict[str, Any] = {"anyOf": [{"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/A"}]}
    inline: dict[str, Any] = {"anyOf": [_tagged("x", enum=True), _tagged("y", enum=True)]}
    body = {"content": {"application/json": {"schema": union}}}
    answer = {"content": {"application/json": {"schema": inline}}}
    other = {"content": {"application/json": {"schema": listed}}}
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "paths": {"/x": {"post": {"requestBody": body, "responses": {"200": answer, "201": other}}}},
        "components": {"schemas": {"A": _tagged("a"), "B": _tagged("b")}},
    }
    report = import_spec.Report()
    import_spec.normalize(document, report)
    discriminator = {
        "propertyName": "type",
        "mapping": {"a": "#/components/schemas/A", "b": "#/components/schemas/B"},
    }
    assert union["discriminator"] == discriminator and listed["discriminator"] == discriminator
    assert report.texts("discriminator") == [
        "/paths/~1x/post/requestBody/content/application~1json/schema",
        "/paths/~1x/post/responses/201/content/application~1json/schema",
    ]
    assert inline == {"anyOf": [_tagged("x", enum=True), _tagged("y", enum=True)]}
    assert report.texts("hoisted") == []


def test_unions_nested_in_a_component_are_hoisted_under_the_component_name() -> None:
    nested = {"anyOf": [_tagged("on", enum=True), _tagged("off-now", enum=True)]}
    document = _union_document({"type": "object", "properties": {"p": {"oneOf": [STRING, nested]}}})
    report = import_spec.Report()
    import_spec.normalize(document, report)
    assert report.texts("hoisted") == [
        "/components/schemas/Union/properties/p/oneOf/1/anyOf/0 -> UnionOn",
        "/components/schemas/Union/properties/p/oneOf/1/anyOf/1 -> UnionOffNow",
    ]
