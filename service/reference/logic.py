"""How callers name ESCO concepts: by id (the UUID that ends the concept URI), by ESCO
occupation code, or by the full URI."""

import re
from typing import Literal
from uuid import UUID

OCCUPATION_URI_PREFIX = "http://data.europa.eu/esco/occupation/"
SKILL_URI_PREFIX = "http://data.europa.eu/esco/skill/"
ESCO_CODE = re.compile(r"^[0-9]{4}(\.[0-9]+)+$")

RefKind = Literal["id", "code", "uri"]


def occupation_ref(value: str) -> tuple[RefKind, str | UUID] | None:
    """What kind of reference `value` is, or None if it can name no occupation."""
    value = value.strip()
    if ESCO_CODE.match(value):
        return "code", value
    if value.startswith(OCCUPATION_URI_PREFIX):
        return "uri", value
    try:
        return "id", UUID(value)
    except ValueError:
        return None


def changed_rows(status: str) -> int:
    """Rows touched, from a command status such as `INSERT 0 12`, `UPDATE 3` or `DELETE 0`."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0
