"""What the market's negotiation part registers with the platform: the INTEREST table's audit
events (declared with their labels when the table is imported). It has no search type, job or
home section of its own; its demo provider is registered by nesta.demo (market.negotiation)."""

from typing import Any


def register(registry: Any) -> None:
    # the table registers its events (interest.accepted, interest.created, thread.message_posted…)
    from nesta.market.lifecycles.interest import INTEREST

    INTEREST.register()
