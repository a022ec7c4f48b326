"""The command line's engine: options from each operation's BODY_SCHEMA, help, the request body, the
call and what is printed. ``__main__.py``, rendered from the description, holds the table of
commands (one per operation, with its request fields and where its answer keeps a secret) and
passes it here.

Standard library only, apart from this package.
"""

import argparse
import json
import math
import os
import re
import sys
import textwrap
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from . import _cli_webhooks
from .api import check_request_body, unknown_fields
from .client import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, ApiClient
from .errors import APIError, APIKeyMissingError, APIStatusError, ConfigurationError, RequestValidationError, redact
from .types import nearest_name

# 130: what a shell reports for a command ended by Ctrl-C (128 + SIGINT).
EXIT_OK, EXIT_API_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
API_KEY_VARIABLE = "OPENAI_API_KEY"
# What runs the command line, under whatever package name this copy has (a vendored one too).
PROG = f"python -m {__name__.rpartition('.')[0]}"
_SCALAR_TYPES = ("string", "number", "integer", "boolean")
_M = TypeVar("_M")
# How an answer is printed: indented, and text in any language as it is rather than \u escapes.
_ANSWER_JSON: dict[str, Any] = {"indent": 2, "ensure_ascii": False}


@dataclass(frozen=True)
class Field:
    """A top-level request field: its JSON name, its option (without ``--``) and its description.
    ``media_type``: the field is a text part of that media type (an SDP offer), which the option
    reads from a file, or from stdin with ``-``, instead of taking it on the command line."""

    name: str
    option: str
    description: str
    media_type: str = ""


@dataclass(frozen=True)
class Command:
    """One operation as ``group action``: what to send it and where its answer keeps the secret.

    ``group`` may be several words (``translations client-secrets``). ``arguments`` are the path
    parameters, taken as positional arguments in this order and passed to ``call`` by name.
    ``has_body``: whether the operation takes a body (``--json`` and the field options). ``call``
    returns the answer as JSON data, or None when the operation answers without a body (nothing is
    printed then)."""

    group: str
    action: str
    summary: str
    description: str
    method: str
    path: str
    body_schema: Mapping[str, Any]
    fields: tuple[Field, ...]
    secret_paths: tuple[tuple[str, ...], ...]
    call: Callable[..., Any]
    arguments: tuple[str, ...] = ()
    has_body: bool = True


class UsageError(Exception):
    """A request that cannot be sent as given: bad JSON, an unreadable file, no API key."""


def _build(from_dict: Callable[[dict[str, Any]], _M], body: dict[str, Any]) -> _M:
    try:
        return from_dict(body)
    except (AttributeError, KeyError, TypeError, ValueError) as err:
        raise UsageError(f"the request does not fit the API description: {type(err).__name__}: {err}") from err


def _redact(text: str) -> str:
    """The text with the API key from the environment, or any piece of it, replaced."""
    return redact(text, os.environ.get(API_KEY_VARIABLE))


def _one_line(text: str) -> str:
    return " ".join(_redact(text).split())


def _help_text(text: str) -> str:
    """Text for an argument's help, which argparse %-formats."""
    return text.replace("%", "%%")


def _plain_text(text: str) -> str:
    """Text for a description or epilog, which argparse %-formats only when it names %(prog)."""
    return text.replace("%", "%%") if "%(prog)" in text else text


