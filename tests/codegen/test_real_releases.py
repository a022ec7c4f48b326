"""The vendor's real releases (tests/fixtures/releases): each imports, regenerates, passes mypy --strict
and a contract smoke test against the mock of its own description; consecutive releases get spec-diff
verdicts that the README's table states; a mutated field of a kept operation always surfaces; and
every kind of unusable input ends import-spec with exit 2 and one line."""

import copy
import gzip
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import paths
from tools.codegen import generate
from tools.spec_diff import spec_diff
from tools.spec_import import import_spec

RELEASES = sorted((paths.REPO / "tests" / "fixtures" / "releases").glob("*.gz"))
NEWEST = RELEASES[-1]
TABLE_START, TABLE_END = "<!-- real-releases table: start -->", "<!-- real-releases table: end -->"


def _import(source: dict[str, Any]) -> tuple[dict[str, Any], import_spec.Report]:
    report = import_spec.Report()
    document = import_spec.import_document(
        source,
        import_spec.load_selection(import_spec.SELECTION),
        import_spec.load_overlays(import_spec.OVERLAYS),
        report,
    )
    return document, report


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, import_spec.Report]]:
    out = tmp_path_factory.mktemp("real")
    return {release.name: (out / f"{release.name}.yaml", import_spec.run(release, out / f"{release.name}.yaml"))
            for release in RELEASES}  # fmt: skip


def test_the_three_real_releases_are_there() -> None:
    assert [r.name for r in RELEASES] == [
        "2024-12-18_3b49d5d.yaml.gz", "2025-03-22_1ff8b64.yaml.gz", "2026-08-21_f85dbe2.json.gz",
    ]  # fmt: skip


def test_every_real_release_imports_and_the_swap_fix_applies_only_where_the_swap_is(
    imported: dict[str, tuple[Path, import_spec.Report]],
) -> None:
    for name, (_, report) in imported.items():
        swapped = name == NEWEST.name
        (fix,) = report.texts("fix")
        assert fix.startswith("10-realtime-sessions-shapes.yaml: " + ("applied" if swapped else "not applied")), fix
        replaced = [t for t in report.texts("overridden") if t.startswith("/components/schemas/RealtimeSession")]
        whole = {t.split(" by ")[0] for t in replaced if " by 10-" in t}
        assert whole == ({"/components/schemas/RealtimeSessionCreateRequest",
                          "/components/schemas/RealtimeSessionCreateResponse"} if swapped else set()), name  # fmt: skip


def test_the_header_names_only_the_overlays_that_applied(imported: dict[str, tuple[Path, import_spec.Report]]) -> None:
    for name, (spec, _) in imported.items():
        header = spec.read_text(encoding="utf-8").splitlines()[1]
        assert header.startswith("# Overlays applied in order: 00-project.yaml, "), header
        assert ("10-realtime-sessions-shapes.yaml" in header) is (name == NEWEST.name), name


def test_an_overlay_naming_an_unknown_detector_is_refused_in_one_line(tmp_path: Path) -> None:
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    (overlays / "70-when.yaml").write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nx-apply-when: tuesdays\n"
        "actions: [{target: $.info, update: {title: x}}]\n"
    )
    code, err = _run(tmp_path, NEWEST.name, NEWEST.read_bytes(), "--overlays", str(overlays))
    assert code == 2
    assert err == (
        "import-spec: 70-when.yaml: /x-apply-when: no detector called 'tuesdays'; "
        "name one of swapped-session-schemas, or drop the key\n"
    )


def test_the_newest_real_release_imports_to_the_checked_in_openapi_yaml_byte_for_byte(tmp_path: Path) -> None:
    for source in (NEWEST, tmp_path / NEWEST.name.removesuffix(".gz")):
        if not source.exists():
            source.write_bytes(gzip.decompress(NEWEST.read_bytes()))
        output = tmp_path / "openapi.yaml"
        import_spec.run(source, output)
        assert output.read_bytes() == paths.SPEC.read_bytes(), source.name


