import uuid

import msgspec
import pytest

from service.accounts.schemas import ContributionIn, CourseEarmark
from service.auth.logic import Principal
from service.errors import Invalid
from service.idempotency import check_key, key_owner, request_hash


def test_a_money_moving_request_needs_a_sensible_key():
    assert check_key("abc") == "abc"
    for bad in (None, "", "   ", "k" * 201):
        with pytest.raises(Invalid) as refused:
            check_key(bad)
        assert refused.value.errors[0].field == "Idempotency-Key"


def test_the_hash_depends_on_content_and_scope_not_formatting():
    first = msgspec.json.decode(b'{"amount_pence": 100, "source": "union", "reference": "r"}',
                                type=ContributionIn)
    second = msgspec.json.decode(b'{"reference":"r","source":"union","amount_pence":100}',
                                 type=ContributionIn)
    assert request_hash("contribution a", first) == request_hash("contribution a", second)
    assert request_hash("contribution a", first) != request_hash("contribution b", first)
    earmarked = ContributionIn(100, "union", "r", CourseEarmark(uuid.uuid4()))
    assert request_hash("contribution a", first) != request_hash("contribution a", earmarked)


def test_keys_belong_to_the_person_or_the_admin_token():
    rep_id, token_a, token_b = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert key_owner(Principal(token_a, "rep", "R", rep_id=rep_id)) == key_owner(
        Principal(token_b, "rep", "R", rep_id=rep_id))
    assert key_owner(Principal(token_a, "admin", "A")) != key_owner(
        Principal(token_b, "admin", "A"))
