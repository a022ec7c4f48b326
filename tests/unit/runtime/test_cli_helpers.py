"""The command line engine's small decisions, one by one (runtime/openai_realtime_client/_cli.py):
how a schema is put in words, how an option's text is read, what is redacted and refused."""

import argparse
import io
import json
from pathlib import Path
from typing import Any

import pytest

from runtime.openai_realtime_client import _cli, errors

KEY = "sk-test-0123456789"


@pytest.mark.parametrize(
    ("description", "sentence"),
    [
        ("Sampling temperature. Higher is more random.", "sampling temperature"),
        ("A voice to use.  Second sentence.", "a voice to use"),
        ("ISO codes such as en. More.", "ISO codes such as en"),
        ("`auto` picks. Else `none`.", "`auto` picks"),
        ("The model!  `gpt` is one", "the model!"),
        ("Ends here? Yes.", "ends here?"),
        ("e.g. a thing. more text", "e.g. a thing. more text"),
        ("Multi\n  line\ttext.", "multi line text"),
        ("X", "X"),
        ("Ab.", "ab"),
        ("AB codes.", "AB codes"),
        ("One. Two. Three.", "one"),
        ("", ""),
    ],
)
def test_the_first_sentence_starts_lower_case_without_its_full_stop(description: str, sentence: str) -> None:
    assert _cli._first_sentence(description) == sentence


def test_percent_signs_survive_argparse_formatting() -> None:
    assert _cli._help_text("100% sure") == "100%% sure"
    assert _cli._plain_text("100% sure") == "100% sure"
    assert _cli._plain_text("%(prog)s at 100%") == "%%(prog)s at 100%%"


@pytest.mark.parametrize(
    ("schema", "shape"),
    [
        ({"const": "inf"}, '"inf"'),
        ({"enum": ["a", 1]}, '"a" or 1'),
        ({"type": "integer", "minimum": 1, "maximum": 4096}, "integer 1 to 4096"),
        ({"anyOf": [{"type": "integer", "minimum": 1}, {"const": "inf"}]}, 'integer at least 1 or "inf"'),
        ({"oneOf": [{"type": "string"}, {"type": "string"}, {"type": "null"}]}, "string or null"),
        ({"type": "string", "maxLength": 5}, "string at most 5 characters"),
        ({"type": "number", "exclusiveMinimum": 0}, "number above 0"),
        ({"type": "array", "items": {"type": "string"}}, "array of strings"),
        ({"type": "array", "items": {"type": ["string", "null"]}}, "array of strings or null"),
        (
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "array of strings or integers",
        ),
        (
            {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3},
            "array of integers, 1 to 3 items",
        ),
        ({"type": "array", "maxItems": 2}, "array, at most 2 items"),
        ({"type": "array"}, "array"),
        ({"type": ["object", "null"]}, "object or null"),
        ({}, "any JSON value"),
        (
            {"oneOf": [{}], "discriminator": {"propertyName": "type", "mapping": {"a": 0, "b": 1}}},
            'object with "type": "a" or "b"',
        ),
        (
            {"type": "array", "items": {"oneOf": [{}], "discriminator": {"propertyName": "k", "mapping": {"x": 0}}}},
            'array of objects with "k": "x"',
        ),
    ],
)
def test_a_schema_is_put_in_a_few_words(schema: dict[str, Any], shape: str) -> None:
    assert _cli._shape(schema) == shape


@pytest.mark.parametrize(
    ("schema", "kind", "words"),
    [
        ({"minimum": 0.6, "maximum": 1.2}, "number", "0.6 to 1.2"),
        ({"minimum": 1}, "integer", "at least 1"),
        ({"maximum": 1}, "integer", "at most 1"),
        ({"exclusiveMinimum": 0, "maximum": 2}, "number", "above 0 and at most 2"),
        ({"minimum": 0, "exclusiveMaximum": 2}, "number", "at least 0 and below 2"),
        ({"exclusiveMinimum": 0, "exclusiveMaximum": 2}, "number", "above 0 and below 2"),
        ({"exclusiveMaximum": 2}, "number", "below 2"),
        ({"minLength": 1, "maxLength": 2}, "string", "1 to 2 characters"),
        ({"minItems": 1}, "array", "at least 1 items"),
        ({"minimum": 1}, "string", ""),
        ({"minimum": 1}, "boolean", ""),
        ({}, "number", ""),
    ],
)
def test_bounds_are_put_in_words(schema: dict[str, Any], kind: str, words: str) -> None:
    assert _cli._bounds(schema, kind) == words


