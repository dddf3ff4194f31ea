"""Programmes' part of data rights: the worker's memberships and destinations in the export; on
erasure both stay for the programme report, without their free-text reasons or the worker's
own name as who recorded them."""

from service.datarights.sections import query_section
from service.sql import load_queries

Q = load_queries(__file__)

SECTION = query_section(
    "programmes",
    export={"programme_members": Q.member_rows, "destinations": Q.destination_rows},
    erase={"programme_members": Q.erase_members, "destinations": Q.erase_destinations})
