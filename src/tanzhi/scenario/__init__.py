"""scenario domain."""
