"""The command line's engine (runtime/openai_realtime_client/_cli.py) with a command table of its own."""

from typing import Any

import pytest

from runtime.openai_realtime_client import _cli
from runtime.openai_realtime_client.api import SCHEMA_KEYWORDS

SCHEMA = {
    "type": "object",
    "required": ["type", "model"],
    "properties": {
        "type": {"const": "realtime"},
        "model": {"type": "string"},
        "speed": {"type": "number", "minimum": 0.25, "maximum": 1.5},
    },
}
SENT: list[dict[str, Any]] = []


def _call(client: Any, body: dict[str, Any]) -> dict[str, Any]:
    SENT.append(body)
    return {"client_secret": {"value": "ek_secret_value"}, "model": body["model"]}


COMMAND = _cli.Command(
    group="sessions",
    action="create",
    summary="Create a session.",
    description="",
    method="POST",
    path="/sessions",
    body_schema=SCHEMA,
    fields=(_cli.Field("model", "model", "the model"), _cli.Field("speed", "speed", "how fast")),
    secret_paths=(("client_secret", "value"),),
    call=_call,
)

# A value of the JSON type each checked bound applies to.
KINDS = {"minimum": "number", "exclusiveMinimum": "number", "maximum": "number", "exclusiveMaximum": "number",
         "minLength": "string", "maxLength": "string", "minItems": "array", "maxItems": "array"}  # fmt: skip


def test_the_help_words_every_bound_the_table_says_is_checked() -> None:
    checked_bounds = {keyword for keyword, (checked, words) in SCHEMA_KEYWORDS.items() if checked and words}
    assert checked_bounds == set(KINDS)
    for keyword, kind in KINDS.items():
        assert _cli._bounds({"type": kind, keyword: 3}, kind) != "", keyword


def test_options_and_help_come_from_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    parser = _cli.build_parser([COMMAND], "Example")

    with pytest.raises(SystemExit):
        parser.parse_args(["sessions", "create", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--speed FLOAT" in text and "0.25 to 1.5" in text
    args = parser.parse_args(["sessions", "create", "--model", "m", "--speed", "1.0"])
    assert _cli.request_body(args.command, args) == {"model": "m", "speed": 1.0, "type": "realtime"}


def test_main_sends_the_body_and_prints_only_the_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-0000")
    SENT.clear()

    status = _cli.main([COMMAND], "Example", ["sessions", "create", "--model", "m", "--secret"])

    assert status == _cli.EXIT_OK
    assert SENT == [{"model": "m", "type": "realtime"}]
    assert capsys.readouterr().out == "ek_secret_value\n"


def test_a_body_that_breaks_the_schema_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-0000")
    SENT.clear()

    status = _cli.main([COMMAND], "Example", ["sessions", "create", "--model", "m", "--speed", "2"])

    assert status == _cli.EXIT_USAGE and SENT == []
    assert "speed=2.0 is above the maximum 1.5" in capsys.readouterr().err


def test_an_api_key_option_is_refused_without_echoing_it(capsys: pytest.CaptureFixture[str]) -> None:
    status = _cli.main([COMMAND], "Example", ["sessions", "create", "--api-key=sk-should-not-show"])

    assert status == _cli.EXIT_USAGE
    assert "sk-should-not-show" not in capsys.readouterr().err
