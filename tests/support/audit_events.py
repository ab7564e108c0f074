"""Audit's events as its subscribers (planner, reporting) see them.

Consumers' tests import this (``tests/support`` is on pytest's ``pythonpath``) rather
than audit: the events are checked against the contracts audit publishes."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import pytest

from waymark_shared.events.envelope import RecordedEvent
from waymark_shared.testing.event_logs import ProducerLog

ACHIEVED = "achieved"


class AuditLog(ProducerLog):
    """Audit's log: each evaluation a stream (``evaluation-<id>``), its subject the
    institution."""

    def __init__(self) -> None:
        super().__init__("audit")

    def completed(
        self,
        institution_id: str,
        statuses: Mapping[str, str],
        *,
        framework_id: str = "gatsby-2025",
        completed_at: str = "2026-11-20T10:00:00Z",
        evaluation_type: str = "school",
    ) -> RecordedEvent:
        """An ``AuditStarted`` then ``AuditCompleted`` of a new evaluation whose criteria
        (``"3.2"`` and so on) have ``statuses`` (achieved, in_progress, not_started); a
        benchmark is achieved when all its criteria are."""
        evaluation_id = str(uuid.uuid4())
        stream = f"evaluation-{evaluation_id}"
        base = {"evaluation_id": evaluation_id, "institution_id": institution_id}
        started = {
            **base,
            "framework_id": framework_id,
            "evaluation_type": evaluation_type,
            "started_at": completed_at,
        }
        self.append("AuditStarted", started, stream_id=stream, subject=institution_id)
        criteria = [_criterion(cid, status) for cid, status in statuses.items()]
        benchmarks = _benchmarks(criteria)
        data = {
            **base,
            "framework_id": framework_id,
            "evaluation_type": evaluation_type,
            "completed_at": completed_at,
            "benchmarks": benchmarks,
            "criteria": criteria,
            "benchmarks_achieved": sum(1 for b in benchmarks if b["achieved"]),
        }
        return self.append("AuditCompleted", data, stream_id=stream, subject=institution_id)


def _criterion(criterion_id: str, status: str) -> dict[str, Any]:
    met = 1 if status == ACHIEVED else 0
    return {
        "criterion_id": criterion_id,
        "benchmark": int(criterion_id.split(".", maxsplit=1)[0]),
        "status": status,
        "met": met,
        "scored": 1,
    }


def _benchmarks(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    results = []
    for number in range(1, 9):
        mine = [c for c in criteria if c["benchmark"] == number]
        met = sum(c["met"] for c in mine)
        results.append(
            {
                "number": number,
                "percentage": round(100 * met / len(mine)) if mine else None,
                "achieved": bool(mine) and met == len(mine),
            }
        )
    return results


@pytest.fixture
def audit_log() -> AuditLog:
    return AuditLog()
