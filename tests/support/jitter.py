"""The client's random source, controlled: the jitter of each backoff is drawn where a test says."""

import pytest
from openai_realtime_client import client as client_module


class ControlledRandom:
    """Stands in for the random module in the client: ``uniform(a, b)`` returns the point
    ``fraction`` of the way from a to b, and remembers the bounds it was asked for."""

    def __init__(self, fraction: float) -> None:
        self.fraction = fraction
        self.asked: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.asked.append((a, b))
        return a + (b - a) * self.fraction


def control_jitter(monkeypatch: pytest.MonkeyPatch, fraction: float) -> ControlledRandom:
    """Until the test ends, every jitter the client draws is ``fraction`` of the way through its range."""
    controlled = ControlledRandom(fraction)
    monkeypatch.setattr(client_module, "random", controlled)
    return controlled
