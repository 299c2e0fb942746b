"""The demo providers the registry runs, in order, from `manage.py demo_data`.

Each takes (scale, seed, say) and returns counts; each is idempotent.
"""

from collections.abc import Callable
from typing import Any


def load_demo_directory(scale: int, seed: int, say: Callable[[str], None]) -> dict[str, Any]:
    """Organisations, people, experts and the demo accounts (with the reference data they need)."""
    from nesta.demo.loader import Loader

    stats = Loader(scale, seed, say=say).run()
    if not stats.get("already_loaded"):
        say(
            f"  demo data: {stats.get('organizations', 0)} organisations, {stats.get('people', 0)} people "
            f"({stats.get('experts', 0)} experts, {stats.get('affiliations', 0)} affiliations) "
            f"in {stats['seconds']}s"
        )
    return stats


def load_demo_instruments(scale: int, seed: int, say: Callable[[str], None]) -> dict[str, Any]:
    """The shared instrument network of the demo directory, with a year of activity."""
    from nesta.demo.instruments import load_instruments

    return load_instruments(scale, seed, say)
