"""sink domain."""

__all__: list[str] = []
