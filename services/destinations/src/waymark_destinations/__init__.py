"""Waymark destinations: intended, actual and sustained destinations of every young person."""