def test_make_import_spec_of_the_newest_release_exits_0(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.spec_import", str(NEWEST), "--output", str(tmp_path / "o.yaml")],
        cwd=paths.REPO, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "fix      10-realtime-sessions-shapes.yaml: applied, swapped-session-schemas detected" in result.stdout


def test_every_real_release_regenerates_type_checks_and_passes_the_contract_smoke_test(
    imported: dict[str, tuple[Path, import_spec.Report]], tmp_path: Path
) -> None:
    cache = tmp_path / "mypy-cache"
    for name, (spec, report) in imported.items():
        out = tmp_path / name
        generate.render(out, spec=spec)
        mypy = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), "openai_realtime_client"],
            cwd=out, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert mypy.returncode == 0, f"{name}: {mypy.stdout}{mypy.stderr}"
        smoke = subprocess.run(
            [sys.executable, "-m", "tests.support.release_smoke", str(out), str(spec)],
            cwd=paths.REPO, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        assert smoke.returncode == 0, f"{name}: {smoke.stderr}"
        answered = json.loads(smoke.stdout)
        assert len(answered) == len(report.texts("kept")), name
        assert answered["create-realtime-session"] == "RealtimeSessionCreateResponse", name


# ------------------------------------------------------------------------------- the README's table


def _breaking_summary(changes: list[spec_diff.Change]) -> str:
    kinds = Counter(c.kind for c in changes if c.breaking)
    if not kinds:
        return "none"
    return f"{sum(kinds.values())}: " + ", ".join(f"{k} x{n}" if n > 1 else k for k, n in sorted(kinds.items()))


def _table_rows(imported: dict[str, tuple[Path, import_spec.Report]]) -> list[str]:
    rows, previous = [], None
    for name, (spec, report) in imported.items():
        document = spec_diff.load_document(spec)
        breaking = "(first)" if previous is None else _breaking_summary(spec_diff.diff_documents(previous, document))
        kept = "<br>".join(f"`{op}`" for op in report.texts("kept"))
        defects = "<br>".join(import_spec.defects_corrected(report))
        rows.append(f"| `{name}` | {kept} | {defects} | {breaking} |")
        previous = document
    return rows


def test_the_readme_table_of_the_real_releases_says_what_the_tools_say(
    imported: dict[str, tuple[Path, import_spec.Report]],
) -> None:
    readme = (paths.REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split(TABLE_START)[1].split(TABLE_END)[0].strip().splitlines()
    expected = _table_rows(imported)
    assert table[2:] == expected, "\n" + "\n".join(expected)


# ---------------------------------------------------------------------------------- no silent loss


def _mutations(schema: dict[str, Any]) -> dict[str, tuple[dict[str, Any], str]]:
    """Three mutated copies of a component schema, each with the property it touched."""
    properties = schema["properties"]
    scalars = [k for k, v in properties.items() if v.get("type") in ("string", "number", "integer", "boolean")]
    field = (scalars or list(properties))[0]
    retyped = copy.deepcopy(schema)
    retyped["properties"][field] = {"type": "boolean" if properties[field].get("type") != "boolean" else "string"}
    removed = copy.deepcopy(schema)
    del removed["properties"][field]
    required = copy.deepcopy(schema)
    required["properties"]["mutation_probe"] = {"type": "string"}
    required["required"] = [*schema.get("required", []), "mutation_probe"]
    return {"type-changed": (retyped, field), "removed": (removed, field), "new-required": (required, "mutation_probe")}


def _body_schema_names(source: dict[str, Any], path: str) -> list[str]:
    operation = source["paths"][path]["post"]
    # Every component the body (any media type) or a 2xx answer refers to directly; call control has none.
    media = [*operation.get("requestBody", {}).get("content", {}).values()]
    answers = [answer for code, answer in operation["responses"].items() if code.startswith("2")]
    media += [m for answer in answers for m in answer.get("content", {}).values()]
    refs = [m["schema"]["$ref"] for m in media if "$ref" in m.get("schema", {})]
    return [ref.rsplit("/", 1)[1] for ref in refs]


@pytest.mark.parametrize("release", RELEASES, ids=lambda r: r.name.split("_")[0])
def test_a_mutated_field_of_every_kept_operation_surfaces(release: Path) -> None:
    source, _ = import_spec.load_source(release)
    baseline, base_report = _import(source)
    checked = 0
    for kept in base_report.texts("kept"):
        for name in _body_schema_names(source, kept.split()[1]):
            for kind, (mutated_schema, field) in _mutations(source["components"]["schemas"][name]).items():
                mutated = dict(source, components=dict(source["components"]))
                mutated["components"]["schemas"] = dict(source["components"]["schemas"], **{name: mutated_schema})
                document, report = _import(mutated)
                changes = spec_diff.diff_documents(baseline, document)
                at = f"/components/schemas/{name}/properties/{field}"
                named = [t for t in report.texts("overridden") if at.startswith(t.split(" by ")[0])]
                assert changes or named, f"{release.name} {kept} {name}.{field} {kind}: vanished"
                checked += 1
    # Three mutations of each component a kept operation's body or answer refers to directly.
    expected = sum(len(_body_schema_names(source, kept.split()[1])) for kept in base_report.texts("kept"))
    assert checked == 3 * expected and expected >= len(base_report.texts("kept"))


# --------------------------------------------------------------------------------- one-line failures


def _newest_json() -> str:
    return gzip.decompress(NEWEST.read_bytes()).decode("utf-8")


def _newest_with(change: Any) -> str:
    document = json.loads(_newest_json())
    change(document)
    return json.dumps(document)


def _run(tmp_path: Path, name: str, content: str | bytes, *extra: str) -> tuple[int, str]:
    source = tmp_path / name
    source.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = subprocess.run(
        [sys.executable, "-m", "tools.spec_import", str(source), "--output", str(tmp_path / "out.yaml"), *extra],
        cwd=paths.REPO, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    return result.returncode, result.stderr


def _schemas(document: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


FAILURES: dict[str, tuple[str, Any, str]] = {
    # class: (file name, content or a function of tmp_path giving it, what the one line must say)
    "truncated JSON": ("cut.json", lambda: _newest_json()[:800_000], r"cut\.json: /\S+: not valid JSON"),
    "truncated gzip": ("cut.json.gz", lambda: NEWEST.read_bytes()[:40_000], r"cut\.json\.gz: /: a broken gzip file"),
    "truncated YAML": (
        "cut.yaml",
        lambda: gzip.decompress(RELEASES[1].read_bytes()).decode()[:300_000] + ' "open',
        r"cut\.yaml: /\S+: not valid YAML",
    ),
    "$ref to nothing in a kept schema": (
        "noref.json",
        lambda: _newest_with(lambda d: _schemas(d).pop("RealtimeTruncation")),
        r"noref\.json: /components/schemas/RealtimeSession\w+/properties/truncation/\$ref: "
        r"#/components/schemas/RealtimeTruncation points at nothing",
    ),
    "request schema of a kept operation missing": (
        "norequest.json",
        lambda: _newest_with(lambda d: _schemas(d).pop("RealtimeCreateClientSecretRequest")),
        r"norequest\.json: /paths/~1realtime~1client_secrets/post/requestBody/content/application~1json/schema/\$ref: "
        r"#/components/schemas/RealtimeCreateClientSecretRequest points at nothing",
    ),
    "JSON body without a schema": (
        "noschema.json",
        lambda: _newest_with(
            lambda d: d["paths"]["/realtime/client_secrets"]["post"]["requestBody"]["content"]["application/json"].pop(
                "schema"
            )
        ),
        r"noschema\.json: /paths/~1realtime~1client_secrets/post/requestBody/content/application~1json: "
        r"POST /realtime/client_secrets has a JSON request body without a schema",
    ),
    "duplicate keys in JSON": (
        "dup.json",
        lambda: _newest_with(lambda d: None).replace(
            '"RealtimeTruncation": {', '"RealtimeTruncation": {"x": 1, "x": 2, ', 1
        ),
        r"dup\.json: /components/schemas/RealtimeTruncation: the key 'x' appears twice",
    ),
    "duplicate keys in YAML": (
        "dup.yaml",
        lambda: (
            gzip.decompress(RELEASES[1].read_bytes())
            .decode()
            .replace("openapi: 3.0.0\n", "openapi: 3.0.0\ninfo: {}\n", 1)
        ),
        r"dup\.yaml: /: the key 'info' appears twice",
    ),
    "non-object schema": (
        "notobject.json",
        lambda: _newest_with(
            lambda d: _schemas(d)["RealtimeCreateClientSecretRequest"]["properties"].update(session=5)
        ),
        r"notobject\.json: /components/schemas/RealtimeCreateClientSecretRequest/properties/session: "
        r"a int where a schema must be",
    ),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_every_unusable_input_ends_the_import_with_exit_2_and_one_line(case: str, tmp_path: Path) -> None:
    name, content, expected = FAILURES[case]
    code, err = _run(tmp_path, name, content())
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err and len(err) < 600, err
    assert re.match(rf"import-spec: \S*{expected}.*; \S", err), err
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        ({"type": 7}, r"99-break\.yaml: /components/schemas/RealtimeCreateClientSecretRequest/type: .*; correct action 1"),  # noqa: E501
        ({"properties": {"x": {"$ref": "#/components/schemas/Nowhere"}}},
         r"99-break\.yaml: /components/schemas/RealtimeCreateClientSecretRequest/properties/x/\$ref: "
         r"#/components/schemas/Nowhere points at nothing; correct 99-break\.yaml"),
        ({"properties": "none"}, r"99-break\.yaml: /components/schemas/RealtimeCreateClientSecretRequest/properties: "
                                 r"a str where a map of schemas must be"),
    ],
)  # fmt: skip
def test_an_overlay_that_breaks_the_document_is_named_in_one_line(
    update: dict[str, Any], expected: str, tmp_path: Path
) -> None:
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    for overlay in import_spec.OVERLAYS.glob("*.yaml"):
        (overlays / overlay.name).write_bytes(overlay.read_bytes())
    (overlays / "99-break.yaml").write_text(yaml.safe_dump({
        "overlay": "1.0.0", "info": {"title": "t", "version": "1"},
        "actions": [{"target": "$.components.schemas.RealtimeCreateClientSecretRequest", "update": update}],
    }))  # fmt: skip
    code, err = _run(tmp_path, NEWEST.name, NEWEST.read_bytes(), "--overlays", str(overlays))
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err and len(err) < 600, err
    assert re.match(rf"import-spec: {expected}", err), err
