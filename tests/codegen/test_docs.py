"""The generated documentation: generated/docs/ and generated/README.md.

Every ```python block in them is a complete program and runs against the spec-driven mock; every
```py block (signatures, fragments) is at least valid Python, and the signatures are the methods'.
The tables are checked against the code they document (annotations, enum values, the exception
for each status) and against openapi.yaml (bounds, nullability, known values, consts), every link
resolves, and text from the description cannot break a page.
"""

import ast
import json
import os
import re
import subprocess
import sys
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import attrs
import openai_realtime_client.models as models
import pytest
import yaml
from openai_realtime_client.api.realtime import RealtimeApi
from openai_realtime_client.client import should_retry
from openai_realtime_client.errors import status_error_class

from tests.support.payloads import TEST_API_KEY
from tools import openapi_document, paths
from tools.codegen.generate import GENERATED_HEADER, render
from tools.servers.mock_server import MockServer

DOCS = paths.GENERATED / "docs"
README = paths.GENERATED / "README.md"
API_PAGE = DOCS / "RealtimeApi.md"
MODEL_PAGES = DOCS / "models"


def _pages(root: Path = paths.GENERATED) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    language: str
    code: str
    section: str  # the nearest "## " heading above it ("" before the first)

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(paths.GENERATED).as_posix()}:{self.line}"


def _blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a page. Fails on a fence left open, which would swallow the page."""
    blocks: list[Block] = []
    section = ""
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            section = line[3:].strip()
        if line.startswith("```"):
            language, start = line[3:].strip(), index
            index += 1
            while index < len(lines) and lines[index] != "```":
                index += 1
            assert index < len(lines), f"{page}:{start + 1}: a fence that never closes"
            blocks.append(Block(page, start + 1, language, "\n".join(lines[start + 1 : index]) + "\n", section))
        index += 1
    return blocks


ALL_BLOCKS = [block for page in _pages() for block in _blocks(page)]
PYTHON_EXAMPLES = [block for block in ALL_BLOCKS if block.language == "python"]
PY_FRAGMENTS = [block for block in ALL_BLOCKS if block.language == "py"]


def _split_row(line: str) -> list[str]:
    """The cells of a GFM table row: split on pipes that are not escaped with a backslash."""
    assert line.startswith("|") and line.endswith("|"), line
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line[1:-1])]


def _table(page: Path, header: str, after: str | None = None) -> list[list[str]]:
    """The rows of the first table whose header row starts with ``header`` (below the heading
    ``after`` when given), as cells."""
    lines = page.read_text(encoding="utf-8").splitlines()
    start = lines.index(after) if after is not None else 0
    for index in range(start, len(lines)):
        if lines[index].startswith(header):
            rows = []
            for line in lines[index + 2 :]:
                if not line.startswith("|"):
                    break
                rows.append(_split_row(line))
            return rows
    raise AssertionError(f"{page.name}: no table {header!r}")


def _code(cell: str) -> str:
    """The text of a cell that is one code span (escaped pipes unescaped), or of its first one."""
    match = re.match(r"(`+)(.*?)\1", cell)
    assert match, cell
    text = match.group(2).replace("\\|", "|")
    return text[1:-1] if text.startswith(" ") and text.endswith(" ") and text.strip() else text


def _property_rows(class_name: str) -> dict[str, list[str]]:
    """JSON name -> the cells of its row in the class's properties table."""
    rows = _table(MODEL_PAGES / f"{class_name}.md", "| JSON name |")
    return {_code(row[0]): row for row in rows}


def _notes(class_name: str, json_name: str) -> str:
    return _property_rows(class_name)[json_name][4]


def _documented_classes() -> list[str]:
    return sorted(models.__all__)


def _operation_paths() -> dict[str, str]:
    """Python method name -> path, from openapi.yaml."""
    document = openapi_document.load(paths.SPEC)
    return {
        operation["operationId"].replace("-", "_"): path
        for path, item in document["paths"].items()
        for operation in item.values()
    }


# --- the examples run ------------------------------------------------------------------------------


def test_there_is_an_example_per_operation_and_one_for_the_async_class() -> None:
    sections = [block.section for block in PYTHON_EXAMPLES if block.page == API_PAGE]

    assert sorted(set(_operation_paths())) == sorted(s for s in sections if s in _operation_paths())
    assert "Async use" in sections
    assert any(block.page == README for block in PYTHON_EXAMPLES)


