"""Demo data: a deterministic, realistic directory of the three provinces (see generator.py)."""
