"""Shared kernel used by every domain: units, GWP, regions, factors, provenance, storage, errors."""
