"""What the market's search part registers with the platform (search types, periodic jobs, job
kinds, reference loaders, demo providers, home sections)."""

from typing import Any


def register(registry: Any) -> None:
    return None