@pytest.mark.parametrize(
    ("schema", "scalar"),
    [
        ({"type": "string"}, "string"),
        ({"type": ["integer", "null"]}, "integer"),
        ({"type": "boolean"}, "boolean"),
        ({"type": ["string", "integer"]}, None),
        ({"type": "object"}, None),
        ({"type": "string", "const": "x"}, None),
        ({"anyOf": [{"type": "string"}]}, None),
        ({"oneOf": [{"type": "string"}]}, None),
        # A union beside a type of its own is still a union: each keyword alone makes it one.
        ({"type": "string", "anyOf": [{"maxLength": 3}, {"enum": ["long-name"]}]}, None),
        ({"type": "string", "oneOf": [{"maxLength": 3}, {"enum": ["long-name"]}]}, None),
        ({}, None),
    ],
)
def test_a_field_is_scalar_only_when_it_takes_one_scalar_type(schema: dict[str, Any], scalar: str | None) -> None:
    assert _cli._scalar_type(schema) == scalar


@pytest.mark.parametrize(
    ("schema", "union"),
    [
        ({"anyOf": [{"type": "string"}, {"type": "string", "enum": ["a", "b"]}]}, (["a", "b"], True)),
        ({"oneOf": [{"type": "string", "enum": ["a"]}, {"type": "string", "const": "b"}]}, (["a", "b"], False)),
        ({"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "string", "enum": ["b", "c"]}]},
         (["a", "b", "c"], False)),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, None),
        ({"anyOf": [{"type": "string", "anyOf": []}]}, None),
        ({"anyOf": [{"type": "string", "oneOf": []}]}, None),
        ({"anyOf": [{"type": "string"}], "discriminator": {}}, None),
        ({"anyOf": []}, None),
        ({"type": "string"}, None),
    ],
)  # fmt: skip
def test_a_union_of_strings_gives_its_known_values_and_whether_it_is_open(
    schema: dict[str, Any], union: tuple[list[Any], bool] | None
) -> None:
    assert _cli._string_union(schema) == union


@pytest.mark.parametrize(
    ("convert", "text", "value"),
    [(_cli._integer, "12", 12), (_cli._finite_number, "1.5", 1.5), (_cli._positive_seconds, "0.5", 0.5),
     (_cli._retries, "0", 0), (_cli._json_value, '{"a": [1]}', {"a": [1]})],
)  # fmt: skip
def test_option_values_are_converted(convert: Any, text: str, value: Any) -> None:
    assert convert(text) == value


