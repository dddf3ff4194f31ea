"""Reading an HR system's CSV export of workers, free of I/O: the header, and each row checked as
`POST /v1/workers` checks its body. A header that is wrong, or an `external_ref` repeated for one
employer, refuses the whole file (422); a bad row is rejected with its line number and reasons,
and the service applies the others."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import msgspec

from service.errors import DomainError, FieldError, Invalid, msgspec_error_at
from service.people import logic
from service.people.schemas import WorkerIn

COLUMNS = tuple(WorkerIn.__struct_fields__)
OPTIONAL = frozenset({"email", "occupation", "facing_redundancy"})
REQUIRED = tuple(c for c in COLUMNS if c not in OPTIONAL)
BLANK_IS_NULL = frozenset({"email", "occupation"})


@dataclass(slots=True)
class Row:
    line: int
    worker: WorkerIn


@dataclass(slots=True)
class Rejected:
    line: int
    external_ref: str | None
    errors: list[FieldError]


@dataclass(slots=True)
class ParsedFile:
    columns: tuple[str, ...]  # as the header gives them; an omitted optional column keeps
    rows: list[Row] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def _text(body: bytes) -> str:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid.on_field("body", f"the file is not UTF-8 (byte {error.start})") from None
    if "\x00" in text:
        raise Invalid.on_field("body", "the file holds a NUL character")
    return text


def check_header(header: list[str]) -> tuple[str, ...]:
    names = [h.strip() for h in header]
    errors = []
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        errors.append(f"unknown columns {', '.join(map(repr, unknown))}")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        errors.append(f"missing columns {', '.join(missing)}")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        errors.append(f"repeated columns {', '.join(repeated)}")
    if errors:
        raise Invalid.on_field("header", "; ".join(errors) + f"; the header is {','.join(REQUIRED)}"
                               f" and optionally {','.join(sorted(OPTIONAL))}, in any order")
    return tuple(names)


def _row_fields(columns: tuple[str, ...], values: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in zip(columns, values, strict=True):
        value = value.strip()
        if name in BLANK_IS_NULL and value == "":
            fields[name] = None
        elif name == "facing_redundancy" and value == "":
            fields[name] = False
        else:
            fields[name] = value
    return fields


def check_row(columns: tuple[str, ...], values: list[str], today: date) -> WorkerIn:
    """The row as a worker, or a DomainError naming the field at fault."""
    if len(values) != len(columns):
        raise Invalid.on_field("row", f"has {len(values)} fields; the header has {len(columns)}")
    try:
        worker = msgspec.convert(_row_fields(columns, values), WorkerIn, strict=False)
    except msgspec.ValidationError as error:
        at = msgspec_error_at(str(error))
        name, message = at if at else ("row", str(error))
        raise Invalid.on_field(name, message) from None
    logic.check_birth_date(worker.birth_date, today)
    logic.check_weekly_hours(worker.weekly_hours)
    return worker


def parse(body: bytes, today: date, max_rows: int) -> ParsedFile:
    reader = csv.reader(io.StringIO(_text(body), newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise Invalid.on_field("header", "the file is empty; the first line is the header")
        parsed = ParsedFile(check_header(header))
        end = reader.line_num
        for values in reader:
            line, end = end + 1, reader.line_num
            if not values or values == [""]:
                continue  # a blank line
            if len(parsed.rows) + len(parsed.rejected) >= max_rows:
                raise Invalid.on_field("body", f"more than {max_rows} rows; split the file")
            try:
                parsed.rows.append(Row(line, check_row(parsed.columns, values, today)))
            except DomainError as error:
                ref = values[parsed.columns.index("external_ref")].strip() if len(
                    values) == len(parsed.columns) else None
                parsed.rejected.append(Rejected(line, ref or None, error.errors))
    except csv.Error as error:
        raise Invalid.on_field("body", f"line {reader.line_num}: not readable CSV: "
                               f"{error}") from None
    refuse_repeated_refs(parsed.rows)
    return parsed


def refuse_repeated_refs(rows: list[Row]) -> None:
    """One worker per `external_ref` and employer in a file: a repeat would leave which row
    wins to the order of the file, so the file is refused, naming the lines."""
    seen: dict[tuple[str, str], int] = {}
    repeats = []
    for row in rows:
        key = (row.worker.employer, row.worker.external_ref)
        if key in seen:
            repeats.append(f"{key[1]!r} of {key[0]!r} on lines {seen[key]} and {row.line}")
        else:
            seen[key] = row.line
    if repeats:
        raise Invalid.on_field("external_ref", "repeated within the file: "
                               + "; ".join(repeats[:20])
                               + (f" (and {len(repeats) - 20} more)" if len(repeats) > 20 else ""))
