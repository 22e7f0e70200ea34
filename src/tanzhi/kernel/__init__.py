"""Shared kernel: units, GWP, regions, factors, provenance, storage and errors used by every domain."""
