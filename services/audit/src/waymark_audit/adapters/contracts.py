"""Audit's event contracts (its evaluation events arrive with the audit issue)."""

from waymark_shared.events import EventRegistry

registry = EventRegistry("audit")
