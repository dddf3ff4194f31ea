"""Derive the compact reference files in ``catalogue/`` from the public ESCO and Nesta data.

The service loads only these small files, so the large source archives need not ship with it.
Output is deterministic (sorted rows, fixed gzip header) so the shipped files can be checked by
rebuilding them and comparing bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

ESCO_CLASSIFICATION_ZIP = Path("esco/esco_v1.1.1_classification_en_csv.zip")
ESCO_RELATIONS_ZIP = Path("esco/esco_v1.1.1_relations_csv.zip")
RISK_BY_OCCUPATION_CSV = Path("automation-risk/mcc_risk_All_occupations.csv")
RISK_BY_ISCO_CSV = Path("automation-risk/mcc_risk_ISCO_4digit.csv")

OCCUPATIONS_FILE = "esco_occupations.csv.gz"
SKILLS_FILE = "esco_skills.csv.gz"
OCCUPATION_SKILLS_FILE = "esco_occupation_skills.csv.gz"
RISK_FILE = "automation_risk.csv.gz"
RISK_ISCO_FILE = "automation_risk_isco.csv.gz"
SKILL_TAGS_FILE = "esco_skill_tags.csv.gz"

OCCUPATION_COLUMNS = ("uri", "code", "isco_group", "label", "alt_labels", "description")
SKILL_COLUMNS = ("uri", "label", "alt_labels", "skill_type", "reuse_level", "description")
OCCUPATION_SKILL_COLUMNS = ("occupation_uri", "skill_uri", "relation")
RISK_COLUMNS = ("occupation_uri", "risk", "prevalence", "risk_category")
RISK_ISCO_COLUMNS = ("isco_group", "risk", "prevalence", "risk_category")
SKILL_TAG_COLUMNS = ("skill_uri", "tag")

# ESCO's skill collections (members of the classification zip) and the tag each becomes.
SKILL_COLLECTIONS = {
    "digitalSkillsCollection_en.csv": "digital",
    "digCompSkillsCollection_en.csv": "digcomp",
    "greenSkillsCollection_en.csv": "green",
    "transversalSkillsCollection_en.csv": "transversal",
}

RELATION_TYPES = frozenset({"essential", "optional"})

# The data README calls the low band "Lower risk"; the files say "Low risk". Accept both.
RISK_CATEGORIES = {"High risk": "High", "Low risk": "Low", "Lower risk": "Low", "Other": "Other"}

Row = dict[str, str]


def clean_label(value: str) -> str:
    """Collapse whitespace runs (including no-break spaces) to one space and strip the ends.

    ESCO labels carry stray trailing spaces, double spaces and U+00A0, which would defeat
    exact matching and search on labels.
    """
    return " ".join(value.split())


def clean_description(value: str) -> str:
    """Strip the ends and replace no-break spaces, keeping the paragraph breaks of the source."""
    return value.replace("\xa0", " ").strip()


def split_alt_labels(value: str) -> list[str]:
    """Split ESCO's newline-separated altLabels into distinct, non-empty labels, order kept."""
    labels: dict[str, None] = {}
    for line in value.splitlines():
        label = clean_label(line)
        if label:
            labels.setdefault(label)
    return list(labels)


def join_alt_labels(value: str) -> str:
    return "\n".join(split_alt_labels(value))


def normalise_risk_category(value: str) -> str:
    try:
        return RISK_CATEGORIES[value.strip()]
    except KeyError:
        raise ValueError(f"unknown risk_category {value!r}") from None


def normalise_isco_group(value: str) -> str:
    """ISCO-08 unit groups are 4-digit codes; leading zeros (armed forces, 0xxx) must survive."""
    code = value.strip()
    if not code.isdigit() or len(code) > 4:
        raise ValueError(f"not an ISCO-08 unit group: {value!r}")
    return code.zfill(4)


def _read_csv(stream: io.TextIOBase, source: str, required: Iterable[str]) -> Iterator[Row]:
    reader = csv.DictReader(stream)
    missing = set(required) - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"{source}: missing columns {sorted(missing)}")
    yield from reader


def _zip_rows(archive: Path, member: str, required: Iterable[str]) -> Iterator[Row]:
    with zipfile.ZipFile(archive) as zf, zf.open(member) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        yield from _read_csv(text, f"{archive.name}:{member}", required)


