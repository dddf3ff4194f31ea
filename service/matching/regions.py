"""Which postcode areas lie in which ONS region: `catalogue/postcode_area_regions.csv`, read
once per process. A classroom is within reach of a worker when its venue's postcode area lies
in the worker's region (`workers.region`, an ONS code); docs/matching.md says where the table
comes from."""

import csv
from functools import cache
from pathlib import Path

FILE = "postcode_area_regions.csv"


@cache
def _areas_by_region(path: Path) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            found.setdefault(row["region"], set()).add(row["postcode_area"])
    return {region: tuple(sorted(areas)) for region, areas in found.items()}


def areas_in(region: str, catalogue_dir: Path) -> list[str]:
    """The postcode areas that lie (wholly or in part) in an ONS region; none for a code the
    table does not know, so that only online courses reach such a worker."""
    return list(_areas_by_region(catalogue_dir / FILE).get(region, ()))
