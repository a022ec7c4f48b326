"""Property-based tests, with values drawn from the API description itself."""

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai_realtime_client import ApiClient, RealtimeApi, RequestValidationError
from openai_realtime_client.api.realtime.create_realtime_session import BODY_SCHEMA
from openai_realtime_client.models import RealtimeSessionCreateRequest, RealtimeSessionCreateResponse

from tests.support.payloads import TEST_API_KEY
from tests.support.schema_strategies import values_for
from tools import openapi_document, paths
from tools.servers.mock_server import MockServer

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _inline(document: dict[str, Any], node: Any) -> Any:
    """The schema with every $ref replaced by what it points to (the spec has no cycles)."""
    node = openapi_document.resolve(document, node)
    if isinstance(node, dict):
        return {key: _inline(document, value) for key, value in node.items() if key not in ("example", "examples")}
    if isinstance(node, list):
        return [_inline(document, item) for item in node]
    return node


DOCUMENT = openapi_document.load(paths.SPEC)
RESPONSE_SCHEMA = _inline(DOCUMENT, {"$ref": "#/components/schemas/RealtimeSessionCreateResponse"})


def _bounded_fields(schema: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any, Any]]:
    """(path, minimum, maximum) of every plain numeric field with a bound, found by walking the schema."""
    if "minimum" in schema or "maximum" in schema:
        yield path, schema.get("minimum"), schema.get("maximum")
    for name, sub in schema.get("properties", {}).items():
        yield from _bounded_fields(sub, (*path, name))


BOUNDED = list(_bounded_fields(BODY_SCHEMA))


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


def test_the_schema_walk_finds_every_documented_bound() -> None:
    found = {".".join(path) for path, _, _ in BOUNDED}
    assert {"temperature", "speed", "turn_detection.threshold", "client_secret.expires_after.seconds"} <= found


@SETTINGS
@given(body=values_for(BODY_SCHEMA))
def test_any_valid_request_round_trips_and_passes_the_servers_validation(
    server: MockServer, body: dict[str, Any]
) -> None:
    server.reset()
    request = RealtimeSessionCreateRequest.from_dict(copy.deepcopy(body))
    assert request.to_dict() == body

    with ApiClient(api_key=TEST_API_KEY, base_url=server.url, max_retries=0) as client:
        RealtimeApi(client).create_realtime_session(request)

    (received,) = server.received
    assert received.problems == ()
    assert received.json() == body


@st.composite
def _out_of_range(draw: st.DrawFn) -> tuple[tuple[str, ...], float]:
    path, minimum, maximum = draw(st.sampled_from(BOUNDED))
    sides = [side for side in (("below", minimum), ("above", maximum)) if side[1] is not None]
    side, bound = draw(st.sampled_from(sides))
    gap = draw(st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False))
    return path, (bound - gap if side == "below" else bound + gap)


@SETTINGS
@given(body=values_for(BODY_SCHEMA), broken=_out_of_range())
def test_any_request_with_a_value_out_of_range_is_refused_before_sending(
    server: MockServer, body: dict[str, Any], broken: tuple[tuple[str, ...], float]
) -> None:
    server.reset()
    path, value = broken
    target = body
    for name in path[:-1]:
        target = target.setdefault(name, {})
    if path == ("client_secret", "expires_after", "seconds"):
        target["anchor"] = "created_at"
    target[path[-1]] = value
    request = RealtimeSessionCreateRequest.from_dict(body)

    with (
        ApiClient(api_key=TEST_API_KEY, base_url=server.url) as client,
        pytest.raises(RequestValidationError) as caught,
    ):
        RealtimeApi(client).create_realtime_session(request)

    assert caught.value.path == ".".join(path)
    assert server.received == []


_EXTRA_FIELDS = st.dictionaries(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=12).filter(
        lambda name: name not in RESPONSE_SCHEMA["properties"]
    ),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8), lambda c: st.lists(c, max_size=3)),
    max_size=3,
)


@SETTINGS
@given(
    body=values_for(RESPONSE_SCHEMA),
    extra=_EXTRA_FIELDS,
    new_voice=st.text(alphabet="abcdefghijklmnopqrstuvwxyz-0123456789", min_size=1, max_size=12),
    new_modality=st.sampled_from(["video", "image", "haptics"]),
)
def test_any_response_with_extra_fields_and_new_enum_values_parses_and_round_trips(
    body: dict[str, Any], extra: dict[str, Any], new_voice: str, new_modality: str
) -> None:
    body = {**body, **extra, "voice": new_voice, "modalities": [*body.get("modalities", []), new_modality]}

    session = RealtimeSessionCreateResponse.from_dict(copy.deepcopy(body))

    assert session.to_dict() == body
    assert session.voice == new_voice
    assert session.additional_properties == extra
