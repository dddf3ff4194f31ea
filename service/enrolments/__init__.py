"""Enrolments: a worker's place on a course presentation (a hold on their learning account),
the presentation's waiting list by priority and its offers, cancellation, the college's
confirmation of the start (the hold settled to the college) and of completion (the course's
skills in the worker's profile)."""
