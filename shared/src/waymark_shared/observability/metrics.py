"""Every Prometheus metric Waymark exports, defined once.

Under gunicorn the process sets ``PROMETHEUS_MULTIPROC_DIR`` before importing this
module, so counters and histograms are aggregated across workers; gauges say how they
combine. Labels never carry pupil data: only service, route templates, statuses,
event types, topics and subscription names.
"""

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "waymark_http_requests_total",
    "HTTP requests handled, by service, route template, method and status.",
    ["service", "route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "waymark_http_request_duration_seconds",
    "HTTP request latency, by service, route template, method and status.",
    ["service", "route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0),
)
EVENTS_APPENDED = Counter(
    "waymark_events_appended_total",
    "Events appended to a service's event store.",
    ["service", "type"],
)
APPEND_CONFLICTS = Counter(
    "waymark_append_conflicts_total",
    "Appends refused because the stream had moved past the expected version.",
    ["service"],
)
EVENTS_PUBLISHED = Counter(
    "waymark_events_published_total",
    "Events the relay has published to Kafka and recorded as published.",
    ["service", "topic"],
)
RELAY_BACKLOG = Gauge(
    "waymark_relay_backlog_events",
    "Events stored but not yet published by the relay.",
    ["service", "topic"],
    multiprocess_mode="livemax",
)
RELAY_FAILURES = Counter(
    "waymark_relay_publish_failures_total",
    "Relay batches that could not be published (broker unreachable or refusing).",
    ["service", "topic"],
)
EVENTS_CONSUMED = Counter(
    "waymark_events_consumed_total",
    "Events a subscription has applied (skipped duplicates are not counted).",
    ["subscription", "source"],
)
EVENTS_DUPLICATE = Counter(
    "waymark_events_duplicate_total",
    "Redelivered events a subscription recognised and skipped.",
    ["subscription", "source"],
)
EVENTS_PARKED = Counter(
    "waymark_events_parked_total",
    "Events whose handler failed and which were parked for the ops team.",
    ["subscription", "source"],
)
PARKED_OUTSTANDING = Gauge(
    "waymark_parked_events",
    "Parked events waiting to be retried.",
    ["subscription"],
    multiprocess_mode="livemax",
)
CONSUMER_LAG = Gauge(
    "waymark_consumer_lag_events",
    "Events available to a subscription that it has not yet applied.",
    ["subscription", "source"],
    multiprocess_mode="livemax",
)
APPLY_LATENCY = Histogram(
    "waymark_event_visible_seconds",
    "Time from an event's append to its application by a subscription.",
    ["subscription", "source"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)

KAFKA_MESSAGES_REJECTED = Counter(
    "waymark_kafka_messages_rejected_total",
    "Kafka messages a subscription skipped because they are not Waymark CloudEvents.",
    ["subscription", "topic"],
)
KAFKA_RECORDS_LOST = Counter(
    "waymark_kafka_records_lost_total",
    "Records deleted from a topic (by retention) before this subscription applied them.",
    ["subscription", "topic"],
)
MAINTENANCE_ROUNDS = Counter(
    "waymark_maintenance_rounds_total",
    "Rounds of a service's maintenance job (derived read models brought up to date), by outcome.",
    ["service", "job", "outcome"],
)
MAINTENANCE_ITEMS = Counter(
    "waymark_maintenance_items_total",
    "Items a maintenance job brought up to date (institution summaries refreshed, say).",
    ["service", "job"],
)
