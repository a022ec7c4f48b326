"""make import-spec on the hand-built stand-in releases (tests/fixtures/vendor): each one-change step gets
the right spec-diff verdict, the defects they reproduce are gone after import, renames map back. The
real releases, and the regeneration of each, are in test_real_releases.py."""

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import paths
from tools.openapi_document import iter_operations
from tools.spec_diff import spec_diff
from tools.spec_import import import_spec
from tools.spec_import import overlay as overlays_lib

VENDOR = paths.REPO / "tests" / "fixtures" / "vendor"
CURRENT_SOURCE = paths.REPO / "tests" / "fixtures" / "releases" / "2026-08-21_f85dbe2.json.gz"
RELEASES = sorted(VENDOR.glob("r[0-9][0-9]-*"))

# Previous release -> this one: is the change breaking for a user of the generated client?
VERDICTS = {
    "r02-field-added.yaml": False,  # an optional request field
    "r03-enum-value-added.yaml": False,  # known values of an open enum
    "r04-openapi-3.1.yaml": False,  # 3.0 -> 3.1; its stray `nullable` on the session request's tracing counts
    "r05-json.json": False,  # YAML -> JSON
    # POST /realtime/client_secrets and the others added; and the call's session, kept since the calls
    # operations are selected, moves from the beta to the GA shape (breaking, checked below).
    "r06-endpoint-added.json": True,
    "r07-field-removed.json": True,  # a request field gone
    "r08-field-required.json": True,  # a request field now required
    # The swap is detected and overlays/10-realtime-sessions-shapes.yaml pins the live shapes, which are
    # stricter than r08's vendor request (bounds and const of client_secret.expires_after, tracing not null).
    "r09-swap.json": True,
}


def _import(source: Path, output: Path) -> dict[str, Any]:
    import_spec.run(source, output)
    document: dict[str, Any] = yaml.safe_load(output.read_text(encoding="utf-8"))
    return document


