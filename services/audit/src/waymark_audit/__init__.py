"""Waymark audit: Compass-style self-evaluation against the Gatsby Benchmarks."""
