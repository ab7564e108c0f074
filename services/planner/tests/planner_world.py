"""What planner's tests stand on: directory's institutions, rosters and providers and
audit's completed evaluations, appended to their producers' logs and delivered to every
planner subscription (as the platform would deliver them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from audit_events import AuditLog
from directory_events import DirectoryLog

from waymark_shared.events.envelope import RecordedEvent
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import ServiceRuntime


class World:
    def __init__(
        self,
        runtime: ServiceRuntime,
        runners: Mapping[str, SubscriptionRunner],
        directory: DirectoryLog,
        audit: AuditLog,
    ) -> None:
        self.runtime = runtime
        self.runners = runners
        self.directory = directory
        self.audit = audit

    def deliver(self) -> None:
        """Every event of both logs not yet applied, to every subscription."""
        for runner in self.runners.values():
            self.directory.deliver(runner)
            self.audit.deliver(runner)

    def institution(self, name: str = "Riverside Academy", **details: Any) -> str:
        """A registered institution's id (``details``: careers_hub, trust, institution_type...)."""
        institution_id = self.directory.registered(name, **details)
        self.deliver()
        return institution_id

    def learners(
        self, institution_id: str, year_group: int, count: int = 1, *, form_group: str | None = None
    ) -> list[str]:
        """``count`` learners enrolled in ``year_group`` (form group ``<year>R`` unless given)."""
        ids = [
            self.directory.enrolled(institution_id, year_group, form_group=form_group) for _ in range(count)
        ]
        self.deliver()
        return ids

    def left(self, institution_id: str, learner_id: str) -> None:
        self.directory.left(institution_id, learner_id)
        self.deliver()

    def provider(self, name: str = "Riverside Engineering Ltd", **details: Any) -> str:
        """A provider listed in directory."""
        provider_id = self.directory.provider_listed(name, **details)
        self.deliver()
        return provider_id

    def withdraw(self, provider_id: str) -> None:
        self.directory.provider_withdrawn(provider_id)
        self.deliver()

    def completed(self, institution_id: str, statuses: Mapping[str, str], **details: Any) -> RecordedEvent:
        """An evaluation completed in audit with ``statuses`` per criterion id."""
        event = self.audit.completed(institution_id, statuses, **details)
        self.deliver()
        return event


def snapshot(runtime: ServiceRuntime) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of planner's own tables and of its event log: a refused command leaves
    it as it was."""
    from sqlalchemy import select

    from waymark_planner.adapters.tables import metadata
    from waymark_shared.db.tables import events

    own = [table for name, table in metadata.tables.items() if name not in _COPIES]
    with runtime.engine.connect() as conn:
        found = {table.name: sorted(map(tuple, conn.execute(select(table))), key=repr) for table in own}
        found["events"] = sorted(map(tuple, conn.execute(select(events.c.event_id))))
    return found


# Copies of other services' events, which commands never write.
_COPIES = {"institutions", "roster_learners", "providers", "completed_evaluations"}