def _file_rows(path: Path, required: Iterable[str]) -> Iterator[Row]:
    with path.open(encoding="utf-8-sig", newline="") as text:
        yield from _read_csv(text, path.name, required)


def write_csv_gz(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write rows as gzip CSV with no timestamp or filename in the header, so bytes are stable."""
    count = 0
    with (
        path.open("wb") as f,
        gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as gz,
        io.TextIOWrapper(gz, encoding="utf-8", newline="") as text,
    ):
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def read_occupations(archive: Path) -> list[tuple[str, ...]]:
    required = (
        "conceptType",
        "conceptUri",
        "code",
        "iscoGroup",
        "preferredLabel",
        "altLabels",
        "description",
    )
    rows = [
        (
            row["conceptUri"].strip(),
            row["code"].strip(),
            normalise_isco_group(row["iscoGroup"]),
            clean_label(row["preferredLabel"]),
            join_alt_labels(row["altLabels"]),
            clean_description(row["description"]),
        )
        for row in _zip_rows(archive, "occupations_en.csv", required)
        if row["conceptType"] == "Occupation"
    ]
    return _sorted_unique(rows, "occupation")


def read_skills(archive: Path) -> list[tuple[str, ...]]:
    required = (
        "conceptUri",
        "preferredLabel",
        "altLabels",
        "skillType",
        "reuseLevel",
        "description",
    )
    rows = [
        (
            row["conceptUri"].strip(),
            clean_label(row["preferredLabel"]),
            join_alt_labels(row["altLabels"]),
            row["skillType"].strip(),
            row["reuseLevel"].strip(),
            clean_description(row["description"]),
        )
        for row in _zip_rows(archive, "skills_en.csv", required)
    ]
    return _sorted_unique(rows, "skill")


def _sorted_unique(rows: list[tuple[str, ...]], kind: str) -> list[tuple[str, ...]]:
    rows.sort()
    for before, after in zip(rows, rows[1:], strict=False):
        if before[0] == after[0]:
            raise ValueError(f"duplicate {kind} URI {after[0]}")
    return rows


def read_skill_tags(
    archive: Path, skill_uris: set[str], progress: Callable[[str], None]
) -> list[tuple[str, str]]:
    """A (skill URI, tag) row per skill in each of ESCO's collections; a member that is not in
    skills_en.csv is dropped and counted, so loading cannot dangle."""
    tags: set[tuple[str, str]] = set()
    for member, tag in SKILL_COLLECTIONS.items():
        uris = [row["conceptUri"].strip() for row in _zip_rows(archive, member, ("conceptUri",))]
        unknown = sum(uri not in skill_uris for uri in uris)
        tags.update((uri, tag) for uri in uris if uri in skill_uris)
        progress(f"skill tags: {member}: {len(uris) - unknown} skills tagged {tag!r}"
                 f" ({unknown} not in skills_en.csv)")
    return sorted(tags)


def read_relations(
    archive: Path, occupation_uris: set[str], skill_uris: set[str], progress: Callable[[str], None]
) -> list[tuple[str, str, str]]:
    """Keep only relations whose both ends are in the derived files, so loading cannot dangle."""
    relations: set[tuple[str, str, str]] = set()
    source_rows = unknown_skill = 0
    unknown_occupations: dict[str, int] = {}
    required = ("occupationUri", "skillUri", "relationType")
    for row in _zip_rows(archive, "occupationSkillRelations.csv", required):
        source_rows += 1
        occupation_uri = row["occupationUri"].strip()
        skill_uri = row["skillUri"].strip()
        relation = row["relationType"].strip()
        if relation not in RELATION_TYPES:
            raise ValueError(f"unknown relationType {relation!r}")
        if occupation_uri not in occupation_uris:
            unknown_occupations[occupation_uri] = unknown_occupations.get(occupation_uri, 0) + 1
        elif skill_uri not in skill_uris:
            unknown_skill += 1
        else:
            relations.add((occupation_uri, skill_uri, relation))
    unknown_occupation = sum(unknown_occupations.values())
    duplicates = source_rows - unknown_occupation - unknown_skill - len(relations)
    progress(
        f"relations: kept {len(relations)} of {source_rows}; dropped {duplicates} exact"
        f" duplicates, {unknown_occupation} with an occupation not in occupations_en.csv"
        f" ({', '.join(sorted(unknown_occupations)) or 'none'}), {unknown_skill} with an"
        " unknown skill"
    )
    return sorted(relations)


def read_occupation_risks(
    path: Path, occupation_uris: set[str], progress: Callable[[str], None]
) -> list[tuple[str, str, str, str]]:
    """Nesta scored an earlier ESCO release; drop scores for occupations v1.1.1 lacks."""
    risks: dict[str, tuple[str, str, str, str]] = {}
    unknown: list[str] = []
    for row in _file_rows(path, ("concept_uri", "risk", "prevalence", "risk_category")):
        uri = row["concept_uri"].strip()
        if uri not in occupation_uris:
            unknown.append(uri)
            continue
        if uri in risks:
            raise ValueError(f"{path.name}: duplicate concept_uri {uri}")
        risks[uri] = (
            uri,
            row["risk"].strip(),
            row["prevalence"].strip(),
            normalise_risk_category(row["risk_category"]),
        )
    progress(
        f"automation risk: dropped {len(unknown)} scored occupation(s) not in ESCO v1.1.1"
        f" ({', '.join(sorted(unknown)) or 'none'})"
    )
    return [risks[uri] for uri in sorted(risks)]


def read_isco_risks(path: Path) -> list[tuple[str, str, str, str]]:
    risks: dict[str, tuple[str, str, str, str]] = {}
    for row in _file_rows(path, ("isco_code", "risk", "prevalence", "risk_category")):
        group = normalise_isco_group(row["isco_code"])
        if group in risks:
            raise ValueError(f"{path.name}: duplicate isco_code {group}")
        risks[group] = (
            group,
            row["risk"].strip(),
            row["prevalence"].strip(),
            normalise_risk_category(row["risk_category"]),
        )
    return [risks[group] for group in sorted(risks)]


def derive(
    data_dir: Path, out_dir: Path, progress: Callable[[str], None] = print
) -> dict[str, int]:
    """Build the six catalogue files from ``data_dir`` into ``out_dir``; return rows per file."""
    data_dir = Path(data_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    occupations = read_occupations(data_dir / ESCO_CLASSIFICATION_ZIP)
    skills = read_skills(data_dir / ESCO_CLASSIFICATION_ZIP)
    occupation_uris = {row[0] for row in occupations}
    skill_uris = {row[0] for row in skills}
    relations = read_relations(data_dir / ESCO_RELATIONS_ZIP, occupation_uris, skill_uris, progress)
    risks = read_occupation_risks(data_dir / RISK_BY_OCCUPATION_CSV, occupation_uris, progress)
    isco_risks = read_isco_risks(data_dir / RISK_BY_ISCO_CSV)
    skill_tags = read_skill_tags(data_dir / ESCO_CLASSIFICATION_ZIP, skill_uris, progress)

    outputs: list[tuple[str, Sequence[str], Iterable[Sequence[str]]]] = [
        (OCCUPATIONS_FILE, OCCUPATION_COLUMNS, occupations),
        (SKILLS_FILE, SKILL_COLUMNS, skills),
        (OCCUPATION_SKILLS_FILE, OCCUPATION_SKILL_COLUMNS, relations),
        (RISK_FILE, RISK_COLUMNS, risks),
        (RISK_ISCO_FILE, RISK_ISCO_COLUMNS, isco_risks),
        (SKILL_TAGS_FILE, SKILL_TAG_COLUMNS, skill_tags),
    ]
    counts: dict[str, int] = {}
    for name, columns, rows in outputs:
        counts[name] = write_csv_gz(out_dir / name, columns, rows)
        progress(f"{name}: {counts[name]} rows")
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m service.reference.derive",
        description="Derive catalogue/ reference files from the public ESCO and Nesta data.",
    )
    parser.add_argument(
        "--data", type=Path, required=True, help="directory holding esco/ and automation-risk/"
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory (catalogue/)")
    args = parser.parse_args(argv)
    counts = derive(args.data, args.out)
    total_bytes = sum((args.out / name).stat().st_size for name in counts)
    print(f"wrote {len(counts)} files, {total_bytes} bytes in all, to {args.out}")


if __name__ == "__main__":
    main()
