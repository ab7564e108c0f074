"""Fixtures every test directory can use: real PostgreSQL databases and a real Kafka."""

pytest_plugins = ["waymark_shared.testing.databases", "waymark_shared.testing.kafka"]
