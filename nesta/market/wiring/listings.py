"""What the market's listings part registers with the platform: the expiry job (listings whose
validity has run out become 已过期, hourly)."""

from typing import Any


def register(registry: Any) -> None:
    from nesta.market.services.listings import listings_expire

    registry.periodic_job("market.expire", listings_expire, every_seconds=3600)
