"""The compiled request check (closures prepared once per schema) decides exactly as the schema walker.

Every operation's check runs the closures from ``compile_request_check``; only when they reject a
body does the walker (``check_request_body``) run to name the field. These tests draw valid bodies
from each operation's schema and break them anywhere inside (a value of another type, a number
near or past a bound, an unknown enum or discriminator value, a required key removed, an
unhashable value where a key is looked up), and require the same outcome from both: accepted,
refused with the same message, path and rule, or the same exception.
"""

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai_realtime_client import RequestValidationError
from openai_realtime_client.api import check_request_body, compile_request_check
from openai_realtime_client.api.realtime import (
    create_realtime_client_secret,
    create_realtime_session,
    create_realtime_transcription_session,
)

from tests.support.schema_strategies import values_for

SCHEMAS: dict[str, dict[str, Any]] = {
    module.__name__.rpartition(".")[2]: module.BODY_SCHEMA
    for module in (create_realtime_session, create_realtime_transcription_session, create_realtime_client_secret)
}
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-10, max_value=10_000)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["", "auto", "inf", "realtime", "transcription", "server_vad", "pcm16", "audio/pcm", "x"])
)
_JSON = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def _places(value: Any) -> list[tuple[Any, Any]]:
    """(container, key or index) of every value inside a body, at any depth."""
    found: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((value, key))
            found.extend(_places(item))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((value, index))
            found.extend(_places(item))
    return found


_STRINGS = st.sampled_from(["", "auto", "inf", "realtime", "transcription", "server_vad", "pcm16", "x"]) | st.text(
    max_size=5
)
_NUDGES = st.sampled_from([-10_000, -100, -1, -0.001, 0.001, 1, 100, 10_000])


@st.composite
def _bodies(draw: st.DrawFn, schema: dict[str, Any]) -> Any:
    """A valid body, or one broken in one place."""
    body = draw(values_for(schema))
    places = _places(body)
    if not places or draw(st.integers(min_value=0, max_value=4)) == 0:
        return body
    # Numbers are few among the places but carry most of the rules (bounds): favour them.
    numbers = [(c, k) for c, k in places if isinstance(c[k], int | float) and not isinstance(c[k], bool)]
    favour_numbers: bool = bool(numbers) and draw(st.booleans())
    container, key = draw(st.sampled_from(numbers if favour_numbers else places))
    value = container[key]
    how = draw(st.sampled_from(["alike", "alike", "alike", "replace", "remove", "unhashable"]))
    if how == "remove" and isinstance(container, dict):
        del container[key]
    elif how == "unhashable":
        container[key] = [value]
    elif how == "alike" and isinstance(value, int | float) and not isinstance(value, bool):
        container[key] = value + draw(_NUDGES)  # near or past a bound, or of the other numeric type
    elif how == "alike" and isinstance(value, str):
        container[key] = draw(_STRINGS)  # another enum value, or none of them
    else:
        container[key] = draw(_JSON)
    return body


def _outcome(check: Callable[[Any], None], body: Any) -> tuple[Any, ...]:
    try:
        check(body)
    except RequestValidationError as err:
        return ("refused", str(err), err.path, err.rule)
    except Exception as err:  # whatever the walker raises, the compiled check must raise too
        return ("raised", type(err).__name__, str(err))
    return ("accepted",)


@pytest.mark.parametrize("operation", sorted(SCHEMAS))
def test_the_compiled_check_decides_as_the_walker_on_valid_and_broken_bodies(operation: str) -> None:
    schema = SCHEMAS[operation]
    compiled = compile_request_check(schema)
    outcomes: set[str] = set()

    @SETTINGS
    @given(body=_bodies(schema))
    def agree(body: Any) -> None:
        walked = _outcome(lambda value: check_request_body(value, schema), body)
        assert _outcome(compiled, body) == walked
        outcomes.add(walked[0])

    agree()
    # The draws reached both sides: bodies accepted and bodies refused.
    assert {"accepted", "refused"} <= outcomes


def test_each_operation_runs_the_compiled_check_of_its_own_schema() -> None:
    module = create_realtime_session
    with pytest.raises(RequestValidationError) as caught:
        module._check_body({"temperature": 2.5})
    assert str(caught.value) == "temperature=2.5 is above the maximum 1.2"
    module._check_body({"temperature": 1.0, "voice": "a voice added later"})
