"""Each model page of the generated docs starts with a construction example; every one of them
runs, builds the class it documents, and gives JSON that reads back the same. Where the class is an
operation's request body, the operation's check accepts it."""

import contextlib
import importlib
import io
import json
import pkgutil
from pathlib import Path
from typing import Any

import openai_realtime_client.api.realtime as realtime_operations
import pytest
from openai_realtime_client import models
from openai_realtime_client.api import check_request_body

from tests.codegen.test_docs import PY_FRAGMENTS
from tools import paths

MODEL_PAGES = paths.GENERATED / "docs" / "models"
CONSTRUCTIONS = {
    block.page.stem: block
    for block in PY_FRAGMENTS
    if block.page.parent == MODEL_PAGES and f"value = {block.page.stem}(" in block.code
}
BODY_SCHEMAS = {
    module.sync.__annotations__["body"]: module.BODY_SCHEMA
    for module in (
        importlib.import_module(f"{realtime_operations.__name__}.{info.name}")
        for info in pkgutil.iter_modules(realtime_operations.__path__)
    )
    if "body" in module.sync.__annotations__
}


def test_every_model_page_has_a_construction_example() -> None:
    documented = {path.stem for path in MODEL_PAGES.glob("*.md")} & set(models.__all__)
    classes = {name for name in documented if isinstance(getattr(models, name), type)}

    assert classes and set(CONSTRUCTIONS) == classes


@pytest.mark.parametrize("class_name", sorted(CONSTRUCTIONS))
def test_the_construction_example_builds_the_class_and_round_trips(class_name: str) -> None:
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(compile(CONSTRUCTIONS[class_name].code, CONSTRUCTIONS[class_name].id, "exec"), namespace)

    value: Any = namespace["value"]
    assert type(value) is getattr(models, class_name)
    data = value.to_dict()
    assert printed.getvalue().strip() == str(data)
    assert type(value).from_dict(json.loads(json.dumps(data))).to_dict() == data
    for body_class, schema in BODY_SCHEMAS.items():
        if getattr(body_class, "__name__", body_class) == class_name:
            check_request_body(data, schema)


def test_every_operation_lists_the_response_headers_the_client_reads() -> None:
    page = (paths.GENERATED / "docs" / "RealtimeApi.md").read_text(encoding="utf-8")
    sections = page.split("\n## ")[1:]
    operations = [section for section in sections if "### HTTP response headers" in section]
    client_source = (paths.GENERATED / paths.PACKAGE_NAME / "client.py").read_text(encoding="utf-8")
    modules = {info.name: info for info in pkgutil.iter_modules(realtime_operations.__path__)}

    assert len(operations) == len(modules) == 9
    for section in operations:
        table = section.split("### HTTP response headers", 1)[1].split("\n### ", 1)[0]
        headers = [
            name for row in table.splitlines() if row.startswith("| `") for name in row.split("|")[1].split("`")[1::2]
        ]
        assert headers[0] == "x-request-id"
        # Each header named is one the client reads: in client.py, or in the operation's module (a
        # header its answer declares, such as a new call's Location).
        operation = section.split("\n", 1)[0].strip()
        module_source = (Path(realtime_operations.__path__[0]) / f"{operation}.py").read_text(encoding="utf-8")
        assert all(f'"{name}"' in client_source + module_source for name in headers), headers
