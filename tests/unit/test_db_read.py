"""`db.read` (a read handler's connection without dependency injection) runs no transaction,
so it must never serve a request that may write."""
import pytest

from service import db


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_db_read_refuses_a_request_that_may_write(method):
    with pytest.raises(RuntimeError, match="GET and HEAD"):
        db.read({"method": method})