@pytest.mark.parametrize("example", PYTHON_EXAMPLES, ids=[block.id for block in PYTHON_EXAMPLES])
def test_every_python_example_runs_against_the_mock(example: Block, mock_server: MockServer, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    env.update(
        PYTHONPATH=str(paths.GENERATED),
        OPENAI_BASE_URL=mock_server.url,
        OPENAI_API_KEY=TEST_API_KEY,
        PYTHONDONTWRITEBYTECODE="1",
    )
    script = tmp_path / "example.py"
    script.write_text(example.code, encoding="utf-8")

    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, f"{example.id} failed:\n{result.stderr}"
    assert result.stdout.strip(), f"{example.id} printed nothing"
    received = mock_server.received
    assert received, f"{example.id} sent no request"
    for request in received:
        assert request.problems == (), f"{example.id}: the mock refused the request: {request.problems}"
        assert request.header("Authorization") == f"Bearer {TEST_API_KEY}"
    assert not mock_server.response_problems
    expected_path = _operation_paths().get(example.section)
    if expected_path is not None:  # the example of one operation calls that operation
        # A path parameter is filled in with the description's example: any one segment.
        pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(f"/v1{expected_path}"))
        assert len(received) == 1 and re.fullmatch(pattern, received[0].path), (received[0].path, expected_path)


def test_every_py_fragment_is_valid_python() -> None:
    assert PY_FRAGMENTS
    for block in PY_FRAGMENTS:
        ast.parse(block.code, filename=block.id)


def test_the_documented_signatures_are_the_methods() -> None:
    source = Path(sys.modules[RealtimeApi.__module__].__file__ or "").read_text(encoding="utf-8")
    api_class = next(
        node for node in ast.parse(source).body if isinstance(node, ast.ClassDef) and node.name == "RealtimeApi"
    )
    methods = {node.name: node for node in api_class.body if isinstance(node, ast.FunctionDef)}
    signatures = [block for block in PY_FRAGMENTS if block.page == API_PAGE and block.code.startswith("def ")]

    assert sorted(block.section for block in signatures) == sorted(_operation_paths())
    for block in signatures:
        documented = ast.parse(block.code).body[0]
        assert isinstance(documented, ast.FunctionDef)
        actual = methods[documented.name]
        assert ast.dump(documented.args) == ast.dump(actual.args), documented.name
        assert documented.returns is not None and actual.returns is not None
        assert ast.dump(documented.returns) == ast.dump(actual.returns), documented.name


# --- pages, links --------------------------------------------------------------------------------------


def test_every_model_and_enum_has_exactly_one_page() -> None:
    # And the union webhooks.unwrap returns, which lives in webhooks rather than models.
    assert sorted(page.stem for page in MODEL_PAGES.glob("*.md")) == sorted([*_documented_classes(), "WebhookEvent"])
    assert [page.name for page in DOCS.glob("*.md")] == ["RealtimeApi.md"]


def test_the_readme_links_every_docs_page() -> None:
    targets = {
        (README.parent / target).resolve()
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README.read_text(encoding="utf-8"))
    }

    assert set(_pages()[1:]) <= targets


