"""The command line's engine (runtime/openai_realtime_client/_cli.py) over a table of commands of its own,
run as the package runs it (tests/support/cli.py): the help each kind of field gets, word for word, what
is sent and printed, and the one line and exit status of each way a call can fail."""

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from openai_realtime_client import _cli, errors

from tests.support.cli import run_cli

PROG = _cli.PROG
KEY = "sk-test-table-0123456789abcdef"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "mode", "count"],
    "properties": {
        "type": {"const": "demo"},
        "offer": {"type": "string"},
        "loud": {"type": "boolean"},
        "name": {"type": "string", "minLength": 1, "maxLength": 8},
        "rate": {"type": "integer", "enum": [8000, 16000, None]},
        "count": {"type": "integer", "minimum": 1},
        "level": {"type": ["number", "null"], "exclusiveMaximum": 2},
        "voice": {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["a", "b"]}]},
        "anything": {"anyOf": [{"type": "string"}]},
        "mode": {"oneOf": [{"type": "string", "const": "x"}, {"type": "string", "enum": ["y"]}]},
        "limit": {"anyOf": [{"type": "integer", "maximum": 9}, {"const": "inf"}]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        "extra": {"type": "object"},
        "pick": {"oneOf": [{"type": "object"}], "discriminator": {"propertyName": "kind", "mapping": {"p": 0}}},
    },
}
# What the table's call does: answer with what it got, or raise what a test puts here.
CALLS: list[tuple[Any, dict[str, Any], dict[str, str]]] = []
OUTCOME: list[Any] = []


def _call(client: Any, body: dict[str, Any], **arguments: str) -> Any:
    CALLS.append((client, body, arguments))
    outcome = OUTCOME[0] if OUTCOME else {"body": body, "arguments": arguments}
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


COMMANDS = (
    _cli.Command(
        group="demos",
        action="create",
        summary="Make a  demo.",
        description="The demo, at 100% and\n\nmore text.",
        method="POST",
        path="/demos",
        body_schema=SCHEMA,
        fields=(
            _cli.Field("type", "type", "Always demo."),
            _cli.Field("offer", "offer", "The offer. Second.", media_type="application/sdp"),
            _cli.Field("loud", "loud", ""),
            _cli.Field("name", "name", "A name."),
            _cli.Field("rate", "rate", "Samples per second."),
            _cli.Field("count", "count", "How many, 100%."),
            _cli.Field("level", "level", "The level."),
            _cli.Field("voice", "voice", "A voice."),
            _cli.Field("anything", "anything", "Anything."),
            _cli.Field("mode", "mode", "The mode."),
            _cli.Field("limit", "limit", "A limit."),
            _cli.Field("tags", "tags", "Tags."),
            _cli.Field("extra", "extra", "Extra."),
            _cli.Field("pick", "pick", "A pick."),
            _cli.Field("no_schema", "no-schema", ""),
        ),
        secret_paths=(("secret", "value"), ("value",)),
        call=_call,
    ),
    _cli.Command(
        group="demos",
        action="end",
        summary="End a demo with gpt-realtime-mini-2025.",
        description="",
        method="POST",
        path="/demos/{demo_id}/end",
        body_schema={},
        fields=(),
        secret_paths=(),
        call=_call,
        arguments=("demo_id", "part_no"),
        has_body=False,
    ),
    _cli.Command(
        group="deep demos",
        action="create",
        summary="A deep one.",
        description="Deep.",
        method="POST",
        path="/deep",
        body_schema={},
        fields=(),
        secret_paths=(),
        call=_call,
    ),
)


def _main() -> int:
    return _cli.main(COMMANDS, "Demo 100%")


def cli(*argv: str, stdin: str | bytes | None = None, columns: int = 100, key: str | None = KEY) -> Any:
    CALLS.clear()
    return run_cli(*argv, cwd=Path.cwd(), key=key, stdin=stdin, env={"COLUMNS": str(columns)}, main=_main)


@pytest.fixture(autouse=True)
def _fresh_outcome() -> Any:
    OUTCOME.clear()
    CALLS.clear()
    yield
    OUTCOME.clear()


