"""Equality monitoring categories: the ONS 2021 census harmonised standards (sex; ethnic group,
the 19 detailed groups of England and Wales or their 5 high-level groups; disability under the
Equality Act as the census output classifies it). Every field also accepts "prefer not to say".
Pure: no I/O."""

PREFER_NOT_TO_SAY = "prefer_not_to_say"

SEX = {"female": "Female", "male": "Male"}

# High-level group -> its label and its detailed groups (code -> the census wording).
ETHNIC_GROUPS: dict[str, tuple[str, dict[str, str]]] = {
    "white": ("White", {
        "white_british": "English, Welsh, Scottish, Northern Irish or British",
        "white_irish": "Irish",
        "white_gypsy_or_irish_traveller": "Gypsy or Irish Traveller",
        "white_roma": "Roma",
        "white_other": "Any other White background",
    }),
    "mixed": ("Mixed or Multiple ethnic groups", {
        "mixed_white_and_black_caribbean": "White and Black Caribbean",
        "mixed_white_and_black_african": "White and Black African",
        "mixed_white_and_asian": "White and Asian",
        "mixed_other": "Any other Mixed or Multiple background",
    }),
    "asian": ("Asian, Asian British or Asian Welsh", {
        "asian_indian": "Indian",
        "asian_pakistani": "Pakistani",
        "asian_bangladeshi": "Bangladeshi",
        "asian_chinese": "Chinese",
        "asian_other": "Any other Asian background",
    }),
    "black": ("Black, Black British, Black Welsh, Caribbean or African", {
        "black_caribbean": "Caribbean",
        "black_african": "African",
        "black_other": "Any other Black, Black British, or Caribbean background",
    }),
    "other": ("Other ethnic group", {
        "other_arab": "Arab",
        "other_any": "Any other ethnic group",
    }),
}
ETHNICITY_GROUP_OF = {code: group for group, (_, codes) in ETHNIC_GROUPS.items()
                      for code in (group, *codes)}

DISABILITY = {
    "disabled_limited_a_lot": "Disabled under the Equality Act: day-to-day activities limited "
                              "a lot",
    "disabled_limited_a_little": "Disabled under the Equality Act: day-to-day activities "
                                 "limited a little",
    "not_disabled_condition_not_limiting": "Not disabled under the Equality Act: has a "
                                           "long-term physical or mental health condition but "
                                           "day-to-day activities are not limited",
    "not_disabled_no_condition": "Not disabled under the Equality Act: no long-term physical "
                                 "or mental health conditions",
}

# field -> every value it accepts
ALLOWED: dict[str, tuple[str, ...]] = {
    "sex": (*SEX, PREFER_NOT_TO_SAY),
    "ethnicity": (*ETHNICITY_GROUP_OF, PREFER_NOT_TO_SAY),
    "disability": (*DISABILITY, PREFER_NOT_TO_SAY),
}


def ethnicity_group(ethnicity: str) -> str:
    """The high-level group of a detailed or high-level answer (or "prefer_not_to_say")."""
    return ETHNICITY_GROUP_OF.get(ethnicity, PREFER_NOT_TO_SAY)


def disabled(disability: str) -> str:
    """The report's disability groups: disabled under the Equality Act or not."""
    if disability == PREFER_NOT_TO_SAY:
        return PREFER_NOT_TO_SAY
    return "disabled" if disability.startswith("disabled_") else "not_disabled"


def categories() -> dict[str, list[dict[str, str]]]:
    """Every accepted value with its wording, for the schema's description and the form."""
    return {
        "sex": [{"value": v, "label": label} for v, label in SEX.items()],
        "ethnicity": [{"value": v, "label": label, "group": g}
                      for g, (group_label, codes) in ETHNIC_GROUPS.items()
                      for v, label in ((g, group_label), *codes.items())],
        "disability": [{"value": v, "label": label} for v, label in DISABILITY.items()],
    }
