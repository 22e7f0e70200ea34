"""sink domain."""
