"""Contract smoke test of one generated client against the mock server of its own description.

Run in a fresh interpreter per release (``python -m tests.support.release_smoke GENERATED SPEC``), so
that clients generated from different releases never share a process. For every operation of
the description it builds the request model from the operation's request example in its first (the
default) media type (or, where the import dropped it, a value the mock builds from the schema), and
path parameters from their schema's example, calls the ``RealtimeApi`` method named after the
operation id, and checks that the mock server found nothing wrong with the request and that the
answer parsed into the documented response model (None for an answer without a body). Prints one
JSON object: operation id -> response class name; exits 1 with the problems otherwise.
"""

import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from tools.openapi_document import example as openapi_example
from tools.openapi_document import iter_operations, load, resolve
from tools.servers.mock_server import MockServer


def _snake(name: str) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()


def _model_class(package: Any, ref: str) -> Any:
    name = ref.rsplit("/", 1)[-1]
    return getattr(package.models, name)


def main(argv: list[str]) -> int:
    generated, spec = Path(argv[0]), Path(argv[1])
    sys.path.insert(0, str(generated))
    package = importlib.import_module("openai_realtime_client")
    importlib.import_module("openai_realtime_client.models")
    document = load(spec)
    results: dict[str, str] = {}
    problems: list[str] = []
    with MockServer(spec) as server:
        client = package.ApiClient(api_key="sk-smoke-test-key", base_url=server.url, max_retries=0)
        api = package.RealtimeApi(client)
        for _method, _path, operation in iter_operations(document):
            arguments: list[Any] = []
            for parameter in operation.get("parameters", []):
                schema = resolve(document, parameter)["schema"]
                arguments.append(schema.get("example", "smoke_1"))
            if "requestBody" in operation:
                # The first media type is the method's default (multipart for calls, else JSON).
                media = next(iter(resolve(document, operation["requestBody"])["content"].values()))
                # Import drops an example that does not fit the release (a model name newer than it).
                example, _ = openapi_example(document, media)
                arguments.append(_model_class(package, media["schema"]["$ref"]).from_dict(example))
            result = getattr(api, _snake(operation["operationId"]))(*arguments)
            status = min(code for code in operation["responses"] if code.startswith("2"))
            content = resolve(document, operation["responses"][status]).get("content", {})
            answer = content.get("application/json")
            if answer is not None:
                expected = _model_class(package, answer["schema"]["$ref"])
                if not isinstance(result, expected):
                    problems.append(f"{operation['operationId']}: got {type(result).__name__}")
            elif not content and result is not None:
                problems.append(f"{operation['operationId']}: an answer without a body gave {result!r}")
            for request in server.received:
                problems.extend(f"{operation['operationId']}: {p}" for p in request.problems)
            problems.extend(f"{operation['operationId']}: answer: {p}" for p in server.response_problems)
            server.reset()
            results[operation["operationId"]] = type(result).__name__
        client.close()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(json.dumps(results, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
