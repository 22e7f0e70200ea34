"""Allocation maths of target decomposition (pure, no I/O): methods, profiles, the solver.

`allocate` holds the methods and target kinds (see its module docstring for the formulas and
sources); `solve` the scale solver and the infeasibility messages that name the floors and caps
causing them.
"""

from tanzhi.plan.decompose.calc.allocate import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    KINDS,
    MAX_ALPHA,
    METHODS,
    Allocation,
    Criterion,
    Kind,
    Method,
    aggregate_of,
    allocate,
    meets_parent,
    normalise_criterion,
    normalised_weights,
    profile,
    projected,
    weighted_index,
)
from tanzhi.plan.decompose.calc.solve import TOLERANCE

__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "KINDS",
    "MAX_ALPHA",
    "METHODS",
    "TOLERANCE",
    "Allocation",
    "Criterion",
    "Kind",
    "Method",
    "aggregate_of",
    "allocate",
    "meets_parent",
    "normalise_criterion",
    "normalised_weights",
    "profile",
    "projected",
    "weighted_index",
]
