"""How each part of the programmes plugs into the platform registry; apps.py calls them all."""

from typing import Any

from nesta.programmes.wiring import applications, calls, projects, review, selection, subsidies

PARTS = (calls, applications, review, selection, projects, subsidies)


def register_all(registry: Any) -> None:
    for part in PARTS:
        part.register(registry)