def test_the_top_level_help_lists_the_commands_by_group() -> None:
    result = cli("--help")

    assert result.returncode == 0 and result.stderr == ""
    assert (
        result.stdout
        == f"""\
usage: {PROG} [-h] COMMAND ACTION [options]

Call the Demo 100% API: one command per operation, one option per request field. The API key is
read from the OPENAI_API_KEY environment variable; no option takes it.

options:
  -h, --help  show this help message and exit

commands:
  deep demos create  A deep one.
  demos create       Make a demo.
  demos end          End a demo with gpt-realtime-mini-2025.
  webhooks verify    Check a webhook delivery's signature (the body on stdin).

Each command's --help lists its options. Exit status: 0 success, 1 an error from the API or the
connection, 2 a usage or validation error.
"""
    )


def test_each_kind_of_field_gets_its_option_and_its_help() -> None:
    result = cli("demos", "create", "--help")

    assert result.returncode == 0 and result.stderr == ""
    indent = " " * len(f"usage: {PROG} demos create ")
    assert (
        result.stdout
        == f"""\
usage: {PROG} demos create [-h] [--json FILE] [--secret]
{indent}[--base-url URL] [--timeout SECONDS]
{indent}[--max-retries N] [--offer FILE|-]
{indent}[--loud | --no-loud] [--name TEXT]
{indent}[--rate {{8000,16000}}] [--count INT]
{indent}[--level FLOAT] [--voice TEXT]
{indent}[--anything TEXT] [--mode {{x,y}}]
{indent}[--limit VALUE] [--tags JSON] [--extra JSON]
{indent}[--pick JSON] [--no-schema JSON]

Make a demo.

The demo, at 100% and

more text.

POST /demos. The API key is read from OPENAI_API_KEY.

options:
  -h, --help           show this help message and exit
  --json FILE          the whole request as a JSON object, read from FILE, or from stdin with -;
                       field options given as well replace its fields
  --secret             print only the client secret (secret.value or value) instead of the whole
                       answer
  --base-url URL       where the API lives (default: $OPENAI_BASE_URL, else
                       https://api.openai.com/v1)
  --timeout SECONDS    seconds to wait to connect and for each read, per attempt (default: 5.0 to
                       connect, 60.0 to read)
  --max-retries N      retries after a connection error, timeout, 408, 409, 429 or 5xx (default:
                       2)

request fields:
  Each sets the top-level field of the same name (with _ for -).

  --offer FILE|-       the offer (application/sdp, read from FILE, or from stdin with -)
  --loud, --no-loud    loud
  --name TEXT          a name (1 to 8 characters)
  --rate {{8000,16000}}  samples per second
  --count INT          how many, 100% (at least 1; required)
  --level FLOAT        the level (below 2)
  --voice TEXT         a voice (any text; known: a, b)
  --anything TEXT      anything (any text)
  --mode {{x,y}}         the mode (required)
  --limit VALUE        a limit (JSON or plain text: integer at most 9 or "inf")
  --tags JSON          tags (JSON array of strings, at most 3 items)
  --extra JSON         extra (JSON object)
  --pick JSON          a pick (JSON object with "kind": "p")
  --no-schema JSON     no schema (JSON: any JSON value)
"""
    )


def test_path_parameters_are_positional_and_a_command_without_a_body_has_no_json_option() -> None:
    result = cli("demos", "end", "--help")

    assert result.returncode == 0 and result.stderr == ""
    indent = " " * len(f"usage: {PROG} demos end ")
    assert (
        result.stdout
        == f"""\
usage: {PROG} demos end [-h] [--base-url URL] [--timeout SECONDS]
{indent}[--max-retries N]
{indent}DEMO_ID PART_NO

End a demo with gpt-realtime-mini-2025.

POST /demos/{{demo_id}}/end. The API key is read from OPENAI_API_KEY.

positional arguments:
  DEMO_ID            demo id
  PART_NO            part no

options:
  -h, --help         show this help message and exit
  --base-url URL     where the API lives (default: $OPENAI_BASE_URL, else
                     https://api.openai.com/v1)
  --timeout SECONDS  seconds to wait to connect and for each read, per attempt (default: 5.0 to
                     connect, 60.0 to read)
  --max-retries N    retries after a connection error, timeout, 408, 409, 429 or 5xx (default: 2)

request fields:
  Each sets the top-level field of the same name (with _ for -).
"""
    )


