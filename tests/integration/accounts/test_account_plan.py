"""GET /account's statement reads the account by the path's worker id (`accounts_pkey`), not by
a join on `worker_audited`'s output: PostgreSQL guesses a set-returning function returns about
1,000 rows, so a join on it hash-joined the whole accounts table on every read (0.12 ms with 6
accounts, 0.40 ms with 2,000)."""
import uuid
from datetime import date

import asyncpg
import pytest

from service.accounts.store import Q

MAKE_ACCOUNTS = """
WITH w AS (
    INSERT INTO workers (external_ref, employer, name, email, birth_date, branch, region,
                         contract_type, weekly_hours, highest_qualification)
    SELECT 'PLAN-' || n, 'Plan Council', 'Worker ' || n, 'w' || n || '@example.org',
           DATE '1970-01-01', 'Leeds UNISON', 'E12000003', 'permanent', 37, '3'
    FROM generate_series(1, 2000) AS n
    RETURNING id
)
INSERT INTO accounts (worker_id, balance_pence, credited_pence)
SELECT id, 100, 100 FROM w
"""


@pytest.mark.parametrize("plan_cache_mode", ["force_custom_plan", "force_generic_plan"])
async def test_the_account_read_uses_the_accounts_primary_key(pool: asyncpg.Pool,
                                                              plan_cache_mode: str):
    async with pool.acquire() as conn:
        await conn.execute(MAKE_ACCOUNTS)
        await conn.execute("ANALYZE workers; ANALYZE accounts")
        worker_id = await conn.fetchval("SELECT worker_id FROM accounts LIMIT 1")
        sql, *args = Q.account_summary(
            worker_id=worker_id, period="2026", day=date(2026, 12, 4), lazy_commit=True,
            scope_any=True, scope_branch=None, scope_worker_id=None, actor_role="admin",
            actor_id=None, actor_name="plan test", token_id=uuid.uuid4(), action="account.read")
        async with conn.transaction():
            await conn.execute(f"SET LOCAL plan_cache_mode = {plan_cache_mode}")
            plan = "\n".join(r[0] for r in await conn.fetch(f"EXPLAIN {sql}", *args))
    assert "accounts_pkey" in plan, plan
    assert "Seq Scan on accounts" not in plan, plan
    assert "Hash Join" not in plan, plan
