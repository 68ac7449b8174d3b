"""engine/algorithms package."""
