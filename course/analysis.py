"""The course's analysis: pure functions on figures, shared by lessons, components and grading.

Cluster mapping starts here (the location quotient); Module 2 adds size, focus, stars, shift-share
and the other measures. Every function checks its input and raises :class:`AnalysisError` (a
``ValueError``) with a plain explanation; no input makes them raise anything else.
"""

from __future__ import annotations

import math
from numbers import Real

from clusterlab.errors import ClusterlabError

__all__ = ["AnalysisError", "location_quotient"]


class AnalysisError(ClusterlabError, ValueError):
    """Figures that the analysis cannot use, explained in plain words."""


def _employment(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise AnalysisError(f"{name} must be a number of employees, not {value!r}.")
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise AnalysisError(f"{name} must be a finite number, not {value!r}.")
    if number < 0:
        raise AnalysisError(f"{name} cannot be negative (it is {value!r}).")
    return number


def location_quotient(e_ir: float, e_r: float, E_i: float, E: float) -> float:
    """Location quotient of industry *i* in region *r*: ``(e_ir / e_r) / (E_i / E)``.

    ``e_ir`` is the industry's employment in the region, ``e_r`` the region's total employment,
    ``E_i`` and ``E`` the same two figures for the reference area (the country or the EU).
    A value above 1 means the region is more specialised in the industry than the reference area.

    Raises :class:`AnalysisError` with a plain explanation when a figure is not a non-negative number, when a
    total is zero, or when a part is larger than its total.
    """
    e_ir = _employment("e_ir (the industry's employment in the region)", e_ir)
    e_r = _employment("e_r (the region's total employment)", e_r)
    E_i = _employment("E_i (the industry's employment in the reference area)", E_i)
    E = _employment("E (the reference area's total employment)", E)
    if e_r == 0:
        raise AnalysisError("e_r (the region's total employment) cannot be zero.")
    if E == 0:
        raise AnalysisError("E (the reference area's total employment) cannot be zero.")
    if E_i == 0:
        raise AnalysisError("E_i (the industry's employment in the reference area) cannot be zero: "
                         "the quotient is not defined for an industry absent from the reference area.")
    if e_ir > e_r:
        raise AnalysisError("e_ir cannot be larger than e_r: the industry is part of the region's total.")
    if E_i > E:
        raise AnalysisError("E_i cannot be larger than E: the industry is part of the reference total.")
    if e_ir > E_i or e_r > E:
        raise AnalysisError("The region's figures cannot be larger than the reference area's: "
                         "the region is part of the reference area.")
    return (e_ir / e_r) / (E_i / E)