def _body(text: str) -> str:
    """The description without the header comment that names the source."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("imported")
    result = {}
    for release in RELEASES:
        target = out / f"{release.stem}.yaml"
        import_spec.run(release, target)
        result[release.name] = target
    return result


def test_the_series_has_every_kind_of_change() -> None:
    assert [r.name for r in RELEASES][1:] == list(VERDICTS)


def test_import_is_idempotent(tmp_path: Path) -> None:
    again = tmp_path / "again.yaml"
    import_spec.run(paths.SPEC, again)
    assert _body(again.read_text(encoding="utf-8")) == _body(paths.SPEC.read_text(encoding="utf-8"))


def test_a_release_padded_to_megabytes_imports_to_the_same_description(tmp_path: Path) -> None:
    document = json.loads(gzip.decompress(CURRENT_SOURCE.read_bytes()))
    template = document["paths"]["/chat/completions"]["post"]
    for index in range(400):
        operation = json.loads(json.dumps(template))
        operation["operationId"] = f"padding-{index}"
        operation["tags"] = [f"Padding{index % 40}"]
        document["paths"][f"/padding/{index}/completions"] = {"post": operation}
    big = tmp_path / "big.json"
    big.write_text(json.dumps(document, indent=2), encoding="utf-8")
    assert big.stat().st_size > 1_000_000
    output = tmp_path / "openapi.yaml"
    report = import_spec.run(big, output)
    assert _body(output.read_text(encoding="utf-8")) == _body(paths.SPEC.read_text(encoding="utf-8"))
    assert "688 operations" in report.texts("source")[0]


def test_a_release_without_a_selected_operation_is_reported_and_the_removal_flagged(
    imported: dict[str, Path],
) -> None:
    report = import_spec.Report()
    source, _ = import_spec.load_source(RELEASES[0])
    document = import_spec.import_document(
        source,
        import_spec.load_selection(import_spec.SELECTION),
        import_spec.load_overlays(import_spec.OVERLAYS),
        report,
    )
    # The GA secret endpoint, translation secrets and call control came later (this stand-in
    # release has POST /realtime/calls already).
    missing = [
        "POST /realtime/client_secrets",
        "POST /realtime/translations/client_secrets",
        "POST /realtime/calls/{call_id}/accept",
        "POST /realtime/calls/{call_id}/hangup",
        "POST /realtime/calls/{call_id}/refer",
        "POST /realtime/calls/{call_id}/reject",
    ]
    assert sorted(report.texts("missing")) == sorted(missing)
    assert not set(document["paths"]) & {entry.split()[1] for entry in missing}
    # Webhooks came with OpenAPI 3.1: a 3.0 release reports the selected ones missing and imports.
    assert report.texts("missing-webhook") == ["realtime_call_incoming", "live_call_incoming"]
    assert report.texts("kept-webhook") == [] and "webhooks" not in document
    changes = spec_diff.diff_documents(spec_diff.load_document(paths.SPEC), document)
    removed = [c for c in changes if c.kind == "operation-removed"]
    assert len(removed) == len(missing) and all(c.breaking for c in removed)
    assert {c.id.split()[2] for c in removed} == {entry.split()[1] for entry in missing}


@pytest.mark.parametrize("release", list(VERDICTS))
def test_spec_diff_verdict_between_consecutive_releases(release: str, imported: dict[str, Path]) -> None:
    names = [r.name for r in RELEASES]
    previous = names[names.index(release) - 1]
    old = spec_diff.load_document(imported[previous])
    new = spec_diff.load_document(imported[release])
    changes = spec_diff.diff_documents(old, new)
    assert any(c.breaking for c in changes) is VERDICTS[release], [c.id for c in changes]
    if release == "r05-json.json":
        assert changes == [], "the same content as JSON should leave nothing to report"
    elif release == "r06-endpoint-added.json":
        breaking = [c.id for c in changes if c.breaking]
        assert all(" POST /realtime/calls request.session" in change for change in breaking), breaking
        added = {c.id.split(" ", 2)[2] for c in changes if c.kind == "operation-added"}
        assert {"/realtime/client_secrets", "/realtime/translations/client_secrets"} <= added
    else:
        assert changes


def test_public_classes_keep_their_names_across_the_series(imported: dict[str, Path]) -> None:
    for name, path in imported.items():
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        schemas = document["components"]["schemas"]
        for kept in ("RealtimeSessionCreateRequest", "RealtimeSessionCreateResponse", "VoiceIdsShared"):
            assert kept in schemas, name
        operation = document["paths"]["/realtime/sessions"]["post"]
        assert operation["operationId"] == "create-realtime-session", name


def test_not_parseable_and_not_openapi_sources_fail_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = {
        "broken.json": '{"openapi": "3.1.0", "paths": {},}',
        "broken.yaml": "openapi: 3.1.0\npaths: [unclosed\n",
        "not-openapi.yaml": "swagger: '2.0'\npaths: {}\n",
        "empty.yaml": "",
        "binary.yaml": "\udcff",
    }
    for name, text in cases.items():
        source = tmp_path / name
        source.write_bytes(text.encode("utf-8", "surrogateescape"))
        assert import_spec.main([str(source), "--output", str(tmp_path / "out.yaml")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"import-spec: {source}"), err
        assert not (tmp_path / "out.yaml").exists()
    missing = tmp_path / "absent.yaml"
    assert import_spec.main([str(missing)]) == 2
    assert "cannot read it" in capsys.readouterr().err


def test_the_defects_of_the_vendor_releases_are_gone(imported: dict[str, Path]) -> None:
    for name, path in imported.items():
        text = path.read_text(encoding="utf-8")
        assert "x-" + "stainless" not in text and "x-oai" not in text, name
        assert "unixtime" not in text and "nullable:" not in text, name
        document = yaml.safe_load(text)
        assert document["openapi"] == "3.1.0"
        schemas = document["components"]["schemas"]
        assert not any(set(s) == {"$ref"} for s in schemas.values()), f"{name}: an alias schema survived"
        for _, _, operation in iter_operations(document):
            assert {"400", "401", "429", "500"} <= set(operation["responses"]), name
            assert operation["tags"] == ["Realtime"]
        transcription = schemas["RealtimeTranscriptionSessionCreateResponse"]["properties"]
        assert transcription["turn_detection"]["type"] == ["object", "null"], name
        assert transcription["client_secret"]["properties"]["value"]["format"] == "password"
        threshold = schemas["RealtimeTranscriptionSessionCreateRequest"]["properties"]["turn_detection"]
        assert threshold["properties"]["threshold"]["minimum"] == 0.0, name
        assert "example" not in threshold["properties"]["threshold"], f"{name}: the invalid example survived"


def test_make_spec_diff_on_a_breaking_release_exits_1_and_names_the_change(imported: dict[str, Path]) -> None:
    old, new = imported["r07-field-removed.json"], imported["r08-field-required.json"]
    result = subprocess.run(
        ["make", "--no-print-directory", "spec-diff", f"OLD={old}", f"NEW={new}"],
        cwd=paths.REPO, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "BREAKING                 field-now-required POST /realtime/client_secrets request.session" in result.stdout
    accepted = subprocess.run(
        [sys.executable, "-m", "tools.spec_diff", "--old", str(old), "--new", str(new), "--no-api",
         "--accept-breaking"],
        cwd=paths.REPO, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert accepted.returncode == 0, accepted.stderr


def test_a_schema_the_vendor_renames_is_mapped_back_by_the_selection(tmp_path: Path) -> None:
    text = gzip.decompress(CURRENT_SOURCE.read_bytes()).decode("utf-8")
    renamed = text.replace('"RealtimeTranscriptionSessionCreateRequest"', '"TranscriptionSessionConfig"')
    renamed = renamed.replace(
        '#/components/schemas/RealtimeTranscriptionSessionCreateRequest"',
        '#/components/schemas/TranscriptionSessionConfig"',
    )
    assert "TranscriptionSessionConfig" in renamed
    source = tmp_path / "renamed.json"
    source.write_text(renamed, encoding="utf-8")
    selection = yaml.safe_load(import_spec.SELECTION.read_text(encoding="utf-8"))
    selection["renames"] = {"TranscriptionSessionConfig": "RealtimeTranscriptionSessionCreateRequest"}
    selection_path = tmp_path / "selection.yaml"
    selection_path.write_text(yaml.safe_dump(selection), encoding="utf-8")
    output = tmp_path / "openapi.yaml"

    report = import_spec.run(source, output, selection_path)

    assert report.texts("renamed") == ["TranscriptionSessionConfig -> RealtimeTranscriptionSessionCreateRequest"]
    assert _body(output.read_text(encoding="utf-8")) == _body(paths.SPEC.read_text(encoding="utf-8"))


def test_an_overlay_replacing_or_removing_a_value_of_the_release_is_named_with_its_pointer() -> None:
    document: dict[str, Any] = {"components": {"schemas": {"A": {"type": "object", "properties": {"x": {}}}}}}
    overlay = {
        "overlay": "1.0.0",
        "info": {"title": "t", "version": "1"},
        "actions": [
            {"target": "$.components.schemas.A", "update": {"type": "string", "format": "password"}},
            {"target": "$.components.schemas.A.properties.x", "remove": True},
            {"target": "$.components.schemas.A", "update": {"type": "string"}},
        ],
    }
    replaced, removed, unchanged = overlays_lib.apply_overlay(document, overlay, "o.yaml")
    # A new key (format) overrides nothing; the same value written again neither.
    assert replaced.overridden == ("/components/schemas/A/type",)
    assert removed.overridden == ("/components/schemas/A/properties/x",)
    assert unchanged.overridden == () and unchanged.pointers == ("/components/schemas/A",)
