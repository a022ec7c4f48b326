"""Stage between import and generation: what changed between two descriptions, and in the public API
of the client regenerated from the new one (``python -m tools.spec_diff``).

The two kinds of finding share this vocabulary: a ``Change``, and ``SpecDiffError`` for an input
that cannot be used.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    """A difference between two versions, judged from the point of view of a user of the client.

    ``id`` is ``"<kind> <where>"``: stable across runs and written as-is into the ack file, e.g.
    ``field-removed POST /realtime/sessions request.turn_detection.threshold``.
    """

    kind: str
    where: str
    detail: str
    breaking: bool
    id: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", f"{self.kind} {self.where}")

    def sort_key(self) -> tuple[bool, str, str]:
        """Breaking changes first, then by id, so a report is the same on every run."""
        return (not self.breaking, self.id, self.detail)


class SpecDiffError(Exception):
    """An input cannot be used: the message is one line naming the file and the problem."""
