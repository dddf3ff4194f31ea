"""Skills' part of data rights: the worker's skills and their history in the export; on
erasure the evidence (free text) and the worker's own name as who set a level are cleared."""

from service.datarights.sections import query_section
from service.sql import load_queries

Q = load_queries(__file__)

SECTION = query_section(
    "skills",
    export={"worker_skills": Q.skill_rows, "worker_skill_history": Q.history_rows},
    erase={"worker_skills": Q.erase_skills, "worker_skill_history": Q.erase_history})
