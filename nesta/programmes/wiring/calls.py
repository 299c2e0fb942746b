"""How the calls part of the programmes plugs into the platform registry."""

from typing import Any


def register(registry: Any) -> None:
    """Search types, jobs, periodic jobs and home sections of this part (none yet)."""
