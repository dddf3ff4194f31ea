"""Consents: what a worker agreed to share (their name and email with a named college, for an
enrolment; equality monitoring), when, and its withdrawal."""