def _anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the headings of a page."""
    anchors = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#{1,6} (.*)", line)
        if heading:
            text = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower())
            anchors.add(text.replace(" ", "-"))
    return anchors


def test_every_link_in_the_readme_and_the_pages_resolves() -> None:
    checked = 0
    for page in _pages():
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # a URL (none today): not a file of ours
                continue
            file_part, _, anchor = target.partition("#")
            resolved = (page.parent / file_part).resolve() if file_part else page
            assert resolved.is_file(), f"{page.relative_to(paths.GENERATED)}: {target} does not exist"
            assert resolved.is_relative_to(paths.GENERATED), f"{page.name}: {target} leaves generated/"
            if anchor:
                assert anchor in _anchors(resolved), f"{page.relative_to(paths.GENERATED)}: no #{anchor} in {target}"
            checked += 1
    assert checked > 500  # every page links its classes, and the README every page


def test_pages_are_markdown_without_the_python_header() -> None:
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        assert not text.startswith(GENERATED_HEADER[:20]), page
        assert text.startswith("# "), page
        assert text.endswith("\n") and not text.endswith("\n\n"), page


# --- the tables agree with the code -------------------------------------------------------------------


def test_each_model_page_lists_every_field_with_its_annotation() -> None:
    checked = 0
    for name in _documented_classes():
        cls = getattr(models, name)
        if not attrs.has(cls):
            continue
        fields = {field.name for field in attrs.fields(cls)} - {"additional_properties"}
        rows = list(_property_rows(name).values()) if fields else []
        assert {_code(row[1]) for row in rows} == fields, name
        for row in rows:
            # The source's annotation; __annotations__ holds it re-spelled (quotes), so compare the trees.
            documented, actual = _code(row[2]), cls.__annotations__[_code(row[1])]
            assert ast.dump(ast.parse(documented, mode="eval")) == ast.dump(ast.parse(actual, mode="eval")), name
            assert "'" not in documented  # spelled as in the source, which ruff formats
            checked += 1
        has_extra = "additional_properties" in {field.name for field in attrs.fields(cls)}
        page = (MODEL_PAGES / f"{name}.md").read_text(encoding="utf-8")
        assert ("kept in `additional_properties`" in page) == has_extra, name
    assert checked > 200


def test_each_enum_page_lists_exactly_the_aliases_values() -> None:
    checked = 0
    for name in _documented_classes():
        alias = getattr(models, name)
        if typing.get_origin(alias) is not typing.Literal:
            continue
        values = [json.loads(_code(row[0])) for row in _table(MODEL_PAGES / f"{name}.md", "| Value |")]
        assert values == sorted(typing.get_args(alias)), name
        checked += 1
    assert checked > 30


def test_the_response_tables_name_the_exception_the_client_raises() -> None:
    document = openapi_document.load(paths.SPEC)
    for method, path in _operation_paths().items():
        rows = _table(API_PAGE, "| Status |", after=f"## {method}")
        documented = {row[0]: row for row in rows}
        (operation,) = document["paths"][path].values()
        assert set(documented) == {*map(str, operation["responses"]), "any other"}, method
        for code, row in documented.items():
            if code == "any other":
                assert "raises `APIStatusError`" in row[2] and "`InternalServerError` for 500 and above" in row[2]
                continue
            status = int(code)
            if 200 <= status <= 299:
                assert row[2].startswith("returns `"), row
            else:
                assert row[2] == f"raises `{status_error_class(status).__name__}`", row
                assert row[3] == ("yes" if should_retry(status, {}) else "no"), row


def test_the_parameters_tables_name_every_parameter() -> None:
    for method in _operation_paths():
        rows = _table(API_PAGE, "| Name |", after=f"## {method}")
        parameters = list(typing.get_type_hints(getattr(RealtimeApi, method)))
        assert [_code(row[0]) for row in rows] == [name for name in parameters if name != "return"], method


# --- the notes come from openapi.yaml ----------------------------------------------------------------------


def test_bounds_defaults_and_consts_of_known_fields() -> None:
    temperature = _notes("RealtimeSessionCreateRequest", "temperature")
    assert "minimum `0.6`" in temperature and "maximum `1.2`" in temperature
    assert "server default `0.8`" in temperature
    tokens = _notes("RealtimeSessionCreateRequest", "max_response_output_tokens")
    assert "integer: minimum `1`" in tokens and "integer: maximum `4096`" in tokens
    seconds = _notes("RealtimeCreateClientSecretRequestExpiresAfter", "seconds")
    assert "minimum `10`" in seconds and "maximum `7200`" in seconds and "server default `600`" in seconds
    assert 'const `"created_at"`' in _notes("RealtimeCreateClientSecretRequestExpiresAfter", "anchor")
    session_type = _notes("RealtimeSessionCreateRequestGA", "type")
    assert (
        session_type.startswith("**required**") and 'const `"realtime"`, filled in by the constructor' in session_type
    )
    idle = _notes("RealtimeTurnDetectionServerVad", "idle_timeout_ms")
    assert "nullable" in idle and "minimum `5000`" in idle and "maximum `30000`" in idle
    assert "min items `1`" in _notes("AudioTranscription", "languages")
    assert "pattern `^tunnel_[a-z0-9]{32}$`" in _notes("MCPTool", "tunnel_id")
    assert "secret: masked in `repr()`" in _notes("RealtimeSessionCreateResponseClientSecret", "value")


def test_nullable_and_required_follow_the_description() -> None:
    response = _property_rows("RealtimeSessionCreateResponse")
    for name in ("turn_detection", "input_audio_transcription", "input_audio_noise_reduction", "tracing"):
        assert "nullable" in response[name][4], name
    for name in ("id", "model", "voice", "speed"):
        assert "nullable" not in response[name][4], name
    assert response["client_secret"][4].startswith("**required**")
    assert response["id"][4].startswith("optional")
    assert "nullable" in _notes("RealtimeSessionCreateRequestGA", "prompt")  # through a $ref to a nullable schema


def test_open_enums_list_their_known_values_and_link_the_alias() -> None:
    from openai_realtime_client.models.known_voice import KNOWN_VOICE_VALUES

    for class_name in ("RealtimeSessionCreateRequest", "RealtimeSessionCreateResponse"):
        voice = _property_rows(class_name)["voice"]
        assert "[KnownVoice](KnownVoice.md)" in voice[2]
        assert voice[4].count("open enum: any string; known values") == 1
        assert set(re.findall(r'`"([^"`]+)"`', voice[4])) == KNOWN_VOICE_VALUES
    # Through VoiceIdsOrCustomVoice: the known voices, or a CustomVoice object.
    ga_voice = _property_rows("RealtimeSessionCreateRequestGAAudioOutput")["voice"]
    assert set(re.findall(r'`"([^"`]+)"`', ga_voice[4])) == KNOWN_VOICE_VALUES | {"alloy"}  # the default, too
    assert "[CustomVoice](CustomVoice.md)" in ga_voice[2]
    # A closed enum lists its values without "any string".
    audio_format = _notes("RealtimeSessionCreateRequest", "input_audio_format")
    assert 'one of `"pcm16"`, `"g711_ulaw"`, `"g711_alaw"`' in audio_format and "any string" not in audio_format


def test_unions_of_classes_link_each_member_and_what_tells_them_apart() -> None:
    session = _notes("RealtimeCreateClientSecretRequest", "session")
    assert '[RealtimeSessionCreateRequestGA](RealtimeSessionCreateRequestGA.md) (`type` = `"realtime"`)' in session
    assert (
        "[RealtimeTranscriptionSessionCreateRequestGA](RealtimeTranscriptionSessionCreateRequestGA.md)"
        ' (`type` = `"transcription"`)'
    ) in session
    audio_format = _property_rows("RealtimeSessionCreateRequestGAAudioInput")["format"]
    for member, value in (("Pcm", "audio/pcm"), ("Pcmu", "audio/pcmu"), ("Pcma", "audio/pcma")):
        assert (
            f'[RealtimeAudioFormatsAudio{member}](RealtimeAudioFormatsAudio{member}.md) (`type` = `"{value}"`)'
            in (audio_format[4])
        )


def test_every_numeric_bound_of_a_component_is_on_its_page() -> None:
    """Every minimum/maximum of a component's own property shows on the page of the class named after it."""
    document = openapi_document.load(paths.SPEC)
    checked = 0
    for name, schema in document["components"]["schemas"].items():
        if not (MODEL_PAGES / f"{name}.md").is_file():
            continue
        rows = _property_rows(name) if schema.get("properties") else {}
        for field_name, field_schema in schema.get("properties", {}).items():
            for keyword in ("minimum", "maximum"):
                if keyword in field_schema:
                    shown = re.search(rf"(?<!exclusive ){keyword} `([^`]+)`", rows[field_name][4])
                    assert shown, f"{name}.{field_name}: no {keyword}"
                    assert float(shown.group(1)) == field_schema[keyword], f"{name}.{field_name}.{keyword}"
                    checked += 1
    assert checked >= 6


