"""GET /v1/workers/{id}/matches on the hand-made reference set (helpers.py), where the right
answer is known."""

import secrets

from tests.integration.matching.helpers import (
    Catalogue,
    course,
    day,
    matches,
    occupation_id,
    pathway,
    run,
    skill_id,
    worker,
)


async def test_safer_closer_targets_rank_first_and_riskier_ones_never_appear(api):
    w = await worker(api)
    body = await matches(api, w["id"])
    assert body["occupation"]["id"] == str(occupation_id("source"))
    assert (body["at_risk"], body["at_risk_reasons"]) == (True, ["high_risk_occupation"])
    ids = [p["target_occupation"]["id"] for p in body["pathways"]]
    # risky (4.5 > 4.0) and high (category High) have the highest similarity but never show
    assert ids == [str(occupation_id(k)) for k in ("close", "far", "safe")]
    close = body["pathways"][0]
    assert close["similarity"] == 0.8 and close["risk_drop"] == 2.5
    assert "automation risk 1.50 against 4.00" in close["why"]
    assert "similarity 0.80" in close["why"]
    assert (await matches(api, w["id"], limit=1))["pathways"][0]["target_occupation"]["id"] \
        == ids[0]


async def test_gaps_are_the_targets_essential_skills_not_held_at_level_2(api, client):
    w = await worker(api)
    admin = await api.admin()
    # s1 is assumed (essential to the worker's occupation); g1 held at level 2; g2 at level 1
    for skill, level in (("g1", 2), ("g2", 1)):
        response = await client.put(f"/v1/workers/{w['id']}/skills/{skill_id(skill)}",
                                    headers=admin, json={"level": level, "source": "review"})
        assert response.status_code == 200, response.text
    close = pathway(await matches(api, w["id"]), "close")
    assert [g["skill_id"] for g in close["gap_skills"]] == [str(skill_id("g2"))]
    assert close["gap_skills"][0]["tags"] == ["transversal"]
    # an assessed level 1 in an assumed skill makes it a gap
    await client.put(f"/v1/workers/{w['id']}/skills/{skill_id('s1')}", headers=admin,
                     json={"level": 1, "source": "review"})
    close = pathway(await matches(api, w["id"]), "close")
    assert {g["skill_id"] for g in close["gap_skills"]} == {str(skill_id("s1")),
                                                            str(skill_id("g2"))}
    safe = pathway(await matches(api, w["id"]), "safe")
    assert [g["label"] for g in safe["gap_skills"]] == ["calculate wages"]


async def test_one_course_covering_two_gaps_beats_two_covering_one_each(api):
    ids = await Catalogue(api).sync(course("both", ["g1", "g2"]), course("one", ["g1"]),
                                    course("two", ["g2"]))
    close = pathway(await matches(api, (await worker(api))["id"]), "close")
    assert [c["course_id"] for c in close["courses"]] == [ids["both"]]
    assert {c["skill_id"] for c in close["courses"][0]["covers"]} == {
        str(skill_id("g1")), str(skill_id("g2"))}
    assert close["uncovered_gaps"] == [] and close["total_cost_pence"] == 10_000
    assert "Closes 2 gaps" in close["courses"][0]["why"]


async def test_introductory_comes_before_advanced(api):
    ids = await Catalogue(api).sync(course("adv", ["g1"], level="5"),
                                    course("intro", ["g2"], level="1"),
                                    course("mid", ["g3"], level="3"))
    body = await matches(api, (await worker(api, highest_qualification="none"))["id"])
    close = pathway(body, "close")
    assert [(c["course_id"], c["band"]) for c in close["courses"]] == [
        (ids["intro"], "introductory"), (ids["adv"], "advanced")]


async def test_pathway_starts_at_the_workers_level(api):
    """A course below the worker's level is taken only when nothing at or above closes the gap,
    and then it says so."""
    ids = await Catalogue(api).sync(course("low", ["g1", "g2"], level="1"),
                                    course("at", ["g1"], level="3"),
                                    course("low2", ["g2"], level="E3"))
    close = pathway(await matches(api, (await worker(api, highest_qualification="3"))["id"]),
                    "close")
    # "low" alone would close both gaps, but it is below the worker's level: "at" closes g1,
    # and g2 has only courses below it, of which the cheapest, lowest one
    assert [c["course_id"] for c in close["courses"]] == [ids["low2"], ids["at"]]
    assert "below your level (3)" in close["courses"][0]["why"]
    assert "below your level" not in close["courses"][1]["why"]


