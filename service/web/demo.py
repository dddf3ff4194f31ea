"""The demo's people on the web pages: with `--demo`, the sign-in page lists each worker's and
rep's email and what to try as them, and `ladder serve --demo` prints a link for each of them
and for each college (a college has no email)."""

from typing import NamedTuple

from service.demo import PROVIDERS, REPS, WORKERS, email_of

TRY = {
    "Maureen Walsh": "an account with union money, the statement, priority, skills, booking "
                     "one of Amira Khan's review slots, your data",
    "Joanne Brierley": "her review a week ago, whose outcome Amira Khan records",
    "Dev Patel": "facing redundancy: options, choosing a pathway, enrolling on a course",
    "Tom Okafor": "options with the demo college's courses",
    "Ian Penrose": "options with the demo college's courses",
    "Amira Khan": "the Leeds branch: registering a worker, review slots, recording the outcome "
                  "of Joanne Brierley's review",
    "Gareth Pryce": "the Cornwall branch",
    "Cornwall College": "uploading a catalogue and seeing why a course is rejected (try "
                        "docs/examples/catalogue-with-a-bad-course.json, keeping the others)",
    "Poppleton Community College": "the demo courses, and confirming the enrolments made on them",
}


class DemoPerson(NamedTuple):
    role: str
    name: str
    email: str | None  # None for a college, which signs in by a printed link only
    ukprn: str | None
    try_: str


def demo_people() -> list[DemoPerson]:
    """Every demo worker, rep and college, in that order."""
    return [*(DemoPerson("worker", w[1], email_of(w[1]), None, TRY.get(w[1], "an account"))
              for w in WORKERS),
            *(DemoPerson("rep", name, email, None, TRY.get(name, "a branch"))
              for name, email, _ in REPS),
            *(DemoPerson("college", name, None, ukprn, TRY.get(name, "a catalogue"))
              for ukprn, name in PROVIDERS)]
