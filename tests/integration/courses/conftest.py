from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parents[2] / "fixtures" / "xcri"
CORNWALL = FIXTURES / "cornwall_college_xcri_cap_1.2_2017-05-16.xml"
CORNWALL_UKPRN = "10001696"
XML = {"Content-Type": "application/xml"}


def course(ref: str = "C1", **fields: Any) -> dict[str, Any]:
    body = {
        "ref": ref,
        "title": "Welding and fabrication",
        "description": "Learn to weld metal safely in a workshop.",
        "subjects": ["engineering"],
        "rqf_level": "2",
        "presentations": [presentation()],
    }
    return body | fields


def presentation(ref: str = "P1", **fields: Any) -> dict[str, Any]:
    body = {
        "ref": ref,
        "starts_on": "2027-01-11",
        "ends_on": "2027-03-29",
        "study_mode": "part_time",
        "attendance_pattern": "evening",
        "delivery": "classroom",
        "cost_pence": 25_000,
        "places": 12,
        "venue_postcode": "PL6 7FH",
    }
    return body | fields


@pytest.fixture
async def college(api) -> tuple[dict[str, Any], dict[str, str]]:
    """A provider and its own college token."""
    provider = await api.provider()
    return provider, await api.college_token(provider)
