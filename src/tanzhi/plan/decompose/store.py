"""Decomposition tables (plan_alloc_*): versioned what-if rounds and their child targets."""

from __future__ import annotations
