"""The retry policy of runtime/openai_realtime_client/client.py, and the status table it reads."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from runtime.openai_realtime_client import client, errors


@pytest.mark.parametrize(
    ("status", "retried"),
    [(400, False), (401, False), (404, False), (408, True), (409, True), (422, False), (429, True), (500, True),
     (503, True), (599, True)],
)  # fmt: skip
def test_the_retried_statuses_come_from_the_status_table(status: int, retried: bool) -> None:
    assert client.should_retry(status, {}) is retried
    assert (status in errors.RETRIED_STATUSES or status >= errors.SERVER_ERROR_FROM) is retried


def test_the_server_decides_first() -> None:
    assert client.should_retry(400, {"x-should-retry": "true"})
    assert not client.should_retry(503, {"x-should-retry": " FALSE "})
    assert client.should_retry(503, {"x-should-retry": "maybe"})


def test_each_status_raises_its_class() -> None:
    assert errors.status_error_class(429) is errors.RateLimitError
    assert errors.status_error_class(errors.SERVER_ERROR_FROM + 2) is errors.InternalServerError
    assert errors.status_error_class(418) is errors.APIStatusError


def test_retry_after_is_honoured_up_to_the_limit() -> None:
    assert client.retry_delay(0, {"retry-after-ms": "250"}) == 0.25
    assert client.retry_delay(0, {"retry-after": "3"}) == 3.0
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25.0 < client.retry_delay(0, {"retry-after": when}) <= 30.0
    # Longer than MAX_RETRY_AFTER, or unreadable: the backoff instead.
    for headers in ({"retry-after": str(client.MAX_RETRY_AFTER + 1)}, {"retry-after": "soon"}):
        assert client.retry_delay(0, headers) <= client.INITIAL_BACKOFF


def test_the_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    for retries_taken in range(8):
        full = min(client.INITIAL_BACKOFF * 2.0**retries_taken, client.MAX_BACKOFF)
        delay = client.retry_delay(retries_taken, None)
        assert full * (1.0 - client.BACKOFF_JITTER) <= delay <= full


def test_the_user_agent_names_the_project_and_version() -> None:
    assert client.USER_AGENT == "openai-realtime-client/0.1.0"
