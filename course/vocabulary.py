"""The course's shared words: each list of choices a trainee meets, with the label shown for each key.

Components, lessons, forms and checks take their choices from here, so a label is changed in one
place. Keys are stable (they are saved in trainees' work); labels may be reworded.
"""

from __future__ import annotations

#: Porter's five forces, in the order the course shows them. Rivalry results from the other four.
FORCES: dict[str, str] = {
    "entry_barriers": "Threat of new entrants",
    "substitutes": "Threat of substitutes",
    "supplier_power": "Power of suppliers",
    "buyer_power": "Power of buyers",
    "rivalry": "Rivalry among firms",
}

#: What a score of 1 and of 5 means for each force (5 = a strong force that squeezes margins).
FORCE_HINTS: dict[str, str] = {
    "entry_barriers": "1: high entry barriers keep newcomers out; 5: anyone can enter.",
    "substitutes": "1: nothing else meets the need; 5: other products easily replace it.",
    "supplier_power": "1: many suppliers compete for the firms; 5: a few suppliers dictate terms.",
    "buyer_power": "1: buyers depend on the firms; 5: buyers dictate prices and can switch at will.",
    "rivalry": "1: few rivals competing on distinct strengths; 5: many rivals fighting on price.",
}

#: Porter's diamond: its four corners, then the two outside influences.
DIAMOND_FACTORS: dict[str, str] = {
    "factor_conditions": "Factor conditions",
    "demand_conditions": "Demand conditions",
    "related_and_supporting_industries": "Related and supporting industries",
    "strategy_structure_and_rivalry": "Firm strategy, structure and rivalry",
    "government": "Government",
    "chance": "Chance",
}

#: One sentence on what each factor of the diamond covers.
DIAMOND_HINTS: dict[str, str] = {
    "factor_conditions": "Skills, infrastructure, research, capital and natural resources the firms can draw on.",
    "demand_conditions": "How demanding and sophisticated the buyers are, close by and abroad.",
    "related_and_supporting_industries": "Suppliers, service firms and related industries nearby, and how good "
                                         "they are.",
    "strategy_structure_and_rivalry": "How firms are run and organised, and how hard and how fairly they compete.",
    "government": "Rules, public programmes and investment that shape the other four.",
    "chance": "Events outside anyone's control: new technologies, market openings, crises.",
}

#: Where a stage of the value chain is mainly carried out, seen from the cluster.
VALUE_CHAIN_LOCATIONS: dict[str, str] = {"local": "In the cluster", "national": "Elsewhere in the country",
                                         "global": "Abroad"}

#: How a fact is known. Every figure about a real place carries one of these.
BASES: dict[str, str] = {
    "published": "published: stated in the cited source",
    "reconstructed": "reconstructed: worked out by the course for teaching, from the cited facts",
}

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

#: The key success factors of a cluster initiative, in the order they usually matter over time: first
#: the business and its strategy, then the firms' commitment and the institutions, then how the
#: initiative is organised and paid for. Source: 001_83d11fce85c392fd.txt, "Key success factors for a
#: cluster initiative" (lines 391-413); the wording is the course's own.
INITIATIVE_SUCCESS_FACTORS: dict[str, str] = {
    "business_scope": "Business scope defined",
    "future_strategies": "Future strategies identified",
    "action_plan": "Action plan",
    "company_involvement": "Involvement and motivation of companies",
    "core_group": "Leadership of a core group of companies",
    "incumbent_structures": "Adjusting existing structures (incumbents)",
    "governance": "Governance",
    "management": "Cluster management",
    "budget_cofunding": "Budget and co-funding",
}

#: One sentence on what a high rating of each success factor means.
INITIATIVE_SUCCESS_HINTS: dict[str, str] = {
    "business_scope": "The firms agree which business they are in: the customers, products and segments the "
                      "initiative is about.",
    "future_strategies": "The firms have worked out which strategies could keep them competitive in the years ahead.",
    "action_plan": "Concrete actions, each with someone in charge, a date and resources, turn those strategies "
                   "into work.",
    "company_involvement": "Companies take part and give their time because they expect a benefit; the "
                           "initiative is not carried by public bodies alone.",
    "core_group": "A small group of committed firms leads the way and draws the others in.",
    "incumbent_structures": "Bodies that already exist (associations, chambers, technology centres) adapt their "
                            "roles to support the initiative instead of competing with it.",
    "governance": "It is clear who decides what, and how; the members accept these rules.",
    "management": "A cluster manager or a small team has the time and the skills to run the initiative day to day.",
    "budget_cofunding": "There is a budget for the actions, and the firms pay a share of it next to any public money.",
}

#: The typology of cluster initiatives: what the initiative is built around. The source arranges them
#: by their degree of transversality: how far the initiative cuts across industries (the last ones
#: most). Source: 001_83d11fce85c392fd.txt, "Definition of cluster initiatives" (lines 414-450).
INITIATIVE_TYPES: dict[str, str] = {
    "raw_materials": "Raw materials",
    "manufacturing_processes": "Manufacturing processes",
    "technology": "Technology-oriented",
    "product": "Product-oriented",
    "market": "Market strategies",
}

#: One sentence on each type of initiative, with examples taken from the source's diagram.
INITIATIVE_TYPE_HINTS: dict[str, str] = {
    "raw_materials": "Built around a natural resource and the firms that turn it into products, such as wine "
                     "or olive oil.",
    "manufacturing_processes": "Built around a way of making things shared by many firms, such as plastics or "
                               "metal working.",
    "technology": "Built around a technology that several industries use, such as biotechnology, information "
                  "technology or photonics.",
    "product": "Built around a final product and everything needed to make it, such as furniture, cars or "
               "health care.",
    "market": "Built around a market or a group of customers served by firms from many industries, such as "
              "fashion, retail, fine food, mobility, or children, sport and older people.",
}

#: Answers for a yes/no question where the trainee may not know.
YES_NO_UNKNOWN: dict[str, str] = {"yes": "Yes", "no": "No", "unknown": "I don't know"}


def lifecycle_stages() -> dict[str, str]:
    """The stages of the cluster lifecycle, from the lifecycle component."""
    from clusterlab.widgets.lifecycle import STAGES

    return {stage.id: stage.name for stage in STAGES}


#: Named lists of choices that data files (for example ``course/my_cluster.yaml``) may refer to.
CHOICE_LISTS = {
    "forces": lambda: FORCES,
    "diamond_factors": lambda: DIAMOND_FACTORS,
    "value_chain_locations": lambda: VALUE_CHAIN_LOCATIONS,
    "helix_roles": lambda: HELIX_ROLES,
    "marshall_forces": lambda: MARSHALL_FORCES,
    "yes_no_unknown": lambda: YES_NO_UNKNOWN,
    "initiative_success_factors": lambda: INITIATIVE_SUCCESS_FACTORS,
    "initiative_types": lambda: INITIATIVE_TYPES,
    "lifecycle_stages": lifecycle_stages,
}


def choices(name: str) -> dict[str, str]:
    """The choices of a named list, as {key: label}; KeyError names the known lists."""
    try:
        return dict(CHOICE_LISTS[name]())
    except KeyError:
        raise KeyError(f"no list of choices named {name!r}; known: {', '.join(CHOICE_LISTS)}") from None
