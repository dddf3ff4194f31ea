"""`ladder demo` and `ladder token create` as a newcomer runs them, on a fresh database."""

from tests.conftest import run_ladder


def test_demo_fills_an_empty_database_once_and_prints_a_token_per_role(fresh_url: str):
    first = run_ladder("demo", url=fresh_url)
    assert first.returncode == 0, first.stderr
    tokens = dict(line.rsplit(None, 1) for line in first.stdout.splitlines())
    assert {who.split()[0] for who in tokens} == {"admin", "rep", "worker", "college"}
    assert "6 workers created" in first.stderr
    second = run_ladder("demo", url=fresh_url)
    assert second.returncode == 0
    assert "already present" in second.stderr
    assert set(second.stdout.split()) & set(tokens.values()) == set()


def test_token_create_prints_the_token_last_and_checks_its_subject(fresh_url: str):
    assert run_ladder("migrate", url=fresh_url).returncode == 0
    made = run_ladder("token", "create", "--role", "admin", "--name", "Ops", url=fresh_url)
    assert made.returncode == 0
    assert len(made.stdout.strip().splitlines()[-1]) >= 43
    refused = run_ladder("token", "create", "--role", "worker", "--name", "W", url=fresh_url)
    assert refused.returncode == 2
    assert "subject_id" in refused.stderr
