"""The client's policies pinned exactly: how long it waits before a retry (the random source
controlled), whether it retries, and how much of a secret a repr shows."""

import string
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from openai_realtime_client.client import retry_delay, should_retry
from openai_realtime_client.types import UNSET, mask_secret
from urllib3 import HTTPHeaderDict

from tests.support.jitter import ControlledRandom, control_jitter

# README: 0.5 s x 2^n, capped at 8 s, less up to 25 % jitter.
BACKOFF_CEILINGS = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0]


@pytest.fixture
def lowest_jitter(monkeypatch: pytest.MonkeyPatch) -> ControlledRandom:
    """Every jitter draw the lowest allowed: 75 % of the backoff."""
    return control_jitter(monkeypatch, 0.0)


@pytest.mark.parametrize("fraction", [0.0, 0.5, 1.0])
def test_backoff_is_half_a_second_doubling_capped_at_8_less_the_drawn_jitter(
    monkeypatch: pytest.MonkeyPatch, fraction: float
) -> None:
    controlled = control_jitter(monkeypatch, fraction)

    delays = [retry_delay(retries_taken, None) for retries_taken in range(len(BACKOFF_CEILINGS))]

    assert delays == [ceiling * (0.75 + 0.25 * fraction) for ceiling in BACKOFF_CEILINGS]
    assert controlled.asked == [(0.75, 1.0)] * len(BACKOFF_CEILINGS)


def test_without_a_retry_after_header_the_backoff_applies(lowest_jitter: ControlledRandom) -> None:
    headers = HTTPHeaderDict({"x-request-id": "req_1"})

    assert [retry_delay(n, headers) for n in range(3)] == [0.375, 0.75, 1.5]


BACKOFF = 0.375  # the first retry's backoff with the lowest jitter


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # What the server asks for, from 0 to 60 s, wins.
        ({"Retry-After": "0"}, 0.0),
        ({"retry-after-ms": "0"}, 0.0),
        ({"Retry-After": "0.0"}, 0.0),
        ({"Retry-After": "2"}, 2.0),
        ({"Retry-After": "0.25"}, 0.25),
        ({"Retry-After": "60"}, 60.0),
        ({"retry-after-ms": "1"}, 0.001),
        ({"retry-after-ms": "1500.5"}, 1.5005),
        ({"retry-after-ms": "60000"}, 60.0),
        ({"RETRY-AFTER-MS": "250", "RETRY-AFTER": "9"}, 0.25),  # names in any case; ms first
        # A retry-after-ms that is not a number gives way to Retry-After.
        ({"retry-after-ms": "soon", "Retry-After": "3"}, 3.0),
        ({"retry-after-ms": "", "Retry-After": "3"}, 3.0),
        # Over a minute, negative, or unreadable: the backoff.
        ({"Retry-After": "60.001"}, BACKOFF),
        ({"retry-after-ms": "60001"}, BACKOFF),
        ({"Retry-After": "-1"}, BACKOFF),
        ({"Retry-After": "-0.001"}, BACKOFF),
        ({"retry-after-ms": "-5"}, BACKOFF),
        ({"Retry-After": "soon"}, BACKOFF),
        ({"Retry-After": ""}, BACKOFF),
        ({"retry-after-ms": "soon"}, BACKOFF),
        ({"Retry-After": "nan"}, BACKOFF),
        ({"Retry-After": "inf"}, BACKOFF),
        ({"retry-after-ms": "-inf"}, BACKOFF),
    ],
    ids=repr,
)
def test_retry_after_headers(lowest_jitter: ControlledRandom, headers: dict[str, str], expected: float) -> None:
    assert retry_delay(0, HTTPHeaderDict(headers)) == pytest.approx(expected, abs=1e-9)


def test_a_retry_after_date_in_the_past_means_the_backoff(lowest_jitter: ControlledRandom) -> None:
    past = format_datetime(datetime.now(UTC) - timedelta(seconds=5), usegmt=True)

    assert retry_delay(1, HTTPHeaderDict({"Retry-After": past})) == 0.75


def test_a_retry_after_date_within_a_minute_is_waited_for(lowest_jitter: ControlledRandom) -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)

    assert 28.0 < retry_delay(0, HTTPHeaderDict({"Retry-After": soon})) <= 30.0
    assert retry_delay(0, HTTPHeaderDict({"Retry-After": later})) == BACKOFF


RETRIED = [408, 409, 429, 500, 501, 502, 503, 504, 599]
NOT_RETRIED = [400, 401, 403, 404, 410, 422, 499]


@pytest.mark.parametrize("status", RETRIED + NOT_RETRIED)
def test_which_statuses_are_retried_without_x_should_retry(status: int) -> None:
    assert should_retry(status, HTTPHeaderDict()) is (status in RETRIED)


@pytest.mark.parametrize("value", ["true", "TRUE", "True", "tRuE", " true", "true ", " True ", "\tTRUE\t"])
@pytest.mark.parametrize("status", [400, 404, 503])
def test_x_should_retry_true_in_any_case_and_with_spaces_retries(status: int, value: str) -> None:
    assert should_retry(status, HTTPHeaderDict({"x-should-retry": value})) is True
    assert should_retry(status, HTTPHeaderDict({"X-Should-Retry": value})) is True


@pytest.mark.parametrize("value", ["false", "FALSE", "False", "fAlSe", " false", "false ", " False ", "\tFALSE\t"])
@pytest.mark.parametrize("status", [400, 429, 503])
def test_x_should_retry_false_in_any_case_and_with_spaces_stops(status: int, value: str) -> None:
    assert should_retry(status, HTTPHeaderDict({"x-should-retry": value})) is False
    assert should_retry(status, HTTPHeaderDict({"X-Should-Retry": value})) is False


@pytest.mark.parametrize("value", ["", "yes", "no", "1", "0", "t", "truee", "true false"])
@pytest.mark.parametrize("status", [400, 503])
def test_any_other_x_should_retry_leaves_the_status_to_decide(status: int, value: str) -> None:
    assert should_retry(status, HTTPHeaderDict({"x-should-retry": value})) is (status == 503)


# Distinct characters, so that a wrong slice shows.
SECRET_CHARACTERS = string.ascii_letters + string.digits


def test_mask_secret_hides_secrets_of_up_to_12_characters_and_shows_3_and_4_of_longer_ones() -> None:
    for length in range(len(SECRET_CHARACTERS) + 1):
        secret = SECRET_CHARACTERS[:length]

        shown = mask_secret(secret)

        if length <= 12:
            assert shown == "'***'", length
        else:
            # Seven characters at most, and the same width whatever the length.
            assert shown == f"'{secret[:3]}...{secret[-4:]}'", length
        if length:
            assert secret not in shown, length


def test_mask_secret_at_the_boundary() -> None:
    assert mask_secret("ek_123456789") == "'***'"  # 12 characters
    assert mask_secret("ek_1234567890") == "'ek_...7890'"  # 13


def test_mask_secret_shows_a_value_that_is_not_a_string_as_its_repr() -> None:
    assert mask_secret(None) == "None"
    assert mask_secret(UNSET) == "UNSET"


def test_a_plain_mapping_with_lowercase_names_is_read_too(lowest_jitter: ControlledRandom) -> None:
    # The client passes urllib3's case-insensitive headers; a caller may pass any mapping.
    assert should_retry(400, {"x-should-retry": "true"}) is True
    assert should_retry(503, {"x-should-retry": "false"}) is False
    assert retry_delay(0, {"retry-after-ms": "250"}) == 0.25
    assert retry_delay(0, {"retry-after": "3"}) == 3.0