async def test_evening_is_chosen_over_a_cheaper_daytime_course_for_a_zero_hours_worker(api):
    ids = await Catalogue(api).sync(
        course("day", ["g1"], runs=[run("d", attendance_pattern="daytime", cost_pence=5_000)]),
        course("eve", ["g1"], runs=[run("e", cost_pence=20_000)]),
        course("dayonly", ["g2"], runs=[run("d2", attendance_pattern="daytime")]))
    zero = await worker(api, contract_type="zero_hours", weekly_hours=12)
    close = pathway(await matches(api, zero["id"]), "close")
    chosen = {c["course_id"]: c for c in close["courses"]}
    assert set(chosen) == {ids["eve"], ids["dayonly"]}
    assert chosen[ids["eve"]]["presentation"]["attendance"] == "evening"
    assert "no evening, weekend, self-paced, online or blended course" in chosen[
        ids["dayonly"]]["why"]
    assert "may not suit" not in chosen[ids["eve"]]["why"]
    # a full-time worker gets the cheaper daytime one
    full = pathway(await matches(api, (await worker(api))["id"]), "close")
    assert {c["course_id"] for c in full["courses"]} == {ids["day"], ids["dayonly"]}


async def test_only_presentations_that_fit_are_used(api):
    """Started, full, withdrawn and out-of-region classroom runs are left out; online is
    always in reach; a flexible one still running is in."""
    ids = await Catalogue(api).sync(
        course("past", ["g1"], runs=[run("p", starts_on=day(-10))]),
        course("full", ["g1"], runs=[run("f", places=0)]),
        course("far", ["g1"], runs=[run("x", venue_postcode="PL6 7FH")]),
        course("online", ["g2"], runs=[run("o", venue_postcode="PL6 7FH", delivery="online",
                                           cost_pence=30_000)]),
        course("flex", ["g3"], runs=[run("fl", starts_on=day(-10), study_mode="flexible")]))
    body = await matches(api, (await worker(api))["id"])
    close = pathway(body, "close")
    assert [c["course_id"] for c in close["courses"]] == [ids["online"]]
    assert [g["skill_id"] for g in close["uncovered_gaps"]] == [str(skill_id("g1"))]
    assert "No course that fits you closes use spreadsheets software" in close["why"]
    assert [c["course_id"] for c in pathway(body, "far")["courses"]] == [ids["flex"]]
    # the South West worker reaches the Plymouth classroom
    west = pathway(await matches(api, (await worker(api, region="E12000009"))["id"]), "close")
    assert {c["course_id"] for c in west["courses"]} == {ids["far"], ids["online"]}


async def test_unaffordable_pathway_is_shown_and_marked(api):
    await Catalogue(api).sync(course("dear", ["g1", "g2"],
                                     runs=[run("d", cost_pence=250_000)]))
    body = await matches(api, (await worker(api))["id"])
    close = pathway(body, "close")
    assert body["available_pence"] == 0
    assert (close["total_cost_pence"], close["affordable"]) == (250_000, False)
    assert "£2500.00 short, not affordable yet" in close["why"]


async def test_earmarked_money_is_counted(api, client):
    ids = await Catalogue(api).sync(course("c", ["g1", "g2"], runs=[run("r", cost_pence=40_000)]))
    w = await worker(api)
    admin = await api.admin()
    for amount, earmark in ((10_000, None), (30_000, {"kind": "course", "id": ids["c"]})):
        response = await client.post(
            f"/v1/workers/{w['id']}/account/contributions",
            headers=admin | {"Idempotency-Key": secrets.token_hex(8)},
            json={"amount_pence": amount, "source": "employer", "reference": "test",
                  "earmark": earmark})
        assert response.status_code == 201, response.text
    body = await matches(api, w["id"])
    assert (body["available_pence"], body["earmarked_pence"]) == (40_000, 30_000)
    close = pathway(body, "close")
    assert (close["total_cost_pence"], close["affordable"]) == (40_000, True)
    assert "£400.00 available (£300.00 of it earmarked): affordable" in close["why"]


async def test_digital_gap_is_tagged_and_focus_digital_puts_its_course_first(api):
    ids = await Catalogue(api).sync(course("sheets", ["g1"], level="4"),
                                    course("advise", ["g2"], level="1"))
    w = await worker(api, highest_qualification="1")
    close = pathway(await matches(api, w["id"]), "close")
    tags = {g["label"]: g["tags"] for g in close["gap_skills"]}
    assert tags == {"use spreadsheets software": ["digcomp", "digital"],
                    "advise on pay": ["transversal"]}
    assert "1 of them digital (use spreadsheets software)" in close["why"]
    assert [c["course_id"] for c in close["courses"]] == [ids["advise"], ids["sheets"]]
    focused = await matches(api, w["id"], focus="digital")
    assert focused["focus"] == "digital"
    close = pathway(focused, "close")
    assert [c["course_id"] for c in close["courses"]] == [ids["sheets"], ids["advise"]]
    assert "Digital: use spreadsheets software, closed first" in close["courses"][0]["why"]


async def test_worker_with_no_occupation_is_told_what_to_add(api):
    w = await worker(api, occupation=None)
    body = await matches(api, w["id"])
    assert body["occupation"] is None and body["pathways"] == []
    assert body["at_risk"] is False
    assert "Add their current occupation" in body["message"]


async def test_facing_redundancy_is_at_risk_in_a_safe_occupation(api):
    w = await worker(api, occupation=None, facing_redundancy=True)
    body = await matches(api, w["id"])
    assert (body["at_risk"], body["at_risk_reasons"]) == (True, ["facing_redundancy"])
