"""A synthetic national dataset: each producing service's log, generated on demand.

Nothing is held but the institutions: each ``events(source)`` call generates that
source's log afresh, event by event, identical every time for the same parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cached_property

from waymark_reporting.synthetic.audit import audit_events
from waymark_reporting.synthetic.destinations import destinations_events
from waymark_reporting.synthetic.directory import directory_events
from waymark_reporting.synthetic.institutions import Institution, build_institutions
from waymark_reporting.synthetic.log import chunked
from waymark_reporting.synthetic.parameters import Parameters
from waymark_reporting.synthetic.planner import planner_events
from waymark_shared.events.envelope import RecordedEvent

Generator = Callable[[Parameters, Sequence[Institution]], Iterator[RecordedEvent]]
GENERATORS: dict[str, Generator] = {
    "directory": directory_events,
    "audit": audit_events,
    "planner": planner_events,
    "destinations": destinations_events,
}
SOURCES = tuple(GENERATORS)  # producers first: directory's institutions and learners


class NationalDataset:
    def __init__(self, parameters: Parameters | None = None):
        self.parameters = parameters or Parameters()

    @cached_property
    def institutions(self) -> list[Institution]:
        return build_institutions(self.parameters)

    def events(self, source: str) -> Iterator[RecordedEvent]:
        """``source``'s log, in log order."""
        return GENERATORS[source](self.parameters, self.institutions)

    def batches(self, source: str, size: int = 1000) -> Iterator[list[RecordedEvent]]:
        return chunked(self.events(source), size)

    def all_events(self) -> Iterator[tuple[str, RecordedEvent]]:
        for source in SOURCES:
            for event in self.events(source):
                yield source, event

    def count(self) -> dict[str, int]:
        """Events per source (generates them all, holding none)."""
        return {source: sum(1 for _ in self.events(source)) for source in SOURCES}


def sized(events: int, parameters: Parameters | None = None, *, sample: int = 50) -> Parameters:
    """``parameters`` with as many institutions as make about ``events`` events (from the
    events per institution of a ``sample`` of them)."""
    parameters = parameters or Parameters()
    probe = NationalDataset(parameters.with_(institutions=sample, validate_every=0))
    per_institution = sum(probe.count().values()) / sample
    return parameters.with_(institutions=max(1, round(events / per_institution)))
