"""Helpers and pytest fixtures for tests (and benchmarks) across Waymark."""