def test_a_group_of_two_words_is_two_levels_of_commands() -> None:
    result = cli("deep", "demos", "create", "--help")
    level = cli("deep", "--help")
    missing = cli("deep")
    missing_action = cli("deep", "demos")

    assert result.returncode == 0
    indent = " " * len(f"usage: {PROG} deep demos create ")
    assert result.stdout.startswith(f"""\
usage: {PROG} deep demos create [-h] [--json FILE] [--base-url URL]
{indent}[--timeout SECONDS] [--max-retries N]

A deep one.

Deep.

POST /deep. The API key is read from OPENAI_API_KEY.
""")
    assert level.stdout.startswith(f"usage: {PROG} deep [-h] COMMAND ...\n")
    assert (missing.returncode, missing_action.returncode) == (2, 2)
    assert missing.stderr == (
        f"{PROG} deep: error: the following arguments are required: COMMAND (see {PROG} deep --help)\n"
    )
    assert missing_action.stderr == (
        f"{PROG} deep demos: error: the following arguments are required: ACTION (see {PROG} deep demos --help)\n"
    )


def test_a_group_help_never_breaks_a_hyphenated_name() -> None:
    result = cli("demos", "--help", columns=44)

    assert (
        result.stdout
        == f"""\
usage: {PROG} demos
       [-h] ACTION ...

positional arguments:
  ACTION
    create    Make a demo.
    end       End a demo with
              gpt-realtime-mini-2025.

options:
  -h, --help  show this help message and
              exit
"""
    )


def test_no_command_and_an_unknown_option_are_one_line_each() -> None:
    nothing = cli()
    unknown = cli("demos", "create", "--coutn", "2", "extra")
    abbreviated = cli("demos", "create", "--cou", "2")
    far = cli("demos", "create", "--zzzzzz")
    bad_action = cli("demos", "make")

    assert [r.returncode for r in (nothing, unknown, abbreviated, far, bad_action)] == [2, 2, 2, 2, 2]
    assert nothing.stderr == (
        f"{PROG}: error: the following arguments are required: COMMAND ACTION (see {PROG} --help)\n"
    )
    see = f" (see {PROG} demos create --help)\n"
    assert (
        unknown.stderr
        == f"{PROG} demos create: error: unrecognized arguments: --coutn 2 extra; did you mean --count?{see}"
    )
    assert (
        abbreviated.stderr == f"{PROG} demos create: error: unrecognized arguments: --cou 2; did you mean --count?{see}"
    )
    assert far.stderr == f"{PROG} demos create: error: unrecognized arguments: --zzzzzz{see}"
    assert bad_action.stderr.startswith(f"{PROG} demos: error: argument ACTION: invalid choice: 'make' ")
    assert CALLS == []


