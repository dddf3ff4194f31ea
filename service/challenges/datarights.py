"""Challenges' part of data rights: the worker's challenges in the export; on erasure their
reasons and explanations (free text) and the worker's own name as who raised one are cleared,
and decisions, statuses and outcomes kept for the report."""

from service.datarights.sections import query_section
from service.sql import load_queries

Q = load_queries(__file__)

SECTION = query_section("challenges", export={"challenges": Q.challenge_rows},
                        erase={"challenges": Q.erase_challenges})
