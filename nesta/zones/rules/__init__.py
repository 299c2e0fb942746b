"""Pure rules of the zones app (no writes, no reads but of the given values)."""
