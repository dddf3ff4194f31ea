"""A completed course closes its gap: once the college confirms that the worker started and then
completed it, the skill the course teaches is in the worker's profile at level 2 (source
`course`) and no longer a gap in GET /v1/workers/{id}/matches, nor a reason for its courses."""

from tests.integration.accounts.helpers import contribute
from tests.integration.enrolments.helpers import BRANCH, Enrolments
from tests.integration.matching.helpers import (
    course,
    day,
    matches,
    pathway,
    run,
    skill_id,
    skill_uri,
    worker,
)


def gaps_and_courses(body: dict) -> tuple[list[str], set[str]]:
    close = pathway(body, "close")
    return [g["label"] for g in close["gap_skills"]], {c["title"] for c in close["courses"]}


async def test_a_completed_course_closes_the_gap_it_teaches(api, client):
    setup = await Enrolments(api).setup()
    # C1 teaches g1 and runs twice (the second run keeps it on offer after the first starts);
    # C2 teaches g2
    await setup.catalogue(course("C1", ["g1"], runs=[run("P1"), run("P2", starts_on=day(60))]),
                          course("C2", ["g2"]))
    presentation_id = await setup.presentation_id("P1", "C1")
    w = await worker(api, branch=BRANCH)
    await contribute(api, w, 50_000)
    both = (["advise on pay", "use spreadsheets software"], {"Course C1", "Course C2"})
    assert gaps_and_courses(await matches(api, w["id"])) == both

    enrolled = await setup.enrol(w, presentation_id)
    assert (enrolled.status_code, enrolled.json()["status"]) == (201, "booked"), enrolled.text
    await setup.move_start(presentation_id, 0)
    started = await setup.act(enrolled.json(), "start")
    assert started.status_code == 200, started.text
    # started is not completed: the gap is still open
    assert gaps_and_courses(await matches(api, w["id"])) == both

    completed = await setup.act(enrolled.json(), "complete")
    assert (completed.status_code, completed.json()["status"]) == (200, "completed")
    skills = await client.get(f"/v1/workers/{w['id']}/skills", headers=setup.admin)
    assert skills.status_code == 200
    [learnt] = [s for s in skills.json()["items"] if s["uri"] == skill_uri("g1")]
    assert (learnt["level"], learnt["source"]) == (2, "course")

    body = await matches(api, w["id"])
    assert gaps_and_courses(body) == (["advise on pay"], {"Course C2"})
    close = pathway(body, "close")
    assert str(skill_id("g1")) not in {g["skill_id"] for g in close["gap_skills"]}
    assert close["uncovered_gaps"] == [] and "1 of its essential skills" in close["why"]
