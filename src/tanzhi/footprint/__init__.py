"""footprint domain."""
