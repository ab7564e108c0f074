"""The suggestion catalogues: for each criterion of a benchmark framework (audit's
gatsby-2018 and gatsby-2025, by criterion id), a short title for the criterion and
the activity planner suggests when an evaluation finds it not achieved. Planner's own
files (``suggestions/<framework id>.yaml``): services never read one another's."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from waymark_planner.domain.suggestions import CatalogueEntry
from waymark_planner.domain.vocabulary import ACTIVITY_TYPES, TERMS, YEAR_GROUPS

FRAMEWORKS = ("gatsby-2018", "gatsby-2025")


class BadCatalogue(ValueError):
    pass


def _entry(framework_id: str, item: dict[str, Any]) -> CatalogueEntry:
    criterion_id = str(item["criterion"])
    where = f"{framework_id} criterion {criterion_id}"
    activity_type, term = item["activity_type"], item["term"]
    year_groups = tuple(int(y) for y in item["year_groups"])
    if activity_type not in ACTIVITY_TYPES:
        raise BadCatalogue(f"{where}: activity type {activity_type!r} is not one of planner's.")
    if term not in TERMS:
        raise BadCatalogue(f"{where}: term {term!r} is not one of {', '.join(TERMS)}.")
    if not set(year_groups) <= set(YEAR_GROUPS):
        raise BadCatalogue(f"{where}: year groups {year_groups} are not all from 7 to 14.")
    return CatalogueEntry(
        criterion_id, str(item["title"]), str(item["activity"]), activity_type, year_groups, term
    )


@cache
def catalogue(framework_id: str) -> dict[str, CatalogueEntry]:
    """The framework's catalogue by criterion id; empty for a framework planner has none for."""
    if framework_id not in FRAMEWORKS:
        return {}
    text = (files("waymark_planner") / "adapters" / "suggestions" / f"{framework_id}.yaml").read_text("utf-8")
    loaded = yaml.safe_load(text)
    entries = [_entry(framework_id, item) for item in loaded["criteria"]]
    return {entry.criterion_id: entry for entry in entries}
