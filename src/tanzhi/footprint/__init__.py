"""footprint domain."""

__all__: list[str] = []
