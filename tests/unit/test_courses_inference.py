"""Skill inference from course text: stems, phrases, confidence and the labels it ignores."""

import uuid

from hypothesis import given
from hypothesis import strategies as st

from service.courses.inference import (
    MAX_SKILLS_PER_COURSE,
    Label,
    build_lexicon,
    confidence,
    explain,
    first_lexeme,
    infer_skills,
    usable,
    words,
)

WELD = uuid.uuid4()
AID = uuid.uuid4()
HAIR = uuid.uuid4()
BRISTLES = uuid.uuid4()
CPP = uuid.uuid4()
# What to_tsvector('english', word) gives; None for stop words.
STEMS = {"welding": "weld", "weld": "weld", "techniques": "techniqu", "technique": "techniqu",
         "first": "first", "aid": "aid", "hair": "hair", "c": "c", "the": None, "of": None,
         "learn": "learn", "in": None, "a": None, "day": "day", "do": None, "metal": "metal"}
LABELS = [Label(WELD, "welding techniques", True), Label(AID, "first aid", True),
          Label(HAIR, "hair", True), Label(BRISTLES, "hair", False), Label(CPP, "C++", True),
          Label(BRISTLES, "hair-do", False)]
LEXICON = build_lexicon(LABELS, STEMS)


def infer(title="", subjects=(), description=""):
    return infer_skills(LEXICON, STEMS, title, list(subjects), description)


def test_a_phrase_matches_its_stems_in_order_keeping_the_course_words():
    (found,) = infer(title="Learn the welding technique")
    assert (found.skill_id, found.matched_label, found.matched_words, found.matched_in) == (
        WELD, "welding techniques", ("welding", "technique"), "title")
    assert found.confidence == 0.85


def test_stop_words_between_the_words_do_not_break_a_phrase():
    (found,) = infer(subjects=["first of aid"])
    assert found.skill_id == AID and found.matched_words == ("first", "aid")


def test_words_out_of_order_or_cut_off_do_not_match():
    assert infer(title="aid first") == []
    assert infer(title="Learn welding") == []


def test_one_word_labels_only_when_preferred_and_plain():
    assert [f.skill_id for f in infer(title="Hair")] == [HAIR]  # not bristles' alt label
    assert infer(title="C") == []
    assert not usable(Label(BRISTLES, "hair-do", False), ("hair",))
    assert not usable(Label(CPP, "C++", True), ("c",))
    assert usable(Label(HAIR, "hair", True), ("hair",))


def test_one_word_in_a_description_is_too_weak():
    assert infer(description="Hair in a day") == []
    assert [f.skill_id for f in infer(description="first aid")] == [AID]


def test_the_best_match_of_a_skill_wins_and_results_are_capped():
    found = infer(title="first aid", description="first aid")
    assert [(f.skill_id, f.matched_in) for f in found] == [(AID, "title")]
    many = [Label(uuid.uuid4(), f"weld metal{i}", True) for i in range(30)]
    stems = STEMS | {f"metal{i}": f"metal{i}" for i in range(30)}
    lexicon = build_lexicon(many, stems)
    text = " ".join(f"weld metal{i}" for i in range(30))
    assert len(infer_skills(lexicon, stems, text, [], "")) == MAX_SKILLS_PER_COURSE


def test_confidence_grows_with_phrase_length_and_place():
    assert confidence(1, "description", False) < confidence(2, "description", False)
    assert confidence(2, "description", True) < confidence(2, "subjects", True)
    assert confidence(2, "subjects", True) < confidence(2, "title", True)
    assert confidence(5, "title", True) == 0.95


def test_lexeme_parsing_and_words():
    assert first_lexeme("'engin':1 'hand':3") == "engin"
    assert first_lexeme("'o''brien':1") == "o'brien"
    assert first_lexeme("") is None
    assert words("Hands-on C++ & welding_2") == ["Hands", "on", "C", "welding", "2"]


def test_explanations():
    assert "college lists" in explain("college", 1.0, None, [], None)
    said = explain("inferred", 0.85, "welding techniques", ["welding", "technique"], "title")
    assert said == ("the title says 'welding technique', which matches the ESCO label "
                    "'welding techniques' (confidence 0.85)")


@given(st.text(max_size=300), st.lists(st.text(max_size=30), max_size=5), st.text(max_size=300))
def test_any_text_gives_valid_results(title, subjects, description):
    for found in infer_skills(LEXICON, STEMS, title, subjects, description):
        assert 0.5 <= found.confidence <= 0.95
        assert found.matched_words
