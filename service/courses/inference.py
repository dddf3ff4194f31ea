"""Which ESCO skills a course teaches, inferred from its title, subjects and description.

Words are reduced to their English stems by PostgreSQL's full-text configuration (the store asks
`to_tsvector('english', word)` once per distinct word), so "welding metals" in a course matches
the ESCO label "weld metal". Matching here is pure: an ESCO label (preferred or alternative)
matches where its stems appear as consecutive words, stop words aside. Every match keeps the
course's own words and the label it matched, so the answer can say why.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

Field = Literal["title", "subjects", "description"]

MAX_LABEL_WORDS = 6
MAX_SKILLS_PER_COURSE = 10
MIN_CONFIDENCE = 0.5
_BASE_CONFIDENCE = {1: 0.35, 2: 0.6}
_LONG_PHRASE_CONFIDENCE = 0.75
_FIELD_BONUS: dict[Field, float] = {"title": 0.2, "subjects": 0.15, "description": 0.0}
_PREFERRED_BONUS = 0.05
_WORD = re.compile(r"[^\W_]+")
_LEXEME = re.compile(r"'((?:[^']|'')*)'")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def first_lexeme(tsvector_text: str) -> str | None:
    """`'engin':1` -> `engin`; an empty vector (a stop word) -> None."""
    match = _LEXEME.search(tsvector_text)
    return match[1].replace("''", "'") if match else None


@dataclass(frozen=True, slots=True)
class Label:
    skill_id: UUID
    text: str
    preferred: bool


_END = ""  # a stem is never empty, so this key marks where a label's phrase ends


@dataclass
class Lexicon:
    """ESCO labels in a trie of their stems: matching walks from each word only as far as some
    label continues, so a text costs about one dictionary lookup per word."""

    root: dict[str, dict] = field(default_factory=dict)
    size: int = 0

    def add(self, stems: tuple[str, ...], label: Label) -> None:
        if not stems or len(stems) > MAX_LABEL_WORDS:
            return
        node = self.root
        for stem in stems:
            node = node.setdefault(stem, {})
        node.setdefault(_END, []).append(label)
        self.size += 1


def build_lexicon(labels: Iterable[Label], stems: Mapping[str, str | None]) -> Lexicon:
    lexicon = Lexicon()
    for label in labels:
        label_stems = _stems_of(label.text, stems)
        if usable(label, label_stems):
            lexicon.add(label_stems, label)
    return lexicon


def usable(label: Label, label_stems: tuple[str, ...]) -> bool:
    """A one-stem match is usable only for a preferred label of one plain word: one-word
    alternative labels ("hair" for bristles, "make" for cosmetics), labels that are one word
    once stop words go ("hair-do") and labels that lose symbols ("C++" would match any "C")
    match far too much by chance."""
    if len(label_stems) != 1:
        return bool(label_stems)
    text = label.text.strip()
    return label.preferred and words(text) == [text] and len(text) > 2


def _stems_of(text: str, stems: Mapping[str, str | None]) -> tuple[str, ...]:
    return tuple(s for w in words(text) if (s := stems.get(w.lower())))


@dataclass(frozen=True, slots=True)
class Inferred:
    skill_id: UUID
    confidence: float
    matched_label: str
    matched_words: tuple[str, ...]
    matched_in: Field


def confidence(word_count: int, where: Field, preferred: bool) -> float:
    """Longer phrases are less likely to match by chance; titles and subjects say what a course
    is about, descriptions also say what it is not."""
    base = _BASE_CONFIDENCE.get(word_count, _LONG_PHRASE_CONFIDENCE)
    score = base + _FIELD_BONUS[where] + (_PREFERRED_BONUS if preferred else 0.0)
    return round(min(score, 0.95), 2)


def infer_skills(lexicon: Lexicon, stems: Mapping[str, str | None], title: str,
                 subjects: Iterable[str], description: str) -> list[Inferred]:
    """The best match for each skill, most confident first, at most MAX_SKILLS_PER_COURSE."""
    best: dict[UUID, Inferred] = {}
    texts: list[tuple[Field, str]] = [("title", title), *(("subjects", s) for s in subjects),
                                      ("description", description)]
    for where, text in texts:
        for found in _matches(lexicon, stems, text, where):
            known = best.get(found.skill_id)
            if known is None or found.confidence > known.confidence:
                best[found.skill_id] = found
    ranked = sorted(best.values(), key=lambda i: (-i.confidence, i.matched_label))
    return [i for i in ranked if i.confidence >= MIN_CONFIDENCE][:MAX_SKILLS_PER_COURSE]


def _matches(lexicon: Lexicon, stems: Mapping[str, str | None], text: str,
             where: Field) -> Iterable[Inferred]:
    tokens = [(s, w) for w in words(text) if (s := stems.get(w.lower()))]
    count = len(tokens)
    for start in range(count):
        node = lexicon.root.get(tokens[start][0])
        end = start + 1
        while node is not None:
            for label in node.get(_END, ()):
                length = end - start
                yield Inferred(label.skill_id, confidence(length, where, label.preferred),
                               label.text, tuple(w for _, w in tokens[start:end]), where)
            if end == count:
                break
            node = node.get(tokens[end][0])
            end += 1


def explain(source: str, confidence_: float, matched_label: str | None,
            matched_words: list[str], matched_in: str | None) -> str:
    if source == "college":
        return "the college lists this ESCO skill for the course"
    said = " ".join(matched_words)
    return (f"the {matched_in} says {said!r}, which matches the ESCO label {matched_label!r} "
            f"(confidence {confidence_:.2f})")
