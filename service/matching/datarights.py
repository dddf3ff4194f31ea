"""Matching's part of data rights: the worker's pathway choices in the export; on erasure the
choices stay, without the worker's own name as who chose."""

from service.datarights.sections import query_section
from service.sql import load_queries

Q = load_queries(__file__)

SECTION = query_section("matching", export={"pathway_choices": Q.choice_rows},
                        erase={"pathway_choices": Q.erase_choices})
