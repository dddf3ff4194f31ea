from uuid import UUID

from service.accounts.store import created_by
from service.actor import SYSTEM, Actor
from service.auth.logic import Principal
from service.oversight.logic import audit_columns


def test_an_actor_is_a_token_holder_or_the_system():
    rep = Principal(UUID(int=9), "rep", "Rita Rep", rep_id=UUID(int=3), branch="Leeds")
    assert Actor.of(rep) == Actor("rep", "Rita Rep", UUID(int=3), UUID(int=9))
    assert Actor.of(Principal(UUID(int=8), "admin", "A")) == Actor("admin", "A", None,
                                                                   UUID(int=8))
    assert SYSTEM == Actor.system("ladder") == Actor("system", "ladder")
    assert SYSTEM.is_system and not Actor.of(rep).is_system


def test_each_store_keeps_the_columns_it_kept_before_the_actor_type():
    """The ledger's `created_by` and the audit row's four columns, as stored before."""
    rep = Actor.of(Principal(UUID(int=9), "rep", "Rita Rep", rep_id=UUID(int=3)))
    assert created_by(rep) == "rep: Rita Rep"
    assert created_by(SYSTEM) == created_by(Actor.system("ladder scheduler")) == "system"
    assert audit_columns(rep) == ("rep", UUID(int=3), "Rita Rep", UUID(int=9))
    assert audit_columns(SYSTEM) == ("system", None, "ladder", None)
