"""The demo college's catalogue: Poppleton Community College's courses (invented, with realistic
titles, levels, hours and prices), each teaching the ESCO skills that one of the demo's at-risk
workers lacks for a safer occupation, so that their pathways show real courses:

- Dev Patel (library assistant, Leeds) for librarian, library manager and information manager;
- Tom Okafor (office clerk, full-time, Leeds) for foreign language correspondence clerk;
- Ian Penrose (data entry clerk, 30 hours a week, Cornwall: online courses only reach him) for
  data entry supervisor (within his balance) and data analyst (deliberately not: the pathway
  is shown and marked unaffordable)."""

import json
from datetime import date, timedelta
from typing import NamedTuple

SKILL = "http://data.europa.eu/esco/skill/"
# The ESCO skills (ids in the ESCO v1 classification the demo loads) the demo courses teach.
SKILLS = {
    # library assistant -> librarian, library manager, information manager
    "collection management": "6c8ed0d1-4fc9-41a6-9587-6dbc82cabfc3",
    "buy new library items": "ffe9b8ef-f32a-42a9-a256-38e7967fbe23",
    "negotiate library contracts": "2c624a83-22ee-4d11-beed-4718cd307bbd",
    "manage digital libraries": "14525f24-afb4-4a4e-80a7-facf27080cdd",
    "evaluate information services using metrics": "82312096-4df8-49ce-9cdd-a6e08af56b45",
    "develop solutions to information issues": "4539aeca-b56f-4d03-ba86-8f675a7f2536",
    "information governance compliance": "9a0d0abc-010d-440b-8242-7e31510471ba",
    "conduct scholarly research": "485cdafb-3c7f-4104-ab1c-773e6131a39a",
    "scientific research methodology": "ed3f3dba-3a35-4ed5-b113-67f4d10ef4c8",
    "perform customer management": "91306a20-9b81-4f3d-97eb-f5368b607da7",
    "manage staff": "339ac029-066a-4985-9f9d-b3d7c8fea0bb",
    "supervise work": "b1fd9eda-3d2e-48ef-9c1d-0ba318e3c7e6",
    "train employees": "e54ff029-1ce9-447d-a5b2-eb7283a23e6e",
    "manage budgets": "21c5790c-0930-4d74-b3b0-84caf5af12ea",
    # office clerk -> foreign language correspondence clerk
    "grammar": "d4ae9564-0b61-4aa0-9df0-d4fdc969fd6f",
    "spelling": "be3f635b-b400-4eb3-b4cc-c44a34f26eae",
    "master language rules": "3ab10725-db47-403a-babe-11b5ec4bad22",
    "ensure proper document management": "c241f5a5-e23f-47bf-ad24-d83ea0010166",
    "speak different languages": "2de4572a-4724-4f76-afc2-72a568a264ac",
    "communicate commercial and technical issues in foreign languages":
        "6bc57b80-37c8-4c9a-be7b-960d2e44fb77",
    "translate foreign language": "2ca8f0db-2c2a-4d07-af6c-effb99fed08b",
    "translate language concepts": "fd8c0029-9dc7-4b54-845b-ed30c61ba0f8",
    # data entry clerk -> data entry supervisor
    "supervise data entry": "f399a9c1-be41-4117-bf86-a64b503c4cfd",
    "manage schedule of tasks": "0e1fe34b-f4e7-4642-8c8b-5a05ac3438e5",
    "estimate duration of work": "e207163b-7963-4c3e-9494-7a4bb000211b",
    "motivate employees": "22c2af9e-ba0d-4cee-abb6-b6dbef006cd5",
    "evaluate employees": "8b9332c7-2551-4527-9a64-a615713d8b02",
    "gather feedback from employees": "6053cf28-2f42-44bb-8d27-a43920128b30",
    "introduce new employees": "9d9ba780-4aa2-43d2-888c-95a41a713fb9",
    "manage employee complaints": "cc0b95b8-5fae-4ee2-851e-9b1e9fa178be",
    "information confidentiality": "a56dec32-05ef-45de-a256-ee6741f356db",
    "company policies": "f75b740c-b36c-495e-bc67-efe347bbc6b5",
    "LDAP": "a57a54b6-2f2e-43e4-9621-b52f4a63cb08",
    "LINQ": "c7d24594-0c11-4b27-9039-fe0bb903da8e",
    "MDX": "1b7c716e-af95-4cda-a42f-6479c8b139f5",
    "N1QL": "f597f772-24d3-4cec-813c-cf5a7027c794",
    "SPARQL": "5da8018b-ae85-4cde-ad93-0394369018f3",
    "XQuery": "3f4dab51-572b-4e2c-85ef-3b4c3f7094e1",
    # data entry clerk -> data analyst
    "use databases": "4463a721-69f3-413d-8321-43e3af13a4f1",
    "manage data": "9ff9db9d-d14b-426e-83f3-e7449af6c79f",
    "normalise data": "07889c08-7220-47c8-96f7-6068fbea00dc",
    "data models": "fecf8a0d-62c4-4e71-9b03-0f4fc2ad7bf5",
    "information structure": "03ff0d53-573a-47a0-a0ad-1995815a4339",
    "integrate ICT data": "46ec0033-3c71-415e-bcff-b065675ba2dc",
    "collect ICT data": "79e29b8b-47d1-470d-b7b1-32506bfe7d9a",
    "use data processing techniques": "1b70a55d-b8a4-49fc-96c6-15ab4cff2522",
    "data quality assessment": "cc7370dd-69fa-4c67-a96f-d4d135d38700",
    "define data quality criteria": "54c9c155-9293-4329-8ed2-2e76e8b519d4",
    "implement data quality processes": "713fb616-118e-40bc-9366-4a69879a49d5",
    "establish data processes": "2daec0e6-f0c1-43e8-8178-aedba99130ec",
    "handle data samples": "4a193795-fa63-414e-9f2e-bfdb3924571e",
    "information categorisation": "93aaf65c-5aad-4e6f-a7ba-ce9bf7c0e6e6",
    "statistics": "7ee4c2ea-b349-4bd2-81a3-ec31475d4833",
    "execute analytical mathematical calculations": "31c69100-b612-4a61-8db5-fd314318854c",
    "interpret current data": "1e77e42a-181f-4b48-8e74-201ce50ffc29",
    "visual presentation techniques": "348b74cd-49ce-4844-8bdf-ec188b497213",
    "analyse big data": "47a49cd6-097d-457a-9f7b-c290c14930d5",
    "business intelligence": "143769cb-b61e-47d8-a61e-eedfbec1016c",
    "data mining": "25f0ea33-b4a2-4f31-b7b4-7d20e827b180",
    "perform data mining": "4216e465-7baa-4884-a241-54b197bb9278",
    "information extraction": "696e3b5b-8b61-45af-ae4c-3ab700f197ec",
    "unstructured data": "c5e8abde-d2ba-4e8e-a65e-720b71180666",
}


