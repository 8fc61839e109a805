"""The course's shared words: each list of choices a trainee meets, with the label shown for each key.

Components, lessons, forms and checks take their choices from here, so a label is changed in one
place. Keys are stable (they are saved in trainees' work); labels may be reworded.
"""

from __future__ import annotations

#: The strands of the triple helix, plus the bodies that link them (see the glossary).
HELIX_ROLES: dict[str, str] = {
    "industry": "Industry (firms)",
    "academia": "Academia (universities, research and training centres)",
    "government": "Government (public bodies)",
    "intermediary": "Intermediary (cluster organisations, associations, technology centres)",
}

#: Marshall's three external economies of an industrial district (1890).
MARSHALL_FORCES: dict[str, str] = {
    "labour_pool": "A shared pool of skilled labour",
    "specialised_suppliers": "Specialised suppliers and services",
    "knowledge_spillovers": "Knowledge that spreads from firm to firm",
}

#: Answers for a yes/no question where the trainee may not know.
YES_NO_UNKNOWN: dict[str, str] = {"yes": "Yes", "no": "No", "unknown": "I don't know"}


def lifecycle_stages() -> dict[str, str]:
    """The stages of the cluster lifecycle, from the lifecycle component."""
    from clusterlab.widgets.lifecycle import STAGES

    return {stage.id: stage.name for stage in STAGES}


#: Named lists of choices that data files (for example ``course/my_cluster.yaml``) may refer to.
CHOICE_LISTS = {
    "helix_roles": lambda: HELIX_ROLES,
    "marshall_forces": lambda: MARSHALL_FORCES,
    "yes_no_unknown": lambda: YES_NO_UNKNOWN,
    "lifecycle_stages": lifecycle_stages,
}


def choices(name: str) -> dict[str, str]:
    """The choices of a named list, as {key: label}; KeyError names the known lists."""
    try:
        return dict(CHOICE_LISTS[name]())
    except KeyError:
        raise KeyError(f"no list of choices named {name!r}; known: {', '.join(CHOICE_LISTS)}") from None
