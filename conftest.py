"""Fixtures every test directory can use: real PostgreSQL databases, a real Kafka and a
headless browser."""

pytest_plugins = [
    "waymark_shared.testing.databases",
    "waymark_shared.testing.kafka",
    "waymark_shared.testing.browser",
]