class DemoCourse(NamedTuple):
    ref: str
    title: str
    level: str  # RQF
    skills: tuple[str, ...]  # keys of SKILLS
    delivery: str
    attendance: str
    venue: str | None  # a classroom's postcode (Leeds LS1, York YO26); None when online
    cost_pence: int
    places: int
    weeks: int
    hours: str  # when it meets, for the description


LEEDS, YORK = "LS1 3HE", "YO26 6QN"
DEMO_COURSES = [
    # Dev Patel: library assistant -> librarian, library manager, information manager
    DemoCourse("LIB-COLL", "Library collections: stock, buying and suppliers", "3",
               ("collection management", "buy new library items", "negotiate library contracts"),
               "classroom", "evening", YORK, 12_000, 14, 12, "Wednesdays 6-8pm"),
    DemoCourse("LIB-DIGI", "Digital libraries and information services", "3",
               ("manage digital libraries", "evaluate information services using metrics",
                "develop solutions to information issues", "information governance compliance"),
               "online", "self_paced", None, 15_000, 40, 12, "About 4 hours a week, self-paced"),
    DemoCourse("LIB-RSCH", "Research skills for information work", "4",
               ("conduct scholarly research", "scientific research methodology"),
               "blended", "evening", LEEDS, 9_500, 16, 12, "Tuesdays 6-8pm, half of them online"),
    DemoCourse("PUB-CUST", "Customer management in public services", "2",
               ("perform customer management",), "classroom", "daytime", LEEDS, 4_500, 18, 6,
               "Fridays 9.30am-12.30pm"),
    DemoCourse("PUB-LEAD", "Leading a small public-service team", "3",
               ("manage staff", "supervise work", "train employees", "manage budgets"),
               "classroom", "evening", YORK, 18_000, 12, 12, "Thursdays 6-9pm"),
    # Tom Okafor (full-time, level 4): office clerk -> foreign language correspondence clerk;
    # within his balance
    DemoCourse("BUS-PROOF", "Business writing: grammar, spelling and proofreading", "4",
               ("grammar", "spelling", "master language rules"), "classroom", "evening", LEEDS,
               14_000, 16, 10, "Mondays 6-8.30pm"),
    DemoCourse("BUS-RECS", "Records and document management in the office", "4",
               ("ensure proper document management",), "online", "self_paced", None, 9_500, 60,
               8, "About 3 hours a week, self-paced"),
    DemoCourse("LAN-SPAN", "Business Spanish for commercial correspondence", "4",
               ("speak different languages",
                "communicate commercial and technical issues in foreign languages"),
               "classroom", "weekend", LEEDS, 24_000, 14, 20, "Saturdays 10am-1pm"),
    DemoCourse("LAN-TRAN", "Translation for business: principles and practice", "5",
               ("translate foreign language", "translate language concepts"), "online",
               "evening", None, 26_000, 20, 16, "Live online, Wednesdays 7-9pm"),
    # Ian Penrose (30 hours a week, level 2, Cornwall): data entry clerk -> data entry
    # supervisor (within his balance) and data analyst (more than his balance); online only
    DemoCourse("DAT-PRIV", "Data protection and confidentiality at work", "2",
               ("information confidentiality", "company policies"), "online", "self_paced",
               None, 6_000, 80, 4, "About 2 hours a week, self-paced"),
    DemoCourse("DAT-SUPV", "Supervising a data entry team", "3",
               ("supervise data entry", "supervise work", "manage schedule of tasks",
                "estimate duration of work"), "online", "evening", None, 18_000, 24, 10,
               "Live online, Tuesdays 6.30-8.30pm"),
    DemoCourse("TEAM-LEAD", "Team leading: motivating, appraising and supporting staff", "3",
               ("motivate employees", "evaluate employees", "gather feedback from employees",
                "introduce new employees", "manage employee complaints"), "online", "evening",
               None, 22_000, 24, 12, "Live online, Thursdays 6.30-8.30pm"),
    DemoCourse("DAT-QRY", "Query languages beyond SQL: LDAP, LINQ, MDX, N1QL, SPARQL, XQuery",
               "4", ("LDAP", "LINQ", "MDX", "N1QL", "SPARQL", "XQuery"), "online",
               "self_paced", None, 25_000, 40, 12, "About 4 hours a week, self-paced"),
    DemoCourse("DAT-DBS", "Working with data: spreadsheets, databases and data models", "3",
               ("use databases", "manage data", "normalise data", "data models",
                "information structure", "integrate ICT data", "collect ICT data",
                "use data processing techniques"), "online", "evening", None, 24_000, 30, 12,
               "Live online, Mondays 6.30-8.30pm"),
    DemoCourse("DAT-QUAL", "Data quality in practice", "3",
               ("data quality assessment", "define data quality criteria",
                "implement data quality processes", "establish data processes",
                "handle data samples", "information categorisation"), "online", "self_paced",
               None, 15_000, 40, 8, "About 3 hours a week, self-paced"),
    DemoCourse("DAT-STAT", "Statistics and data visualisation", "3",
               ("statistics", "execute analytical mathematical calculations",
                "interpret current data", "visual presentation techniques"), "online",
               "evening", None, 18_000, 30, 10, "Live online, Wednesdays 6.30-8.30pm"),
    DemoCourse("DAT-MINE", "Data mining and business intelligence", "5",
               ("analyse big data", "business intelligence", "data mining",
                "perform data mining", "information extraction", "unstructured data"),
               "online", "evening", None, 42_000, 20, 16, "Live online, Tuesdays 6.30-9pm"),
]


def demo_courses_json(today: date) -> bytes:
    """The demo college's catalogue (the JSON a college syncs), starting five weeks on."""
    starts = today + timedelta(days=35)
    return json.dumps({"courses": [
        {"ref": c.ref, "title": c.title, "rqf_level": c.level,
         "description": f"{c.title}. {c.hours}, for {c.weeks} weeks.",
         "skill_uris": [SKILL + SKILLS[s] for s in c.skills],
         "presentations": [{"ref": f"{c.ref}-1", "starts_on": starts.isoformat(),
                            "ends_on": (starts + timedelta(weeks=c.weeks)).isoformat(),
                            "study_mode": "part_time", "attendance_pattern": c.attendance,
                            "delivery": c.delivery, "venue_postcode": c.venue,
                            "cost_pence": c.cost_pence, "places": c.places}]}
        for c in DEMO_COURSES]}).encode()
