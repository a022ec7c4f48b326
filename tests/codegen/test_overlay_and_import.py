"""Overlay 1.0 semantics (tools/spec_import/overlay.py) and import-spec's single steps on small documents."""

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
    document: dict[str, Any] = {"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"S": schema}}}
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
