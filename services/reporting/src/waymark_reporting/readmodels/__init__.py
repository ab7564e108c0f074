"""Projections of other services' events into reporting's read models."""
