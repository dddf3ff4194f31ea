"""Progress for large employers (issue 14): making or widening a programme that links more
than 1,000 workers says how far it has got, in the `ladder` log (where a request's progress
goes; the service takes a `progress` callback for commands), and a smaller one says nothing."""

import logging

import pytest

from tests.integration.programmes.helpers import (
    DATA_ENTRY_CLERK,
    EMPLOYER,
    PAYROLL_CLERK,
    create_programme,
)

pytestmark = pytest.mark.usefixtures("reference_data")

# Workers of the programme's employer, in one statement (the API would take minutes for 2,000).
WORKERS = """
INSERT INTO workers (external_ref, employer, name, birth_date, branch, region, occupation,
                     contract_type, weekly_hours, highest_qualification)
SELECT $2 || n, $1, 'Worker ' || n, DATE '1970-01-01' + n, 'Leeds UNISON', 'E12000003', $3,
       'permanent', 37, '3'
FROM generate_series(1, $4) AS n
"""


def progress_lines(caplog: pytest.LogCaptureFixture, programme_id: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "ladder" and r.getMessage().startswith(f"programme {programme_id}:")]


async def test_linking_more_than_1000_workers_reports_progress(api, pool, caplog):
    async with pool.acquire() as conn:
        await conn.execute(WORKERS, EMPLOYER, "P-", PAYROLL_CLERK, 1000)
        await conn.execute(WORKERS, EMPLOYER, "D-", DATA_ENTRY_CLERK, 1001)
    caplog.set_level(logging.INFO, logger="ladder")

    change = await create_programme(api)  # payroll clerks only: 1,000 is not large
    assert (change["workers_added"], change["newly_facing_redundancy"]) == (1000, 1000)
    programme_id = change["programme"]["id"]
    assert progress_lines(caplog, programme_id) == []

    response = await api.client.post(f"/v1/programmes/{programme_id}/occupations",
                                     json={"occupations": [DATA_ENTRY_CLERK],
                                           "reason": "data entry goes too"},
                                     headers=await api.admin())
    assert response.status_code == 200, response.text
    widened = response.json()
    assert (widened["workers_added"], widened["newly_facing_redundancy"]) == (1001, 1001)
    assert widened["priority_changed"] == 1001
    assert progress_lines(caplog, programme_id) == [
        f"programme {programme_id}: 1001 workers linked, 1001 newly marked facing "
        "redundancy; recomputing their priority"]
