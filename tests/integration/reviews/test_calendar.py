import icalendar
import pytest

from tests.integration.reviews.helpers import OTHER_BRANCH, Reviews, at


@pytest.fixture
async def rv(api) -> Reviews:
    return await Reviews(api).setup()


async def issue(rv: Reviews, auth=None, rep=None):
    rep = rep or rv.rep
    return await rv.client.post(f"/v1/reps/{rep['id']}/calendar-token",
                                headers=auth or rv.rep_auth)


def events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


async def test_the_feed_shows_bookings_keeps_uids_and_shows_cancellations(rv: Reviews):
    worker, auth = await rv.worker(name="Maureen Anne Walsh")
    slot, later = await rv.slot(at(days=2)), await rv.slot(at(days=3))
    review = (await rv.book(worker, slot, auth)).json()
    issued = await issue(rv)
    assert issued.status_code == 201
    url = issued.json()["url"]
    path = url[url.index("/calendar/"):]
    first = await rv.client.get(path)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/calendar")
    found = events(first.content)
    uid = f"review-{review['id']}@ladder"
    assert list(found) == [uid]
    assert str(found[uid]["summary"]) == "Career review: Maureen W."
    assert "Walsh" not in first.text and worker["email"] not in first.text
    assert str(found[uid]["status"]) == "CONFIRMED" and int(found[uid]["sequence"]) == 0

    tag = first.headers["etag"]
    unchanged = await rv.client.get(path, headers={"If-None-Match": tag})
    assert unchanged.status_code == 304

    moved = (await rv.client.post(f"/v1/reviews/{review['id']}/reschedule", headers=auth,
                                  json={"slot_id": later["id"]})).json()
    after = await rv.client.get(path, headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag
    found = events(after.content)
    assert set(found) == {uid, f"review-{moved['id']}@ladder"}
    assert str(found[uid]["status"]) == "CANCELLED" and int(found[uid]["sequence"]) == 1
    assert str(found[f"review-{moved['id']}@ladder"]["status"]) == "CONFIRMED"


async def test_a_wrong_or_replaced_token_is_404(rv: Reviews):
    old = (await issue(rv)).json()["token"]
    new = (await issue(rv)).json()["token"]
    assert new != old
    assert (await rv.client.get(f"/calendar/{old}.ics")).status_code == 404
    assert (await rv.client.get(f"/calendar/{new}.ics")).status_code == 200
    assert (await rv.client.get(f"/calendar/{new}")).status_code == 404
    assert (await rv.client.get("/calendar/nonsense.ics")).status_code == 404
    assert (await rv.client.get("/calendar/.ics")).status_code == 404


async def test_only_the_rep_or_an_admin_issues_the_token(rv: Reviews, api):
    other = await api.rep(branch=OTHER_BRANCH)
    assert (await issue(rv, rep=other)).status_code == 403
    _, worker_auth = await rv.worker()
    assert (await issue(rv, auth=worker_auth)).status_code == 403
    assert (await issue(rv, auth=rv.admin, rep=other)).status_code == 201
    missing = {"id": "00000000-0000-0000-0000-000000000003"}
    assert (await issue(rv, auth=rv.admin, rep=missing)).status_code == 404
