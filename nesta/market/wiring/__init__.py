"""How each part of the market plugs into the platform registry.

One module per part, each owned by that part (listings, search, matching, negotiation, bidding,
contracts, statistics); apps.py calls them all in `ready()`.
"""

from typing import Any

from nesta.market.wiring import bidding, contracts, listings, matching, negotiation, search, statistics

PARTS = (listings, search, matching, negotiation, bidding, contracts, statistics)


def register_all(registry: Any) -> None:
    for part in PARTS:
        part.register(registry)
