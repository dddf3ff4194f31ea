"""Every action the services audit on a worker's data has words in the access log (the worker
reads "booked you a place on a course", not "enrolments book")."""

import re

from service.datarights.logic import ACTIONS, action_kind, describe
from tests.conftest import ROOT

DOMAINS = ("worker", "account", "skills", "reviews", "matching", "datarights", "enrolments",
           "consents", "equality", "challenges", "programmes")
ACTION = re.compile(r'"((?:' + "|".join(DOMAINS) + r')\.[a-z_]+(?:\.[a-z_]+)*)"')
NOT_ACTIONS = {"reviews.calendar"}  # a prefix that the access log's own rules test


def audited_actions() -> set[str]:
    return {found for path in (ROOT / "service").rglob("*.py")
            for found in ACTION.findall(path.read_text())} - NOT_ACTIONS


def test_every_audited_action_has_words():
    actions = audited_actions()
    assert {"enrolments.book", "consents.give", "equality.write"} <= actions  # the scan works
    assert sorted(actions - set(ACTIONS)) == []


def test_the_words_and_kinds_of_some_actions():
    assert describe("enrolments.book") == "booked you a place on a course"
    assert describe("someone.new_thing") == "someone new thing"
    assert action_kind("enrolments.provider_list") == "read"
    assert action_kind("consents.give") == "change"
