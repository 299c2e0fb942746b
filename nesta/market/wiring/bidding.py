"""What the market's bidding part registers with the platform: the periodic job that starts
rounds whose start has come and closes rounds whose (extended) end has passed. The audit events
are the lifecycle tables' own (lifecycles/bidding.py registers them on declaration)."""

from typing import Any


def register(registry: Any) -> None:
    from nesta.market.services.bidding import bidding_rounds_tick

    registry.periodic_job("market.bidding", bidding_rounds_tick, every_seconds=60)
