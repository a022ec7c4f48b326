"""Stage 2 of the pipeline and the provenance manifest it ends with."""

import hashlib
import importlib.metadata
import json
import re
import runpy
import shutil
from pathlib import Path
from typing import Any

import openai_realtime_client.models as models
import pytest
import yaml
from openai_realtime_client.models.known_voice import KNOWN_VOICE_VALUES

from tests.support.trees import copy_of_generated
from tools import openapi_document, paths
from tools.codegen.check_generated import main as check_generated_main
from tools.codegen.generate import GENERATED_HEADER, MANIFEST_NAME, GenerationError, render, stage_two_outputs

MANIFEST_ENTRY = f"{paths.PACKAGE_NAME}/{MANIFEST_NAME}"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(root: Path) -> dict[str, Any]:
    data = json.loads((root / MANIFEST_ENTRY).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _files_below(root: Path) -> dict[str, Path]:
    """Every file below root (posix relative path -> path), found independently of tools.codegen.generate."""
    return {path.relative_to(root).as_posix(): path for path in root.rglob("*") if path.is_file()}


def _templates_with(tmp_path: Path, added: dict[str, str]) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(paths.TEMPLATES, templates)
    for name, text in added.items():
        (templates / name).parent.mkdir(parents=True, exist_ok=True)
        (templates / name).write_text(text, encoding="utf-8")
    return templates


# --- the manifest of the checked-in tree ---------------------------------------------------------


def test_the_manifest_lists_every_generated_file_but_itself_with_its_sha256() -> None:
    files = _files_below(paths.GENERATED)
    files = {name: path for name, path in files.items() if "__pycache__" not in name and name != MANIFEST_ENTRY}

    outputs = _manifest(paths.GENERATED)["outputs"]

    assert outputs == {name: _sha256(path) for name, path in files.items()}
    assert list(outputs) == sorted(outputs)
    for name in (".gitignore", "README.md", "pyproject.toml", f"{paths.PACKAGE_NAME}/py.typed"):
        assert name in outputs
    assert f"{paths.PACKAGE_NAME}/verify.py" in outputs  # stage-2 output, after ruff and headers


def test_the_manifest_records_the_tool_versions_and_the_hash_of_every_input() -> None:
    manifest = _manifest(paths.GENERATED)

    tools = {"openapi-python-client", "ruff"}
    assert manifest["generator"] == {tool: importlib.metadata.version(tool) for tool in tools}
    # The versions that made the tree are the ones requirements.txt pins.
    for tool, version in manifest["generator"].items():
        assert re.search(
            rf"^{re.escape(tool)}=={re.escape(version)}$", paths.REPO.joinpath("requirements.txt").read_text(), re.M
        )
    inputs = manifest["inputs"]
    assert inputs["openapi.yaml"] == _sha256(paths.SPEC)
    assert inputs["generator-config.yaml"] == _sha256(paths.GENERATOR_CONFIG)
    templates = _files_below(paths.TEMPLATES)
    assert inputs["templates"]["files"] == {name: _sha256(path) for name, path in templates.items()}
    assert "stage2/PACKAGE/__main__.py.jinja" in inputs["templates"]["files"]
    runtime = {name: path for name, path in _files_below(paths.RUNTIME).items() if "__pycache__" not in name}
    assert inputs["runtime"]["files"] == {name: _sha256(path) for name, path in runtime.items()}
    assert f"{paths.PACKAGE_NAME}/verify.py" in inputs["runtime"]["files"]
    # The combined digest is what `sha256sum` prints for the sorted files, hashed once more.
    listing = "".join(f"{_sha256(templates[name])}  {name}\n" for name in sorted(templates))
    assert inputs["templates"]["combined"] == hashlib.sha256(listing.encode()).hexdigest()
    assert (manifest["package"], manifest["project"], manifest["digest"], manifest["format_version"]) == (
        paths.PACKAGE_NAME, "openai-realtime-client", "sha256", 1,
    )  # fmt: skip


def test_the_manifest_is_canonical_json_without_machine_specific_text() -> None:
    text = (paths.GENERATED / MANIFEST_ENTRY).read_text(encoding="utf-8")

    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert str(paths.REPO) not in text and "/tmp" not in text
    assert not re.search(r"\d{4}-\d\d-\d\dT", text)  # no timestamps


def test_check_generated_fails_when_the_manifest_is_edited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = copy_of_generated(tmp_path / "generated")
    manifest = copy / MANIFEST_ENTRY
    # What someone who "fixes" a hash by hand, instead of regenerating, would do.
    manifest.write_text(manifest.read_text().replace('"ruff": "', '"ruff": "9'), encoding="utf-8")

    assert check_generated_main(["--tree", str(copy)]) == 1

    report = capsys.readouterr().err
    assert f"changed: generated/{MANIFEST_ENTRY}" in report
    assert '-    "ruff": "9' in report


# --- stage 2 ---------------------------------------------------------------------------------------

# Deliberately not ruff-formatted (spacing, quotes) so the test can tell ruff ran over it.
OPERATIONS_TEMPLATE = '''\
"""Operations of {{ spec.info.title | safe_for_docstring }}, from {{ output_path }}."""
OPERATIONS = {
{% for tag, collection in endpoint_collections_by_tag | dictsort %}
{% for endpoint in collection.endpoints %}
    '{{ python_identifier(endpoint.name) }}' : ( '{{ endpoint.method | upper }}',
        "{{ endpoint.path | in_double_quote_literal }}" ),
{% endfor %}
{% endfor %}
}
PACKAGE = ( '{{ package_name }}', '{{ project_name }}', "{{ package_version | in_double_quote_literal }}" )
MODELS = [
{% for model in openapi.models | sort(attribute="class_info.name") %}"{{ model.class_info.name }}", {% endfor %}]
SPEC_PATHS = [{% for path in spec.paths %}"{{ path | in_double_quote_literal }}", {% endfor %}]
'''

PAGE_TEMPLATE = """\
# {{ project_name }} operations

{% for tag, collection in endpoint_collections_by_tag | dictsort %}
{% for endpoint in collection.endpoints %}
- `{{ endpoint.method | upper }} {{ endpoint.path | in_double_quote_literal }}`
{% endfor %}
{% endfor %}
"""


def test_a_template_added_under_stage2_is_rendered_formatted_and_recorded(tmp_path: Path) -> None:
    templates = _templates_with(
        tmp_path,
        {"stage2/PACKAGE/operations.py.jinja": OPERATIONS_TEMPLATE, "stage2/docs/operations.md.jinja": PAGE_TEMPLATE},
    )
    out = tmp_path / "out"

    render(out, templates=templates)

    module = out / paths.PACKAGE_NAME / "operations.py"
    text = module.read_text(encoding="utf-8")
    assert text.startswith(GENERATED_HEADER)
    assert '"create_realtime_session": ("POST", "/realtime/sessions"),' in text  # ruff formatted it
    namespace = runpy.run_path(str(module))
    assert namespace["__doc__"] == (
        f"Operations of {openapi_document.load(paths.SPEC)['info']['title']}, from {paths.PACKAGE_NAME}/operations.py."
    )
    document = openapi_document.load(paths.SPEC)
    expected = {
        operation["operationId"].replace("-", "_"): (method.upper(), path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert "create_realtime_session" in expected
    assert namespace["OPERATIONS"] == expected
    config = yaml.safe_load(paths.GENERATOR_CONFIG.read_text())
    assert namespace["PACKAGE"] == (
        paths.PACKAGE_NAME,
        config["project_name_override"],
        config["package_version_override"],
    )
    assert "RealtimeSessionCreateRequest" in namespace["MODELS"]
    assert set(namespace["MODELS"]) <= set(models.__all__)
    assert namespace["SPEC_PATHS"] == list(document["paths"])
    page = (out / "docs" / "operations.md").read_text(encoding="utf-8")
    listed = "".join(f"- `{method} {path}`\n" for method, path in sorted(expected.values(), key=lambda mp: mp[1]))
    assert page == "# openai-realtime-client operations\n\n" + listed  # no header, no ruff
    manifest = _manifest(out)
    assert manifest["outputs"][f"{paths.PACKAGE_NAME}/operations.py"] == _sha256(module)
    assert manifest["outputs"]["docs/operations.md"] == _sha256(out / "docs" / "operations.md")
    assert "stage2/docs/operations.md.jinja" in manifest["inputs"]["templates"]["files"]
    assert manifest["inputs"]["templates"]["combined"] != _manifest(paths.GENERATED)["inputs"]["templates"]["combined"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('TITLE = "{{ openapi.title }}"\n', "UntrustedString"),  # as stage 1 sees it
        ('TITLE = "{{ spec.info.title }}"\n', "UntrustedString"),  # the document: its strings are wrapped too
        ('PATHS = ["{{ spec.paths | first }}"]\n', "UntrustedString"),  # keys included
    ],
)
def test_a_stage2_template_that_outputs_raw_spec_text_is_refused(tmp_path: Path, text: str, kind: str) -> None:
    templates = _templates_with(tmp_path, {"stage2/PACKAGE/leak.py.jinja": text})

    with pytest.raises(GenerationError, match=f"raw {kind}"):
        render(tmp_path / "out", templates=templates)

    assert not (tmp_path / "out" / paths.PACKAGE_NAME / MANIFEST_NAME).exists()


@pytest.mark.parametrize(
    ("added", "error"),
    [
        (["PACKAGE/client.py.jinja"], rf"{paths.PACKAGE_NAME}/client\.py is already written by openapi-python-client"),
        ([f"PACKAGE/{MANIFEST_NAME}.jinja"], "is the provenance manifest, which the pipeline writes"),
        (["PACKAGE/x.py.jinja", f"{paths.PACKAGE_NAME}/x.py.jinja"], rf"both write {paths.PACKAGE_NAME}/x\.py"),
    ],
)
def test_a_stage2_template_may_not_replace_another_file(tmp_path: Path, added: list[str], error: str) -> None:
    templates = _templates_with(tmp_path, {f"stage2/{name}": "X = 1\n" for name in added})

    with pytest.raises(GenerationError, match=error):
        render(tmp_path / "out", templates=templates)


def test_stage2_maps_template_paths_to_output_paths(tmp_path: Path) -> None:
    stage2 = tmp_path / "stage2"
    for name in ("PACKAGE/verify.py.jinja", "PACKAGE/cli/PACKAGE.md.jinja", "docs/PACKAGE_notes.md.jinja", "x.jinja"):
        (stage2 / name).parent.mkdir(parents=True, exist_ok=True)
        (stage2 / name).write_text("")

    assert stage_two_outputs(tmp_path, "pkg") == [
        ("stage2/PACKAGE/cli/PACKAGE.md.jinja", "pkg/cli/PACKAGE.md"),  # directories only
        ("stage2/PACKAGE/verify.py.jinja", "pkg/verify.py"),
        ("stage2/docs/PACKAGE_notes.md.jinja", "docs/PACKAGE_notes.md"),  # whole names only
        ("stage2/x.jinja", "x"),
    ]
    assert stage_two_outputs(tmp_path / "nowhere", "pkg") == []


def test_a_file_under_stage2_that_is_not_a_template_fails_generation(tmp_path: Path) -> None:
    (tmp_path / "stage2" / "PACKAGE").mkdir(parents=True)
    (tmp_path / "stage2" / "PACKAGE" / "notes.txt").write_text("")

    with pytest.raises(GenerationError, match=r"stage2/PACKAGE/notes\.txt: not a template"):
        stage_two_outputs(tmp_path, "pkg")


def test_api_model_and_enum_files_in_stage2_render_once_per_item(tmp_path: Path) -> None:
    templates = _templates_with(
        tmp_path,
        {
            "stage2/notes/API.txt.jinja": "{{ endpoint_collection.tag }} {{ output_path }}\n",
            "stage2/notes/MODEL.txt.jinja": "{{ model.class_info.module_name }}\n",
            "stage2/notes/ENUM.txt.jinja": "{{ enum.values | length }}\n",
            "stage2/notes/MODELS.txt.jinja": "not a placeholder: the whole name up to the first dot counts\n",
        },
    )
    out = tmp_path / "out"

    render(out, templates=templates)

    notes = {path.name: path.read_text(encoding="utf-8") for path in (out / "notes").iterdir()}
    assert notes.pop("RealtimeApi.txt") == "realtime notes/RealtimeApi.txt\n"
    assert notes.pop("MODELS.txt").startswith("not a placeholder")
    assert notes.pop("RealtimeSessionCreateRequest.txt") == "realtime_session_create_request\n"
    assert notes.pop("KnownVoice.txt") == f"{len(KNOWN_VOICE_VALUES)}\n"
    assert {name.removesuffix(".txt") for name in notes} | {"RealtimeSessionCreateRequest", "KnownVoice"} == set(
        models.__all__
    )
    manifest = _manifest(out)
    assert manifest["outputs"]["notes/RealtimeApi.txt"] == _sha256(out / "notes" / "RealtimeApi.txt")
    assert all(f"notes/{name}" in manifest["outputs"] for name in notes)


def test_a_stage2_file_may_not_collide_with_a_fanned_out_one(tmp_path: Path) -> None:
    templates = _templates_with(
        tmp_path, {"stage2/x/MODEL.md.jinja": "a\n", "stage2/x/RealtimeSessionCreateRequest.md.jinja": "b\n"}
    )

    with pytest.raises(GenerationError, match=r"both write x/RealtimeSessionCreateRequest\.md"):
        render(tmp_path / "out", templates=templates)
