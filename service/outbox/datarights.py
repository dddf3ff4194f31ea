"""The outbox's part of data rights: the messages to the worker in the export; on erasure the
pending ones are cancelled and all of them redacted (address, subject and text emptied)."""

from service.datarights.sections import query_section
from service.sql import load_queries

Q = load_queries(__file__)

SECTION = query_section("outbox", export={"outbox": Q.message_rows},
                        erase={"outbox": Q.erase_messages})