# --- text from the description cannot break a page ------------------------------------------------------

HOSTILE = "Sampling | temperature\n\n# not a heading <script>alert(1)</script> `a|b` ```"
HOSTILE_INSTRUCTIONS = 'Say "hi".\n```\nimport os\n\u2028done \\ end'


def test_spec_text_is_escaped_for_markdown_and_python(tmp_path: Path) -> None:
    document = yaml.safe_load(paths.SPEC.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    schemas["RealtimeSessionCreateRequest"]["properties"]["temperature"]["description"] = HOSTILE
    schemas["RealtimeSessionCreateRequest"]["description"] = "# Heading? <b>no</b>\n```\nfence"
    operation = document["paths"]["/realtime/sessions"]["post"]
    operation["summary"] = "1. not | a list"
    example = operation["requestBody"]["content"]["application/json"]["example"]
    example["instructions"] = HOSTILE_INSTRUCTIONS
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"

    render(out, spec=spec)

    for page in _pages(out):
        text = page.read_text(encoding="utf-8")
        assert "<script>" not in text and "<b>" not in text, page
        _blocks(page)  # every fence closes
    model_page = out / "docs" / "models" / "RealtimeSessionCreateRequest.md"
    lines = model_page.read_text(encoding="utf-8").splitlines()
    row = next(line for line in lines if line.startswith("| `temperature` |"))
    cells = _split_row(row)
    assert len(cells) == 5
    assert cells[3] == ("Sampling &#124; temperature # not a heading &lt;script&gt;alert(1)&lt;/script&gt; `a\\|b` ```")
    assert "\\# Heading? &lt;b&gt;no&lt;/b&gt; ``` fence" in lines  # a paragraph, not a heading or a fence
    api_page = out / "docs" / "RealtimeApi.md"
    assert "**1\\. not | a list**" in api_page.read_text(encoding="utf-8")
    (example_block,) = [
        b for b in _blocks(api_page) if b.language == "python" and b.section == "create_realtime_session"
    ]
    call = next(
        node
        for node in ast.walk(ast.parse(example_block.code))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "from_dict"
    )
    assert ast.literal_eval(call.args[0]) == example  # the literal is the example, byte for byte


def test_a_python_literal_round_trips_awkward_values() -> None:
    from tools.codegen.docs import python_literal

    value: Any = {
        "quote": 'a "b" \\ c',
        "lines": "x\ny\r\u2028\u2029z\u0000",
        "unicode": "h\u00e9llo \U0001f600 \ufeff \U000f0000",
        "numbers": [0, -1, 0.5, 1e100, True, False, None],
        "nested": {"": [], "k": {}},
    }

    text = python_literal(value, width=40)

    assert ast.literal_eval(text) == value
    assert all(not line.lstrip().startswith("```") for line in text.splitlines())
    assert "\u2028" not in text and "\ufeff" not in text


def test_without_request_examples_the_examples_fall_back_and_still_run(tmp_path: Path) -> None:
    document = yaml.safe_load(paths.SPEC.read_text(encoding="utf-8"))
    for item in document["paths"].values():
        for operation in item.values():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                media.pop("example", None)
    # Without an operation example the schema's own example comes next; require a field so that
    # the last fallback, a body built from the required fields, has something to build.
    document["components"]["schemas"]["RealtimeCreateClientSecretRequest"]["required"] = ["expires_after"]
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    render(out, spec=spec)
    page = out / "docs" / "RealtimeApi.md"
    text = page.read_text(encoding="utf-8")

    assert "The body is the example of the request schema in the API description." in text  # sessions
    # Every body without a schema example of its own: transcription sessions, client secrets, calls,
    # accept, refer, reject and translation client secrets.
    assert text.count("The body is the required fields of the request schema") == 7
    examples = [block for block in _blocks(page) if block.language == "python"]
    (secrets,) = [block for block in examples if block.section == "create_realtime_client_secret"]
    assert 'RealtimeCreateClientSecretRequest.from_dict({"expires_after": {}})' in secrets.code
    with MockServer(spec) as server:
        for example in examples:
            env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
            env.update(PYTHONPATH=str(out), OPENAI_BASE_URL=server.url, OPENAI_API_KEY=TEST_API_KEY)
            result = subprocess.run(
                [sys.executable, "-c", example.code], env=env, capture_output=True, text=True, timeout=60, check=False
            )
            assert result.returncode == 0, result.stderr
        # One example per operation and the async one.
        assert len(server.received) == len(examples) == len(_operation_paths()) + 1
        assert all(request.problems == () for request in server.received)
        assert not server.response_problems
