"""Statistical cluster mapping (Module 2): the measures, in one place.

Build on :mod:`clusterlab.analysis` (the location quotient of four figures). Everything here is a
pure function on numbers, pandas Series or the table of
:func:`clusterlab.regional_data.load_employment`, and raises only
:class:`~clusterlab.analysis.AnalysisError` (with a plain explanation) for input it cannot use.

* The location quotient needs two choices made visible: the **reference area** (the region's
  country, all the countries of the table, or a region) and the **denominator**: manufacturing
  (section C), the business economy as the table covers it (sections B-N without K, and division S95;
  Eurostat's table has no total of all activities, so this sum stands in for it) or a list of codes.
  See :func:`ranking`, :func:`location_quotients`, :data:`MANUFACTURING`, :data:`BUSINESS_ECONOMY`.
* :func:`size` (the region's share of the reference area's employment in the industry),
  :func:`focus` (the industry's share of the region's denominator employment), :func:`eco_stars`
  (the European Cluster Observatory's size, specialisation and focus stars, thresholds in
  :class:`StarThresholds` with their sources), :func:`strong_clusters` (the US Cluster Mapping
  Project's rule): see :mod:`clusterlab.mapping_measures`.
* :func:`shift_share` (Dunn) and :func:`esteban_marquillas`: see :mod:`clusterlab.shift_share`.
* :func:`krugman_index` and :func:`coefficient_of_specialisation`: how different a region's
  structure is from its reference area's.
* :func:`ranking`: one row per region, the table the regional mapper draws.
"""

from __future__ import annotations

from clusterlab import analysis
from clusterlab.analysis import AnalysisError
from clusterlab.mapping_measures import (ECO_THRESHOLDS, StarThresholds, coefficient_of_specialisation, eco_stars,
                                         focus, krugman_index, size, strong_clusters, top_share)
from clusterlab.mapping_ranking import (BUSINESS_ECONOMY, MANUFACTURING, EmploymentTable, denominator_codes,
                                        location_quotients, prepare, ranking)
from clusterlab.shift_share import EstebanMarquillas, ShiftShare, esteban_marquillas, shift_share

__all__ = ["AnalysisError", "location_quotient", "location_quotients", "MANUFACTURING", "BUSINESS_ECONOMY",
           "denominator_codes", "size", "focus", "top_share", "StarThresholds", "ECO_THRESHOLDS", "eco_stars",
           "strong_clusters", "shift_share", "ShiftShare", "esteban_marquillas", "EstebanMarquillas",
           "krugman_index", "coefficient_of_specialisation", "EmploymentTable", "prepare", "ranking"]


def location_quotient(e_ir: float, e_r: float, E_i: float, E: float) -> float:
    """:func:`clusterlab.analysis.location_quotient` of four figures, ``(e_ir / e_r) / (E_i / E)``.

    The same checks and messages; figures beyond what floating-point numbers can hold (such as
    10**400, or a ratio that rounds to 0) are refused with AnalysisError too.
    """
    try:
        value = analysis.location_quotient(e_ir, e_r, E_i, E)
        if value == float("inf"):
            raise OverflowError
        return value
    except (OverflowError, ZeroDivisionError):
        raise AnalysisError("The figures are too large or too small to compute a location quotient with: "
                            "give numbers of employees.") from None
