"""Waymark directory: which institutions exist, who may do what, who the learners are
(pseudonymously) and which activity providers can help."""
