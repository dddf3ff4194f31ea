"""The words of a transition, and when a load must rebuild the transitions."""

from service.reference import logic


def test_why_gives_the_counts_similarity_threshold_and_risks():
    why = logic.transition_why("payroll clerk", 3.58, "nesta", "office manager", 3.2, "Other",
                               "nesta", 0.1234, 5, 7)
    assert why == ("office manager needs 12 essential skills: payroll clerk shares 5 of them and "
                   "lacks 7. Skills similarity 0.12 (weighted Jaccard; 0.10 needed). Automation "
                   "risk 3.20 (Other) against 3.58 for payroll clerk: 0.38 lower.")


def test_why_says_when_a_risk_is_the_isco_group_average():
    why = logic.transition_why("a", 3.5, "isco_average", "b", 3.0, "Low", "isco_average", 0.5,
                               1, 0)
    assert "b needs 1 essential skill:" in why
    assert "3.00 (Low; its ISCO group's average, as Nesta has no score of its own)" in why
    assert "against 3.50 (its ISCO group's average) for a" in why


def test_only_changed_occupations_risks_or_relations_rebuild_transitions():
    assert not logic.transitions_inputs_changed({"skills": 3, "skill_labels": 9,
                                                 "skill_tags": 1, "everyday_job_titles": 2})
    assert logic.transitions_inputs_changed({"skills": 0, "occupation_skills": 1})
    assert logic.transitions_inputs_changed({"isco_group_risks": 1})
    assert logic.transitions_inputs_changed({"occupations": 2})
    assert not logic.transitions_inputs_changed({})