def test_the_options_make_the_body_and_the_answer_is_printed_as_indented_json(tmp_path: Path) -> None:
    offer = tmp_path / "offer.sdp"
    offer.write_bytes(b"v=0\r\nline two\r\n")
    (tmp_path / "request.json").write_text('{"name": "from-file", "count": 7, "extra": {"k": 1}}', encoding="utf-8")

    result = cli(
        "demos", "create", "--json", str(tmp_path / "request.json"), "--offer", str(offer), "--no-loud",
        "--name", "given", "--rate", "8000", "--count", "2", "--level", "1.5", "--voice", "zz", "--anything", "any",
        "--mode", "y", "--limit", "inf", "--tags", '["t"]',
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    body = {
        "name": "given", "count": 2, "extra": {"k": 1}, "offer": "v=0\r\nline two\r\n", "loud": False,
        "rate": 8000, "level": 1.5, "voice": "zz", "anything": "any", "mode": "y", "limit": "inf", "tags": ["t"],
        "type": "demo",
    }  # fmt: skip
    assert CALLS[0][1] == body and list(CALLS[0][1]) == list(body)
    assert result.stdout == json.dumps({"body": body, "arguments": {}}, indent=2) + "\n"
    assert result.stderr == ""


def test_options_that_take_json_or_text_and_booleans() -> None:
    loud = cli("demos", "create", "--mode", "x", "--count", "1", "--loud", "--limit", "5", "--pick", '{"kind": "p"}')
    broken = cli("demos", "create", "--mode", "x", "--count", "1", "--limit", '["oops"')
    quoted = cli("demos", "create", "--mode", "x", "--count", "1", "--limit", ' "inf')

    assert loud.returncode == 0, loud.stderr
    assert json.loads(loud.stdout)["body"] == {
        "mode": "x",
        "count": 1,
        "loud": True,
        "limit": 5,
        "pick": {"kind": "p"},
        "type": "demo",
    }
    assert broken.returncode == quoted.returncode == 2
    assert broken.stderr.startswith(f"{PROG} demos create: error: argument --limit: not valid JSON: Expecting ")
    assert quoted.stderr.startswith(
        f"{PROG} demos create: error: argument --limit: not valid JSON: Unterminated string"
    )


def test_the_offer_comes_from_stdin_as_bytes_or_text_with_its_line_endings() -> None:
    from_bytes = cli("demos", "create", "--mode", "x", "--count", "1", "--offer", "-", stdin=b"v=0\r\nb\r\n")
    not_utf8 = cli("demos", "create", "--mode", "x", "--count", "1", "--offer", "-", stdin=b"v=0 \xff\r\n")
    missing = cli("demos", "create", "--mode", "x", "--count", "1", "--offer", "no/such.sdp")

    assert json.loads(from_bytes.stdout)["body"]["offer"] == "v=0\r\nb\r\n"
    assert not_utf8.returncode == missing.returncode == 2
    see = f" (see {PROG} demos create --help)\n"
    assert not_utf8.stderr == f"{PROG} demos create: error: argument --offer: not UTF-8 text: invalid start byte{see}"
    assert missing.stderr == (
        f"{PROG} demos create: error: argument --offer: cannot read it: No such file or directory{see}"
    )


def test_path_arguments_reach_the_call_by_name_and_no_answer_prints_nothing() -> None:
    OUTCOME.append(None)

    result = cli("demos", "end", "d_1", "7")

    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
    assert CALLS[0][1:] == ({}, {"demo_id": "d_1", "part_no": "7"})


def test_the_settings_reach_the_client() -> None:
    default = cli("deep", "demos", "create")
    default_client = CALLS[0][0]
    given = cli(
        "deep", "demos", "create", "--timeout", "7.5", "--max-retries", "0", "--base-url", "http://127.0.0.1:9/v9"
    )
    given_client = CALLS[0][0]

    assert default.returncode == given.returncode == 0
    assert default_client.max_retries == 2 and default_client.base_url == "https://api.openai.com/v1"
    assert (default_client.timeout.connect_timeout, default_client.timeout.read_timeout) == (5.0, 60.0)
    assert given_client.max_retries == 0 and given_client.base_url == "http://127.0.0.1:9/v9"
    assert (given_client.timeout.connect_timeout, given_client.timeout.read_timeout) == (7.5, 7.5)


def test_secret_prints_the_first_secret_found_or_refuses() -> None:
    OUTCOME.append({"secret": {"value": "ek_first"}, "value": "ek_second"})
    first = cli("demos", "create", "--mode", "x", "--count", "1", "--secret")
    OUTCOME[0] = {"secret": "flat", "value": "ek_second"}
    second = cli("demos", "create", "--mode", "x", "--count", "1", "--secret")
    OUTCOME[0] = {"secret": {"value": 5}}
    none = cli("demos", "create", "--mode", "x", "--count", "1", "--secret")

    assert (first.returncode, first.stdout) == (0, "ek_first\n")
    assert (second.returncode, second.stdout) == (0, "ek_second\n")
    assert (none.returncode, none.stdout) == (1, "")
    assert none.stderr == f"{PROG} demos create: error: the answer carries no client secret\n"


def test_what_is_printed_keeps_non_ascii_text_and_hides_the_key() -> None:
    OUTCOME.append({"text": f"Grüß {KEY}", "value": f"ek_{KEY}"})
    answer = cli("demos", "create", "--mode", "x", "--count", "1")
    secret = cli("demos", "create", "--mode", "x", "--count", "1", "--secret")

    assert answer.stdout == '{\n  "text": "Grüß <redacted>",\n  "value": "ek_<redacted>"\n}\n'
    assert secret.stdout == "ek_<redacted>\n"


def test_a_field_the_description_does_not_know_is_sent_with_a_warning_or_refused_when_close() -> None:
    sent = cli("demos", "create", "--json", "-", stdin='{"mode": "x", "count": 1, "brand_new": 1}')
    close = cli("demos", "create", "--json", "-", stdin='{"mode": "x", "count": 1, "cuont": 1}')
    bodiless = cli("demos", "end", "d", "p")

    assert sent.returncode == 0
    assert sent.stderr == f"{PROG} demos create: warning: 'brand_new' is not in the API description; sent as given\n"
    assert close.returncode == 2
    assert close.stderr == f"{PROG} demos create: error: unknown field 'cuont': did you mean 'count'?\n"
    assert bodiless.returncode == 0 and bodiless.stderr == ""


def test_a_request_that_breaks_the_schema_is_refused_before_the_call() -> None:
    result = cli("demos", "create", "--mode", "x")

    assert result.returncode == 2 and CALLS == []
    assert result.stderr == f"{PROG} demos create: error: RequestValidationError: count is required\n"


@pytest.mark.parametrize(
    ("raised", "status", "line"),
    [
        (
            errors.RateLimitError(status_code=429, headers={}, body=b"", request_id="req_9"),
            1,
            "error: RateLimitError: HTTP 429 (request id req_9)",
        ),
        (errors.APITimeoutError("timed\nout"), 1, "error: APITimeoutError: timed out"),
        (errors.APIKeyMissingError("no key here"), 2, "error: no key here"),
        (_cli.UsageError(f"bad {KEY}"), 2, "error: bad <redacted>"),
        (errors.RequestValidationError("x", 1, "is wrong"), 2, "error: RequestValidationError: x=1 is wrong"),
    ],
)
def test_each_failure_of_the_call_is_one_line_and_its_exit_status(raised: Exception, status: int, line: str) -> None:
    OUTCOME.append(raised)

    result = cli("deep", "demos", "create")

    assert result.returncode == status
    assert result.stdout == ""
    assert result.stderr == f"{PROG} deep demos create: {line}\n"


def test_a_base_url_or_a_key_the_client_cannot_use_is_a_usage_error() -> None:
    url = cli("deep", "demos", "create", "--base-url", "ftp://127.0.0.1/v1")
    key = cli("deep", "demos", "create", key=KEY + "\n")

    assert url.returncode == key.returncode == 2 and CALLS == []
    assert url.stderr == (
        f"{PROG} deep demos create: error: --base-url must use http:// or https://, got ftp:// in 'ftp://127.0.0.1/v1'\n"
    )
    assert key.stderr == (
        f"{PROG} deep demos create: error: OPENAI_API_KEY ends with a line break: strip it (a key read from a "
        "file keeps the file's newline)\n"
    )


@pytest.mark.parametrize("key", [None, ""])
def test_no_key_is_a_usage_error_before_the_call(key: str | None) -> None:
    result = cli("deep", "demos", "create", key=key)

    assert result.returncode == 2 and CALLS == []
    assert result.stderr == (
        f"{PROG} deep demos create: error: no API key: set the OPENAI_API_KEY environment variable "
        "(no option takes the key)\n"
    )


def test_an_api_key_option_is_refused_before_anything_else() -> None:
    result = cli("deep", "demos", "create", "--bogus", "--api-key", "sk-typed")

    assert result.returncode == 2 and CALLS == []
    assert result.stderr == (
        f"{PROG}: error: there is no --api-key option: set the API key in the OPENAI_API_KEY environment "
        "variable, which keeps it out of shell history and process lists\n"
    )


def test_ctrl_c_is_one_line_and_130() -> None:
    OUTCOME.append(KeyboardInterrupt())

    result = cli("deep", "demos", "create")

    assert (result.returncode, result.stdout, result.stderr) == (130, "", f"{PROG}: interrupted\n")


def test_a_deprecation_warning_of_the_call_is_not_shown_but_other_warnings_are() -> None:
    def deprecated(client: Any, body: dict[str, Any]) -> None:
        warnings.warn("old", DeprecationWarning, stacklevel=1)
        warnings.warn("a field this client does not know", UserWarning, stacklevel=1)

    command = _cli.Command(
        group="old", action="create", summary="Old.", description="", method="POST", path="/old",
        body_schema={}, fields=(), secret_paths=(), call=deprecated,
    )  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_cli("old", "create", cwd=Path.cwd(), key=KEY, main=lambda: _cli.main([command], "Old"))

    assert result.returncode == 0 and result.stderr == ""
    assert [(w.category, str(w.message)) for w in caught] == [(UserWarning, "a field this client does not know")]


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (("--anyt", "1"), "--anyt 1; did you mean --anything?"),  # the one option it starts
        (("--l", "1"), "--l 1"),  # starts three: no guess
        (("--zzzzzz", "--coutn=3=4"), "--zzzzzz --coutn=3=4; did you mean --count?"),  # the first that is close
        (("-x",), "-x"),
    ],
)
def test_an_unknown_option_names_the_option_it_is_close_to(argv: tuple[str, ...], hint: str) -> None:
    result = cli("demos", "create", *argv)

    assert result.returncode == 2
    assert result.stderr == (
        f"{PROG} demos create: error: unrecognized arguments: {hint} (see {PROG} demos create --help)\n"
    )


