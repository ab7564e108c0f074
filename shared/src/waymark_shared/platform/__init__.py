"""Composing services into processes: the embedded all-in-one and the distributed parts.

This is the composition root. It finds services through their entry points and never
imports a service package by name.
"""
