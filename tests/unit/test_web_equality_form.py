"""The web's equality form offers every answer the equality service accepts, each worded, and
nothing else (so a category added to the ONS lists cannot be left off the form)."""

from service.equality.logic import ALLOWED, PREFER_NOT_TO_SAY
from service.web.routes_equality import ethnic_groups, labels


def test_every_accepted_answer_has_its_wording():
    worded = labels()
    for field, accepted in ALLOWED.items():
        assert set(worded[field]) == set(accepted), field
        assert all(text.strip() for text in worded[field].values()), field


def test_the_ethnicity_list_offers_each_accepted_value_once():
    offered = [value for _, choices in ethnic_groups() for value, _ in choices]
    assert len(offered) == len(set(offered))
    assert set(offered) | {PREFER_NOT_TO_SAY} == set(ALLOWED["ethnicity"])
    groups = [label for label, _ in ethnic_groups()]
    assert groups[0] == "White" and len(groups) == 5
