"""scenario domain."""

__all__: list[str] = []