def _first_sentence(description: str) -> str:
    """The description's first sentence, starting lower-case, without its full stop: help style."""
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z`])", " ".join(description.split()))[0]
    sentence = sentence.removesuffix(".")
    # "Sampling" and "A voice" start lower-case; "ISO codes" and "`auto`" stay as they are.
    if len(sentence) > 1 and sentence[0].isupper() and (sentence[1].islower() or sentence[1] == " "):
        sentence = sentence[0].lower() + sentence[1:]
    return sentence


def _range(low: Any, high: Any, unit: str = "") -> str:
    """``1 to 5``, ``at least 1`` or ``at most 5``, with the unit after the numbers; "" for no bounds."""
    suffix = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"{json.dumps(low)} to {json.dumps(high)}{suffix}"
    if low is not None:
        return f"at least {json.dumps(low)}{suffix}"
    if high is not None:
        return f"at most {json.dumps(high)}{suffix}"
    return ""


def _bounds(schema: Mapping[str, Any], kind: str) -> str:
    """The bounds a value of this JSON type has in the schema, in words (``0.6 to 1.2``), or ""."""
    if kind == "string":
        return _range(schema.get("minLength"), schema.get("maxLength"), "characters")
    if kind == "array":
        return _range(schema.get("minItems"), schema.get("maxItems"), "items")
    if kind not in ("integer", "number"):
        return ""
    if "exclusiveMinimum" not in schema and "exclusiveMaximum" not in schema:
        return _range(schema.get("minimum"), schema.get("maximum"))
    words = []
    if "exclusiveMinimum" in schema:
        words.append(f"above {json.dumps(schema['exclusiveMinimum'])}")
    elif "minimum" in schema:
        words.append(f"at least {json.dumps(schema['minimum'])}")
    if "exclusiveMaximum" in schema:
        words.append(f"below {json.dumps(schema['exclusiveMaximum'])}")
    elif "maximum" in schema:
        words.append(f"at most {json.dumps(schema['maximum'])}")
    return " and ".join(words)


def _types(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    if kind is None:
        return []
    return [kind] if isinstance(kind, str) else list(kind)


def _shape(schema: Mapping[str, Any], plural: bool = False) -> str:
    """What a JSON value must look like, in a few words: ``integer 1 to 4096 or "inf"``."""
    if "const" in schema:
        return json.dumps(schema["const"])
    if "enum" in schema:
        return " or ".join(json.dumps(value) for value in schema["enum"])
    members = schema.get("oneOf", schema.get("anyOf"))
    if members:
        dispatch = schema.get("discriminator")
        if dispatch is not None:
            values = " or ".join(json.dumps(value) for value in dispatch["mapping"])
            return f"object{'s' if plural else ''} with {json.dumps(dispatch['propertyName'])}: {values}"
        shapes: list[str] = []
        for member in members:
            shape = _shape(member, plural)
            if shape not in shapes:
                shapes.append(shape)
        return " or ".join(shapes)
    parts = []
    for kind in _types(schema):
        if kind == "array":
            items = schema.get("items")
            part = "array of " + _shape(items, plural=True) if items else "array"
        else:
            part = kind + ("s" if plural and kind != "null" else "")
        bounds = _bounds(schema, kind)
        parts.append(f"{part}, {bounds}" if kind == "array" and bounds else f"{part} {bounds}".strip())
    return " or ".join(parts) or "any JSON value"


def _scalar_type(schema: Mapping[str, Any]) -> str | None:
    """string, number, integer or boolean when the field takes one of them (or null), else None."""
    if "anyOf" in schema or "oneOf" in schema or "const" in schema:
        return None
    kinds = [kind for kind in _types(schema) if kind != "null"]
    return kinds[0] if len(kinds) == 1 and kinds[0] in _SCALAR_TYPES else None


def _string_union(schema: Mapping[str, Any]) -> tuple[list[Any], bool] | None:
    """For a union of strings (``anyOf: [string, enum]``): its known values and whether other strings
    are accepted too (an open enum). None for any other schema."""
    members = schema.get("anyOf", schema.get("oneOf"))
    if not members or "discriminator" in schema:
        return None
    known: list[Any] = []
    is_open = False
    for member in members:
        if member.get("type") != "string" or "anyOf" in member or "oneOf" in member:
            return None
        values = member["enum"] if "enum" in member else [member["const"]] if "const" in member else None
        if values is None:
            is_open = True
        else:
            known.extend(value for value in values if value not in known)
    return known, is_open


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def _finite_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _parse_json(text: str) -> Any:
    return json.loads(text, parse_constant=_reject_constant)


def _json_value(text: str) -> Any:
    try:
        return _parse_json(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not valid JSON: {err}") from None


def _json_or_text(text: str) -> Any:
    """For a field that also takes a string: JSON, or else the text itself, so that ``inf`` and
    ``auto`` need no quotes. Text that starts like JSON's objects, arrays or strings must be JSON."""
    try:
        return _parse_json(text)
    except ValueError as err:
        if text.lstrip().startswith(("{", "[", '"')):
            raise argparse.ArgumentTypeError(f"not valid JSON: {err}") from None
        return text


def _takes_string(schema: Mapping[str, Any]) -> bool:
    if "const" in schema:
        return isinstance(schema["const"], str)
    if "string" in _types(schema):
        return True
    return any(_takes_string(member) for member in schema.get("oneOf", schema.get("anyOf", ())))


def _positive_seconds(text: str) -> float:
    value = _finite_number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text!r}")
    return value


def _retries(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
    return value


_CONVERTERS: dict[str, Callable[[str], Any]] = {"string": str, "number": _finite_number, "integer": _integer}
_METAVARS = {"string": "TEXT", "number": "FLOAT", "integer": "INT"}


class _HelpFormatter(argparse.HelpFormatter):
    """Keeps the paragraphs of descriptions (argparse would run them together), leaves a block
    with lines indented by two spaces, such as the list of commands, as it is, and never breaks a
    line inside a hyphenated name such as a model's."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(
            " ".join(text.split()),
            width,
            break_on_hyphens=False,  # pragma: no mutate (None, the only mutant, is as false as False)
        )

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        blocks = []
        for block in text.split("\n\n"):
            if any(line.startswith("  ") for line in block.splitlines()):
                blocks.append("\n".join(indent + line for line in block.splitlines()))
            else:
                blocks.append(
                    textwrap.fill(
                        " ".join(block.split()),
                        width,
                        initial_indent=indent,
                        subsequent_indent=indent,
                        break_on_hyphens=False,  # pragma: no mutate (None, the only mutant, is as false as False)
                    )
                )
        return "\n\n".join(blocks)


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, where argparse prints the whole usage block first: the mistake, then where
        the options are listed."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {_redact(message)} (see {self.prog} --help)\n")


# Every parser's settings: its help keeps paragraphs, and no option is taken from an abbreviation
# (--temp is refused, naming --temperature, rather than read as it).
_PARSER_SETTINGS: dict[str, Any] = {"formatter_class": _HelpFormatter, "allow_abbrev": False}


def _add_field(group: argparse._ArgumentGroup, field: Field, schema: Mapping[str, Any], required: bool) -> None:
    """The option for one request field, or none for a const field (the client sends its value)."""
    if "const" in schema:
        return
    notes: list[str] = []
    options: dict[str, Any] = {"dest": "field:" + field.name, "default": argparse.SUPPRESS}
    kind = _scalar_type(schema)
    strings = _string_union(schema)
    if field.media_type:
        options["type"] = _text_file
        options["metavar"] = "FILE|-"
        notes.append(f"{field.media_type}, read from FILE, or from stdin with -")
    elif kind == "boolean":
        options["action"] = argparse.BooleanOptionalAction
    elif kind is not None:
        options["type"] = _CONVERTERS[kind]
        options["metavar"] = _METAVARS[kind]
        if "enum" in schema:
            options["choices"] = [value for value in schema["enum"] if value is not None]
            del options["metavar"]
        notes.append(_bounds(schema, kind))
    elif strings is not None and strings[1]:
        options["metavar"] = "TEXT"
        notes.append("any text" + ("; known: " + ", ".join(str(value) for value in strings[0]) if strings[0] else ""))
    elif strings is not None:
        options["choices"] = strings[0]
    elif _takes_string(schema):
        options["type"] = _json_or_text
        options["metavar"] = "VALUE"
        notes.append("JSON or plain text: " + _shape(schema))
    else:
        options["type"] = _json_value
        options["metavar"] = "JSON"
        shape = _shape(schema)
        notes.append(("JSON " if shape.startswith(("object", "array")) else "JSON: ") + shape)
    if required:
        notes.append("required")
    text = _first_sentence(field.description) or field.name.replace("_", " ")
    notes = [note for note in notes if note]
    if notes:
        text += f" ({'; '.join(notes)})"
    group.add_argument("--" + field.option, help=_help_text(text), **options)


def _text_file(source: str) -> str:
    """An option's value read as UTF-8 text from a file, or from stdin for ``-``."""
    try:
        return _read_text(source)
    except UsageError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _read_text(source: str) -> str:
    """The text of a file, or of stdin for ``-``; UsageError says what went wrong, the caller says
    which option and file it was."""
    try:
        # Line endings kept as they are: an SDP offer's lines end in CRLF.
        if source == "-":
            stdin = getattr(sys.stdin, "buffer", None)
            return stdin.read().decode() if stdin is not None else sys.stdin.read()
        with open(source, "rb") as handle:
            return handle.read().decode()
    except OSError as err:
        raise UsageError(f"cannot read it: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise UsageError(f"not UTF-8 text: {err.reason}") from err


def build_parser(commands: Sequence[Command], title: str) -> argparse.ArgumentParser:
    """The parser of every command; each command's parser sets ``command`` to its Command.
    ``title`` is the API's name, as the description gives it."""
    entries = [(f"{c.group} {c.action}", c.summary) for c in commands]
    entries.append((f"{_cli_webhooks.GROUP} {_cli_webhooks.ACTION}", _cli_webhooks.SUMMARY))
    width = max(len(name) for name, _ in entries)
    # Listed by group, so that the commands of one group (`calls ...`) stand together.
    listing = "\n".join(f"  {name:<{width}}  {' '.join(summary.split())}" for name, summary in sorted(entries))
    parser = _ArgumentParser(
        prog=PROG,
        usage="%(prog)s [-h] COMMAND ACTION [options]",
        description=_plain_text(
            f"Call the {title} API: one command per operation, one option per request field. "
            f"The API key is read from the {API_KEY_VARIABLE} environment variable; no option takes it."
        ),
        epilog=_plain_text(
            f"commands:\n{listing}\n\n"
            "Each command's --help lists its options. Exit status: 0 success, 1 an error from the API "
            "or the connection, 2 a usage or validation error."
        ),
        **_PARSER_SETTINGS,
    )
    # prog= given, or argparse would build the commands' prog from the usage line above.
    groups = parser.add_subparsers(prog=PROG, metavar="COMMAND ACTION", required=True, help=argparse.SUPPRESS)
    # Each word of a group is a level of subcommands: "translations client-secrets create".
    subparsers: dict[str, argparse._SubParsersAction[_ArgumentParser]] = {"": groups}
    for command in commands:
        words = command.group.split()
        for depth, word in enumerate(words):
            above, here = " ".join(words[:depth]), " ".join(words[: depth + 1])
            # A group that is also a command ("calls accept" beside calls/accept) is refused by
            # argparse (conflicting subparser); generation refuses it first.
            if here not in subparsers:
                level = subparsers[above].add_parser(word, **_PARSER_SETTINGS)
                last = depth == len(words) - 1
                subparsers[here] = level.add_subparsers(metavar="ACTION" if last else "COMMAND", required=True)
        summary = " ".join(command.summary.split())
        sub = subparsers[command.group].add_parser(
            command.action,
            help=_help_text(summary),
            description=_plain_text(
                "\n\n".join(
                    part
                    for part in (
                        summary,
                        command.description,
                        f"{command.method} {command.path}. The API key is read from {API_KEY_VARIABLE}.",
                    )
                    if part
                )
            ),
            **_PARSER_SETTINGS,
        )
        sub.set_defaults(command=command, command_parser=sub)
        for name in command.arguments:
            sub.add_argument("argument:" + name, metavar=name.upper(), help=_help_text(name.replace("_", " ")))
        if command.has_body:
            sub.add_argument(
                "--json",
                metavar="FILE",
                help="the whole request as a JSON object, read from FILE, or from stdin with -; "
                "field options given as well replace its fields",
            )
        if command.secret_paths:
            where = " or ".join(".".join(path) for path in command.secret_paths)
            sub.add_argument(
                "--secret",
                action="store_true",
                help=_help_text(f"print only the client secret ({where}) instead of the whole answer"),
            )
        sub.add_argument(
            "--base-url",
            metavar="URL",
            help=_help_text(f"where the API lives (default: $OPENAI_BASE_URL, else {DEFAULT_BASE_URL})"),
        )
        sub.add_argument(
            "--timeout",
            type=_positive_seconds,
            metavar="SECONDS",
            help=_help_text(
                "seconds to wait to connect and for each read, per attempt (default: "
                f"{DEFAULT_TIMEOUT.connect_timeout} to connect, {DEFAULT_TIMEOUT.read_timeout} to read)"
            ),
        )
        sub.add_argument(
            "--max-retries",
            type=_retries,
            metavar="N",
            default=DEFAULT_MAX_RETRIES,
            help=f"retries after a connection error, timeout, 408, 409, 429 or 5xx (default: {DEFAULT_MAX_RETRIES})",
        )
        fields = sub.add_argument_group(
            "request fields", "Each sets the top-level field of the same name (with _ for -)."
        )
        properties = command.body_schema.get("properties", {})
        required = set(command.body_schema.get("required", ()))
        for field in command.fields:
            _add_field(fields, field, properties.get(field.name, {}), field.name in required)
    _cli_webhooks.add_parser(groups, _PARSER_SETTINGS)
    return parser


def _read_json(source: str) -> dict[str, Any]:
    shown = "- (stdin)" if source == "-" else source
    try:
        document = _parse_json(_read_text(source))
    except UsageError as err:
        raise UsageError(f"--json {shown}: {err}") from err
    except ValueError as err:
        raise UsageError(f"--json {shown}: not valid JSON: {err}") from err
    if not isinstance(document, dict):
        raise UsageError(f"--json {shown}: expected a JSON object, got {type(document).__name__}")
    return document


def request_body(command: Command, args: argparse.Namespace) -> dict[str, Any]:
    """The body to send: --json's object, with the fields given as options replaced, and required
    const fields filled in."""
    body = _read_json(args.json) if getattr(args, "json", None) is not None else {}
    for dest, value in vars(args).items():
        if dest.startswith("field:"):
            body[dest.removeprefix("field:")] = value
    properties = command.body_schema.get("properties", {})
    for name in command.body_schema.get("required", ()):
        if name not in body and "const" in properties.get(name, {}):
            body[name] = properties[name]["const"]
    return body


def _find_secret(answer: Mapping[str, Any], paths: Sequence[Sequence[str]]) -> str | None:
    for path in paths:
        node: Any = answer
        for name in path:
            node = node.get(name) if isinstance(node, Mapping) else None
        if isinstance(node, str):
            return node
    return None


def _error_line(err: APIError) -> str:
    if isinstance(err, APIStatusError):
        text = f"{type(err).__name__}: {err}"
        return text if err.request_id else f"{text} (no request id)"
    return f"{type(err).__name__}: {err}"


def _refused_key_option(argv: Sequence[str]) -> bool:
    """Whether an --api-key option was given; its value is never echoed back."""
    for token in argv:
        if token == "--":
            return False
        if token.partition("=")[0] in ("--api-key", "--api_key"):
            return True
    return False


def _option_hint(parser: argparse.ArgumentParser, unknown: Sequence[str]) -> str:
    """``; did you mean --temperature?`` for the first unknown option close to a known one."""
    known = [option for action in parser._actions for option in action.option_strings]
    for token in unknown:
        if token.startswith("--"):
            typed = token.partition("=")[0]
            # A shortened option (--temp) first: abbreviations are refused, so say which it would be.
            starting = [option for option in known if option.startswith(typed)]
            near = starting[0] if len(starting) == 1 else nearest_name(typed, known)
            if near is not None:
                return f"; did you mean {near}?"
    return ""


def _refuse_misspelled_fields(body: Mapping[str, Any], schema: Mapping[str, Any], prog: str) -> None:
    """A field the description does not name, typed by hand: refused when it is close to a name
    the description has (``thresh`` for ``threshold``), else sent with a warning, since a server
    newer than this client may know it."""
    for path, name, known in unknown_fields(body, schema):
        where = f"{path}.{name}" if path else name
        near = nearest_name(name, known)
        if near is not None:
            raise UsageError(f"unknown field {where!r}: did you mean {f'{path}.{near}' if path else near!r}?")
        print(
            f"{prog}: warning: {_one_line(f'{where!r} is not in the API description; sent as given')}", file=sys.stderr
        )


def main(commands: Sequence[Command], title: str, argv: Sequence[str] | None = None) -> int:
    """Run the command line over ``commands`` (``__main__.COMMANDS``); returns the exit status.
    Ctrl-C ends it with one line and EXIT_INTERRUPTED, where Python would print a traceback."""
    try:
        return _run(commands, title, argv)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(commands: Sequence[Command], title: str, argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(commands, title)
    if _refused_key_option(arguments):
        print(
            f"{parser.prog}: error: there is no --api-key option: set the API key in the "
            f"{API_KEY_VARIABLE} environment variable, which keeps it out of shell history and process lists",
            file=sys.stderr,
        )
        return EXIT_USAGE
    args, unknown = parser.parse_known_args(arguments)
    command_parser: argparse.ArgumentParser = args.command_parser
    if unknown:
        # Reported by the command's parser, so the hint names the command's help.
        command_parser.error(f"unrecognized arguments: {' '.join(unknown)}{_option_hint(command_parser, unknown)}")
    prog = command_parser.prog
    if hasattr(args, "webhook_command"):
        return int(args.webhook_command(args, prog))
    command: Command = args.command
    try:
        body = request_body(command, args)
        if command.has_body:
            _refuse_misspelled_fields(body, command.body_schema, prog)
            check_request_body(body, command.body_schema)
        path_arguments = {name: getattr(args, "argument:" + name) for name in command.arguments}
        if not os.environ.get(API_KEY_VARIABLE):
            raise UsageError(f"no API key: set the {API_KEY_VARIABLE} environment variable (no option takes the key)")
        settings: dict[str, Any] = {"max_retries": args.max_retries}
        if args.timeout is not None:
            settings["timeout"] = args.timeout
        # A deprecated operation says so in its help; a warning would be a second line on stderr.
        with ApiClient(base_url=args.base_url, **settings) as client, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            answer = command.call(client, body, **path_arguments)
    except (UsageError, APIKeyMissingError) as err:
        print(f"{prog}: error: {_one_line(str(err))}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigurationError as err:
        # The key from the environment, or --base-url, that the client cannot work with.
        shown = f"--base-url {err.problem}" if err.argument == "base_url" else str(err)
        print(f"{prog}: error: {_one_line(shown)}", file=sys.stderr)
        return EXIT_USAGE
    except RequestValidationError as err:
        print(f"{prog}: error: {_one_line(f'{type(err).__name__}: {err}')}", file=sys.stderr)
        return EXIT_USAGE
    except APIError as err:
        print(f"{prog}: error: {_one_line(_error_line(err))}", file=sys.stderr)
        return EXIT_API_ERROR
    if command.secret_paths and args.secret:
        secret = _find_secret(answer, command.secret_paths)
        if secret is None:
            print(f"{prog}: error: the answer carries no client secret", file=sys.stderr)
            return EXIT_API_ERROR
        sys.stdout.write(_redact(secret) + "\n")
    elif answer is not None:
        sys.stdout.write(_redact(json.dumps(answer, **_ANSWER_JSON)) + "\n")
    return EXIT_OK
