"""Regional specialisation measures used by the graded documents and the module checks."""

from __future__ import annotations

import math
from numbers import Real

__all__ = ["location_quotient"]


def _employment(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number of employees, not {value!r}.")
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"{name} must be a finite number, not {value!r}.")
    if number < 0:
        raise ValueError(f"{name} cannot be negative (it is {value!r}).")
    return number


def location_quotient(e_ir: float, e_r: float, E_i: float, E: float) -> float:
    """Location quotient of industry *i* in region *r*: ``(e_ir / e_r) / (E_i / E)``.

    ``e_ir`` is the industry's employment in the region, ``e_r`` the region's total employment,
    ``E_i`` and ``E`` the same two figures for the reference area (the country or the EU).
    A value above 1 means the region is more specialised in the industry than the reference area.

    Raises ``ValueError`` with a plain explanation when a figure is not a non-negative number, when a
    total is zero, or when a part is larger than its total.
    """
    e_ir = _employment("e_ir (the industry's employment in the region)", e_ir)
    e_r = _employment("e_r (the region's total employment)", e_r)
    E_i = _employment("E_i (the industry's employment in the reference area)", E_i)
    E = _employment("E (the reference area's total employment)", E)
    if e_r == 0:
        raise ValueError("e_r (the region's total employment) cannot be zero.")
    if E == 0:
        raise ValueError("E (the reference area's total employment) cannot be zero.")
    if E_i == 0:
        raise ValueError("E_i (the industry's employment in the reference area) cannot be zero: "
                         "the quotient is not defined for an industry absent from the reference area.")
    if e_ir > e_r:
        raise ValueError("e_ir cannot be larger than e_r: the industry is part of the region's total.")
    if E_i > E:
        raise ValueError("E_i cannot be larger than E: the industry is part of the reference total.")
    if e_ir > E_i or e_r > E:
        raise ValueError("The region's figures cannot be larger than the reference area's: "
                         "the region is part of the reference area.")
    return (e_ir / e_r) / (E_i / E)
