"""Demo data of the market's bidding part (a demo provider, see nesta/demo/apps.py)."""

from collections.abc import Callable
from typing import Any


def load(scale: int, seed: int, say: Callable[[str], None]) -> dict[str, Any]:
    return {}
