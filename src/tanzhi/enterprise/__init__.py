"""enterprise domain."""

__all__: list[str] = []
