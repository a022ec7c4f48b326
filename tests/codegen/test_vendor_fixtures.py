"""The vendor-like release series in tests/fixtures/vendor is exactly what its builder writes.

The files are defective on purpose (they copy the vendor's published defects), so no OpenAPI validator
is asked to accept them; they only have to parse and have the skeleton of an OpenAPI document. The
defects the import tests depend on are checked here too, so that nobody "fixes" them by accident.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

VENDOR = Path(__file__).resolve().parents[1] / "fixtures" / "vendor"
BUILDER = VENDOR / "build_releases.py"
RELEASES = (
    "r01-2025-03.yaml",
    "r02-field-added.yaml",
    "r03-enum-value-added.yaml",
    "r04-openapi-3.1.yaml",
    "r05-json.json",
    "r06-endpoint-added.json",
    "r07-field-removed.json",
    "r08-field-required.json",
    "r09-swap.json",
)
OTHER_OPERATIONS = {
    "createSpeech",
    "createTranscription",
    "createChatCompletion",
    "listFiles",
    "createFile",
    "deleteFile",
    "downloadFile",
    "listModels",
    "retrieveModel",
    "deleteModel",
}
REALTIME_2025 = {"create-realtime-call", "create-realtime-session", "create-realtime-transcription-session"}
REALTIME_2026 = REALTIME_2025 | {
    "accept-realtime-call",
    "hangup-realtime-call",
    "refer-realtime-call",
    "reject-realtime-call",
    "create-realtime-client-secret",
    "create-realtime-translation-client-secret",
}


def _load(name: str) -> Any:
    text = (VENDOR / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else yaml.safe_load(text)


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every mapping in the document, depth first."""
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            found.append(current)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


def test_builder_reproduces_the_committed_releases_byte_for_byte(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(BUILDER), "--out", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    built = sorted(path.name for path in tmp_path.iterdir())
    committed = sorted(path.name for path in VENDOR.glob("r[0-9][0-9]-*"))
    assert built == committed == sorted(RELEASES)
    stale = [name for name in built if (tmp_path / name).read_bytes() != (VENDOR / name).read_bytes()]
    assert not stale, f"out of date, run `python {BUILDER.relative_to(VENDOR.parents[2])}`: {stale}"


@pytest.mark.parametrize("name", RELEASES)
def test_release_parses_as_its_suffix_says_and_has_an_openapi_skeleton(name: str) -> None:
    doc = _load(name)
    assert isinstance(doc, dict)
    assert isinstance(doc["openapi"], str)
    for key in ("info", "paths", "components"):
        assert isinstance(doc[key], dict), key


def test_releases_keep_info_version_and_switch_to_3_1_at_r04() -> None:
    docs = [_load(name) for name in RELEASES]
    assert {doc["info"]["version"] for doc in docs} == {"2.3.0"}
    assert [doc["openapi"] for doc in docs] == ["3.0.0"] * 3 + ["3.1.0"] * 6


def test_each_release_changes_the_content_except_r05_which_only_changes_the_format() -> None:
    docs = [_load(name) for name in RELEASES]
    for index in range(1, len(RELEASES)):
        if RELEASES[index] == "r05-json.json":
            assert docs[index] == docs[index - 1]
        else:
            assert docs[index] != docs[index - 1], RELEASES[index]


@pytest.mark.parametrize("name", RELEASES)
def test_release_has_the_expected_operation_ids(name: str) -> None:
    doc = _load(name)
    operation_ids = [operation["operationId"] for item in doc["paths"].values() for operation in item.values()]
    assert len(operation_ids) == len(set(operation_ids))
    realtime = REALTIME_2025 if name < "r06" else REALTIME_2026
    assert set(operation_ids) == OTHER_OPERATIONS | realtime


@pytest.mark.parametrize("name", RELEASES)
def test_release_keeps_the_vendor_defects_the_import_tests_rely_on(name: str) -> None:
    doc = _load(name)
    schemas = doc["components"]["schemas"]
    nodes = _walk(doc)
    stray_nullables = sum(1 for node in nodes if node.get("nullable") is True)
    null_types = sum(1 for node in nodes if node.get("type") == "null")
    if name < "r04":
        assert (stray_nullables, null_types) == (0, 0)
    else:
        assert stray_nullables >= 1 and null_types >= 1
    assert any(node.get("x-stainless-const") is True for node in nodes)
    assert any(node.get("format") == "unixtime" for node in nodes)
    assert "type" not in schemas["RealtimeTranscriptionSessionCreateRequest"]["properties"]["modalities"]
    request_json = doc["paths"]["/realtime/transcription_sessions"]["post"]["x-oaiMeta"]["examples"]["request"]["json"]
    with pytest.raises(json.JSONDecodeError):
        json.loads(request_json)
    realtime_responses = [
        status
        for path, item in doc["paths"].items()
        if path.startswith("/realtime/")
        for operation in item.values()
        for status in operation["responses"]
    ]
    assert set(realtime_responses) <= {"200", "201"}
    swapped = "model" not in schemas["RealtimeSessionCreateRequest"]["properties"]
    assert swapped == (name == "r09-swap.json")
