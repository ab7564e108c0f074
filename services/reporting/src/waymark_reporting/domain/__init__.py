"""Reporting's pure rules: pupil-level evidence, Provider Access Legislation compliance,
academic years. Plain data in, plain data out; no database."""
