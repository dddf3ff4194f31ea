"""The shipped catalogue/ files must be exactly what derive() makes from the public data."""

import csv
import gzip
from pathlib import Path

import pytest

from service.reference.derive import (
    OCCUPATION_SKILLS_FILE,
    OCCUPATIONS_FILE,
    RISK_FILE,
    RISK_ISCO_FILE,
    SKILL_TAGS_FILE,
    SKILLS_FILE,
    derive,
    split_alt_labels,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_DIR = REPO_ROOT / "catalogue"
DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data"
OUTPUT_FILES = (OCCUPATIONS_FILE, SKILLS_FILE, OCCUPATION_SKILLS_FILE, RISK_FILE, RISK_ISCO_FILE,
                SKILL_TAGS_FILE)
METAL_DRAWING_MACHINE_OPERATOR = (
    "http://data.europa.eu/esco/occupation/000e93a3-d956-4e45-aacb-f12c83fedf84"
)


def read_rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as text:
        return list(csv.DictReader(text))


@pytest.fixture(scope="module")
def derived(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    if not (DATA_DIR / "esco").is_dir() or not (DATA_DIR / "automation-risk").is_dir():
        pytest.skip(f"public reference data not found at {DATA_DIR} (esco/, automation-risk/)")
    out_dir = tmp_path_factory.mktemp("catalogue")
    messages: list[str] = []
    counts = derive(DATA_DIR, out_dir, progress=messages.append)
    return out_dir, counts


def test_split_alt_labels_strips_deduplicates_and_drops_empties() -> None:
    raw = " nurse \n\nnurse\r\nstaff  nurse\n\xa0\nstaff\xa0nurse\nward nurse"
    assert split_alt_labels(raw) == ["nurse", "staff nurse", "ward nurse"]
    assert split_alt_labels("") == []


def test_row_counts(derived: tuple[Path, dict[str, int]]) -> None:
    out_dir, counts = derived
    assert counts[OCCUPATIONS_FILE] == 3007
    assert counts[SKILLS_FILE] == 13896
    assert abs(counts[OCCUPATION_SKILLS_FILE] - 123_855) <= 123_855 * 0.01
    assert counts[SKILL_TAGS_FILE] == 1201 + 26 + 570 + 96
    assert set(counts) == set(OUTPUT_FILES)
    for name in OUTPUT_FILES:
        assert len(read_rows(out_dir / name)) == counts[name]


def test_derived_files_match_the_committed_catalogue(
    derived: tuple[Path, dict[str, int]],
) -> None:
    out_dir, _ = derived
    for name in OUTPUT_FILES:
        shipped = CATALOGUE_DIR / name
        assert shipped.is_file(), f"{shipped} missing; run python -m service.reference.derive"
        rebuilt = out_dir / name
        assert gzip.decompress(rebuilt.read_bytes()) == gzip.decompress(shipped.read_bytes()), (
            f"{name} content differs from the shipped file; rebuild catalogue/"
        )
        assert rebuilt.read_bytes() == shipped.read_bytes(), f"{name} gzip bytes differ"


def test_known_occupation_has_isco_group_and_risk(derived: tuple[Path, dict[str, int]]) -> None:
    out_dir, _ = derived
    occupations = {row["uri"]: row for row in read_rows(out_dir / OCCUPATIONS_FILE)}
    operator = occupations[METAL_DRAWING_MACHINE_OPERATOR]
    assert operator["label"] == "metal drawing machine operator"
    assert operator["isco_group"] == "8121"
    risks = {row["occupation_uri"]: row for row in read_rows(out_dir / RISK_FILE)}
    assert risks[METAL_DRAWING_MACHINE_OPERATOR]["risk_category"] == "Low"


def test_risk_categories_are_normalised(derived: tuple[Path, dict[str, int]]) -> None:
    out_dir, _ = derived
    for name in (RISK_FILE, RISK_ISCO_FILE):
        categories = {row["risk_category"] for row in read_rows(out_dir / name)}
        assert categories <= {"High", "Low", "Other"}, name
    isco_groups = [row["isco_group"] for row in read_rows(out_dir / RISK_ISCO_FILE)]
    assert all(len(group) == 4 and group.isdigit() for group in isco_groups)


def test_relations_refer_to_known_occupations_and_skills(
    derived: tuple[Path, dict[str, int]],
) -> None:
    out_dir, _ = derived
    occupation_uris = {row["uri"] for row in read_rows(out_dir / OCCUPATIONS_FILE)}
    skill_uris = {row["uri"] for row in read_rows(out_dir / SKILLS_FILE)}
    relations = read_rows(out_dir / OCCUPATION_SKILLS_FILE)
    assert {row["relation"] for row in relations} == {"essential", "optional"}
    assert {row["occupation_uri"] for row in relations} <= occupation_uris
    assert {row["skill_uri"] for row in relations} <= skill_uris
    risk_uris = {row["occupation_uri"] for row in read_rows(out_dir / RISK_FILE)}
    assert risk_uris <= occupation_uris


def test_skill_tags_name_known_skills_with_the_four_tags(
    derived: tuple[Path, dict[str, int]],
) -> None:
    out_dir, _ = derived
    skills = {row["uri"]: row["label"] for row in read_rows(out_dir / SKILLS_FILE)}
    tags = read_rows(out_dir / SKILL_TAGS_FILE)
    assert {row["tag"] for row in tags} == {"digital", "digcomp", "green", "transversal"}
    assert all(row["skill_uri"] in skills for row in tags)
    by_label = {(skills[row["skill_uri"]], row["tag"]) for row in tags}
    assert ("Haskell", "digital") in by_label
