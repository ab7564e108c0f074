"""Waymark's shared platform package.

Holds what every service needs and nothing service-specific: the event envelope and
schema registry, the event store (the outbox), the relay and the subscription runner,
the Flask service skeleton, observability and the ``waymark`` command line.
"""
