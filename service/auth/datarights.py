"""Auth's part of data rights: the worker's tokens (never their hashes) in the export; on
erasure every token of theirs is revoked and its name, which may be theirs, cleared. The caller
then drops them from the app's token cache (`TokenCache.forget_worker`) once committed."""

from service.datarights.sections import query_section
from service.sql import load_queries

Q = load_queries(__file__)

SECTION = query_section("auth", export={"api_tokens": Q.token_rows},
                        erase={"api_tokens": Q.revoke_worker_tokens})