@pytest.mark.parametrize(
    ("convert", "text", "message"),
    [
        (_cli._integer, "1.5", "not an integer: '1.5'"),
        (_cli._finite_number, "x", "not a number: 'x'"),
        (_cli._finite_number, "inf", "not a finite number: 'inf'"),
        (_cli._finite_number, "nan", "not a finite number: 'nan'"),
        (_cli._positive_seconds, "0", "must be more than 0 seconds, got '0'"),
        (_cli._positive_seconds, "-1", "must be more than 0 seconds, got '-1'"),
        (_cli._retries, "-1", "must be 0 or more, got '-1'"),
        (_cli._retries, "x", "not an integer: 'x'"),
        (_cli._json_value, "NaN", "not valid JSON: NaN is not JSON"),
        (_cli._json_value, "{",
         "not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ],
)  # fmt: skip
def test_bad_option_values_are_refused_saying_why(convert: Any, text: str, message: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as raised:
        convert(text)
    assert str(raised.value) == message


def test_the_key_from_the_environment_is_redacted_from_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_cli.API_KEY_VARIABLE, KEY)
    assert _cli._redact(f"a {KEY} b") == "a <redacted> b"
    assert _cli._one_line(f"a\n {KEY}\tb") == "a <redacted> b"
    assert _cli._redact("a 01234567 b") == "a <redacted> b"  # a piece of it, as errors.redact decides
    monkeypatch.delenv(_cli.API_KEY_VARIABLE)
    assert _cli._redact(f"a {KEY}") == f"a {KEY}"


@pytest.mark.parametrize(
    ("argv", "refused"),
    [
        (["--api-key", "x"], True),
        (["--api_key=x"], True),
        (["--api-key=a=b"], True),
        (["sessions", "create", "--api-key=x"], True),
        (["--", "--api-key"], False),
        (["--api-keys"], False),
        (["--model", "api-key"], False),
        ([], False),
    ],
)
def test_an_api_key_option_is_noticed_before_the_separator(argv: list[str], refused: bool) -> None:
    assert _cli._refused_key_option(argv) is refused


def test_the_secret_is_found_on_the_first_path_that_holds_a_string() -> None:
    paths = (("client_secret", "value"), ("value",))
    assert _cli._find_secret({"client_secret": {"value": "ek_1"}, "value": "ek_2"}, paths) == "ek_1"
    assert _cli._find_secret({"client_secret": "flat", "value": "ek_2"}, paths) == "ek_2"
    assert _cli._find_secret({"client_secret": {"value": 5}}, paths) is None
    assert _cli._find_secret({}, paths) is None


def test_an_api_error_is_one_line_with_its_class_and_request_id() -> None:
    status = errors.RateLimitError(status_code=429, headers={}, body=b"", request_id="req_1")
    assert _cli._error_line(status) == "RateLimitError: HTTP 429 (request id req_1)"
    anonymous = errors.APIStatusError(status_code=418, headers={}, body=b"", request_id=None)
    assert _cli._error_line(anonymous) == "APIStatusError: HTTP 418 (no request id)"
    assert _cli._error_line(errors.APITimeoutError("timed out")) == "APITimeoutError: timed out"


def test_json_is_read_from_a_file_or_stdin_and_must_be_an_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "body.json"
    good.write_text(json.dumps({"model": "m", "é": 1}), encoding="utf-8")
    assert _cli._read_json(str(good)) == {"model": "m", "é": 1}
    monkeypatch.setattr("sys.stdin", io.StringIO('{"a": 1}'))
    assert _cli._read_json("-") == {"a": 1}

    def refused(source: str) -> str:
        with pytest.raises(_cli.UsageError) as raised:
            _cli._read_json(source)
        return str(raised.value)

    missing = tmp_path / "absent.json"
    assert refused(str(missing)) == f"--json {missing}: cannot read it: No such file or directory"
    (tmp_path / "latin.json").write_bytes(b'{"a": "\xe9"}')
    assert refused(str(tmp_path / "latin.json")).startswith(f"--json {tmp_path / 'latin.json'}: not UTF-8 text: ")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    assert refused(str(tmp_path / "bad.json")).startswith(f"--json {tmp_path / 'bad.json'}: not valid JSON: ")
    (tmp_path / "nan.json").write_text('{"a": NaN}', encoding="utf-8")
    assert refused(str(tmp_path / "nan.json")) == f"--json {tmp_path / 'nan.json'}: not valid JSON: NaN is not JSON"
    monkeypatch.setattr("sys.stdin", io.StringIO("[1]"))
    assert refused("-") == "--json - (stdin): expected a JSON object, got list"


def test_the_help_formatter_keeps_paragraphs_and_indented_blocks() -> None:
    formatter = _cli._HelpFormatter("prog")
    text = "First  paragraph\nwraps here.\n\n  sessions create\n  other one\n\nsee last-hyphenated-name-here"
    assert formatter._fill_text(text, 30, "| ") == (
        "| First paragraph wraps here.\n\n|   sessions create\n|   other one\n\n| see\n| last-hyphenated-name-here"
    )
    # Hyphens do not break: "aaaa bbb-" and "ccc" would fit 10 columns too.
    assert formatter._split_lines("aaaa  bbb-ccc\nd", 10) == ["aaaa", "bbb-ccc d"]


def test_a_body_that_does_not_fit_the_model_is_a_usage_error() -> None:
    def from_dict(body: dict[str, Any]) -> Any:
        raise KeyError("model")

    with pytest.raises(_cli.UsageError) as raised:
        _cli._build(from_dict, {})
    assert str(raised.value) == "the request does not fit the API description: KeyError: 'model'"
    assert _cli._build(dict, {"a": 1}) == {"a": 1}


@pytest.mark.parametrize(
    ("schema", "takes"),
    [
        ({"const": "inf"}, True),
        ({"const": 5}, False),
        ({"type": ["integer", "string"]}, True),
        ({"type": "integer"}, False),
        ({"anyOf": [{"type": "integer"}, {"const": "inf"}]}, True),
        ({"oneOf": [{"type": "integer"}, {"type": "string"}]}, True),
        ({"oneOf": [{"type": "integer"}], "anyOf": [{"type": "string"}]}, False),  # oneOf is read first
        ({"anyOf": [{"type": "object"}, {"const": 1}]}, False),
        ({}, False),
    ],
)
def test_a_field_takes_a_string_when_one_of_its_forms_is_a_string(schema: dict[str, Any], takes: bool) -> None:
    assert _cli._takes_string(schema) is takes


@pytest.mark.parametrize(
    ("text", "value"), [("5", 5), ('"x"', "x"), ("auto", "auto"), (" auto", " auto"), ("[1]", [1]), ("null", None)]
)
def test_json_or_text_reads_json_first_then_the_text_itself(text: str, value: Any) -> None:
    assert _cli._json_or_text(text) == value


def test_stdin_is_read_as_utf_8_bytes_whatever_its_text_layer_says(monkeypatch: pytest.MonkeyPatch) -> None:
    # A locale may give sys.stdin another encoding or newline translation; the bytes under it decide.
    stdin = io.TextIOWrapper(io.BytesIO("Grüß\r\nv=0\r\n".encode()), encoding="latin-1", newline=None)
    monkeypatch.setattr("sys.stdin", stdin)
    assert _cli._read_text("-") == "Grüß\r\nv=0\r\n"
