"""points domain."""

__all__: list[str] = []
