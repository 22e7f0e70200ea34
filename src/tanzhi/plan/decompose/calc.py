"""Allocation methods (equal rate, historical intensity, weighted index); pure maths."""

from __future__ import annotations
