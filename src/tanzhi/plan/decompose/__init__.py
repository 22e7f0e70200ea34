"""Target decomposition (目标分解): allocate a parent region's target to its children."""