@pytest.mark.parametrize(
    ("argv", "prog", "needed"), [((), PROG, "COMMAND ACTION"), (("deep",), f"{PROG} deep", "COMMAND")]
)
def test_help_is_not_abbreviated_at_any_level(argv: tuple[str, ...], prog: str, needed: str) -> None:
    result = cli(*argv, "--hel")

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"{prog}: error: the following arguments are required: {needed} (see {prog} --help)\n"


def test_a_required_field_the_schema_does_not_describe_is_left_to_the_check() -> None:
    command = _cli.Command(
        group="bare", action="create", summary="Bare.", description="", method="POST", path="/bare",
        body_schema={"type": "object", "required": ["ghost"]}, fields=(), secret_paths=(), call=_call,
    )  # fmt: skip

    result = run_cli("bare", "create", cwd=Path.cwd(), key=KEY, main=lambda: _cli.main([command], "Bare"))

    assert result.returncode == 2 and CALLS == []
    assert result.stderr == f"{PROG} bare create: error: RequestValidationError: ghost is required\n"


def test_a_field_of_a_body_schema_without_properties_gets_an_option_taking_json() -> None:
    field = _cli.Field(name="note", option="note", description="A note.")
    command = _cli.Command(
        group="bare", action="create", summary="Bare.", description="", method="POST", path="/bare",
        body_schema={"type": "object"}, fields=(field,), secret_paths=(), call=_call,
    )  # fmt: skip

    result = run_cli(
        "bare", "create", "--note", '{"a": [1]}', cwd=Path.cwd(), key=KEY, main=lambda: _cli.main([command], "Bare")
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert CALLS[-1][1] == {"note": {"a": [1]}}


def test_a_group_of_three_words_is_three_levels_of_commands() -> None:
    command = _cli.Command(
        group="very deep demos", action="create", summary="Deeper.", description="", method="POST",
        path="/deeper", body_schema={"type": "object"}, fields=(), secret_paths=(), call=_call,
    )  # fmt: skip

    result = run_cli("very", "deep", "demos", "create", cwd=Path.cwd(), key=KEY, main=lambda: _cli.main([command], "D"))

    assert (result.returncode, result.stderr) == (0, "")
    assert CALLS[-1][1] == {}


def test_an_argument_error_never_shows_the_key() -> None:
    result = cli("demos", "create", "--bogus", KEY, "--rate", KEY)

    assert result.returncode == 2 and KEY not in result.stderr
    assert result.stderr == (
        f"{PROG} demos create: error: argument --rate: not an integer: '<redacted>' (see {PROG} demos create --help)\n"
    )
