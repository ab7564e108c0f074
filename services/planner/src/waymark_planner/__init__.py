"""Waymark planner: the annual careers plan aimed at audit gaps, the activity and participation log, evaluation, Word and Excel export."""
