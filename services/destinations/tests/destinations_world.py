"""Building destinations' world from directory's events, as its subscriptions receive
them: schools (with or without a sixth form) and learners of chosen Year 11 cohorts,
some still on roll, some left; and signed tokens for the people who ask."""

from __future__ import annotations

import uuid
from typing import Any

from directory_events import DirectoryLog

from waymark_destinations.adapters import institutions, roster
from waymark_shared.auth import Grant, Principal
from waymark_shared.auth.principal import CLIENT
from waymark_shared.auth.tokens import SigningKey, issue_token
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import ServiceRuntime


def year_group_in(cohort: str, academic_year: str = "2026/27") -> int:
    """The year group a learner of ``cohort`` is in during ``academic_year``."""
    return 11 + int(academic_year[:4]) - int(cohort[:4])


class World:
    def __init__(self, runtime: ServiceRuntime, log: DirectoryLog):
        self.runtime = runtime
        self.log = log

    def school(self, name: str = "Riverside Academy", *, sixth_form: bool = False, **details: Any) -> str:
        return self.log.registered(name, high_age=18 if sixth_form else 16, **details)

    def learner(
        self,
        institution_id: str,
        cohort: str,
        *,
        left_on: str | None = None,
        year_group: int | None = None,
        form_group: str | None = None,
    ) -> str:
        """A learner of the Year 11 ``cohort``; ``left_on``: the day they left."""
        learner_id = str(uuid.uuid4())
        year = year_group if year_group is not None else min(13, year_group_in(cohort))
        data = {
            "learner_id": learner_id,
            "institution_id": institution_id,
            "year_group": year,
            "cohort": cohort,
            "form_group": form_group or f"{min(year, 11)}R",
            "sen_status": "N",
            "disadvantaged": False,
        }
        self.log._learner("LearnerEnrolled", learner_id, data)
        if left_on is not None:
            self.log.left(institution_id, learner_id, left_on)
        return learner_id

    def leaver(self, institution_id: str, cohort: str = "2025/26", **kwargs: Any) -> str:
        """Left at the end of Year 11 (17 July)."""
        return self.learner(institution_id, cohort, left_on=f"{int(cohort[:4]) + 1}-07-17", year_group=11, **kwargs)

    def deliver(self) -> None:
        for subscription in (institutions.SUBSCRIPTION, roster.SUBSCRIPTION):
            self.log.deliver(SubscriptionRunner(subscription, self.runtime.engine))


def person(key: SigningKey, *grants: Grant, admin: bool = False) -> str:
    all_grants = list(grants) + ([Grant("admin", "platform", None)] if admin else [])
    return issue_token(Principal(str(uuid.uuid4()), grants=tuple(all_grants)), key)


def client(key: SigningKey, institution_id: str, *scopes: str) -> str:
    principal = Principal(
        str(uuid.uuid4()),
        kind=CLIENT,
        grants=(Grant("api_client", "institution", institution_id),),
        scopes=frozenset(scopes),
    )
    return issue_token(principal, key)


def at(role: str, institution_id: str) -> Grant:
    return Grant(role, "institution", institution_id)
