"""Places taken by enrolments count: a presentation whose places are all held (offered, booked,
started or completed) is full and never offered; one with some held shows what is left
(courses' view over enrolments' `enrolments_places_taken`, migration 0031)."""

from tests.integration.enrolments.helpers import Enrolments
from tests.integration.matching.helpers import course, matches, pathway, run, worker


async def book(setup: Enrolments, presentation_id: str, how_many: int) -> None:
    for _ in range(how_many):
        booker, _ = await setup.worker()
        response = await setup.enrol(booker, presentation_id)
        assert response.status_code == 201, response.text
        assert response.json()["status"] == "booked"


async def offered(api, presentation_id: str) -> list[dict]:
    body = await matches(api, (await worker(api))["id"])
    return [c["presentation"] for c in pathway(body, "far")["courses"]
            if c["presentation"]["id"] == presentation_id]


async def test_a_presentation_with_every_place_booked_is_not_offered(api):
    setup = await Enrolments(api).setup()
    await setup.catalogue(course("C1", ["g3"], runs=[run("P1", places=2)]))
    presentation_id = await setup.presentation_id()
    [before] = await offered(api, presentation_id)
    assert before["places_left"] == 2
    await book(setup, presentation_id, 1)
    [one_left] = await offered(api, presentation_id)
    assert one_left["places_left"] == 1
    await book(setup, presentation_id, 1)
    assert await offered(api, presentation_id) == []
    # a third asks and waits: a waiting list holds no place, the presentation stays full
    waiting, _ = await setup.worker()
    response = await setup.enrol(waiting, presentation_id)
    assert (response.status_code, response.json()["status"]) == (201, "waiting")
    assert await offered(api, presentation_id) == []


async def test_a_cancelled_booking_frees_its_place(api):
    setup = await Enrolments(api).setup()
    await setup.catalogue(course("C1", ["g3"], runs=[run("P1", places=1)]))
    presentation_id = await setup.presentation_id()
    booker, _ = await setup.worker()
    response = await setup.enrol(booker, presentation_id)
    assert response.status_code == 201, response.text
    assert await offered(api, presentation_id) == []
    cancelled = await setup.act(response.json(), "cancel", auth=setup.rep_auth)
    assert cancelled.status_code == 200, cancelled.text
    [freed] = await offered(api, presentation_id)
    assert freed["places_left"] == 1
