"""Deterministic synthetic demo data for Zhejiang, its cities and counties."""

__all__: list[str] = []
