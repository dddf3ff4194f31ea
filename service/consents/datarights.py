"""Consents' part of data rights: the worker's consents in the export; on erasure every consent
in force is withdrawn, and the free text and the worker's own name as who gave it cleared."""

from service.datarights.sections import query_section
from service.sql import load_queries

Q = load_queries(__file__)

SECTION = query_section("consents", export={"consents": Q.consent_rows},
                        erase={"consents": Q.erase_consents})
