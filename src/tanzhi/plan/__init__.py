"""plan domain."""
