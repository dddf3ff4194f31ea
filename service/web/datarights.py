"""The web pages' part of data rights: a worker's sessions and sign-in links (which name them,
by subject id rather than a worker column) in the export; on erasure every session ends and
every link is spent, and their names cleared."""

from service.datarights.sections import query_section
from service.sql import load_queries

Q = load_queries(__file__)

# No table of web's has a worker column (a subject id stands for any role): it covers none,
# and the export shows both under one part.
SECTION = query_section("web", export={"web_sessions_and_links": Q.session_rows},
                        erase={"web_sessions": Q.end_sessions, "web_sign_in_links": Q.spend_links},
                        tables=frozenset(), parts=frozenset({"web_sessions_and_links"}))
