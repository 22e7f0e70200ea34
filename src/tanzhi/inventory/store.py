"""Inventory tables (inventory_*): activity datasets, runs with lineage, result rows."""

from __future__ import annotations
