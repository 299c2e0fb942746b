"""The API of the market's negotiation part."""

from ninja import Router

router = Router(tags=["technology market"])
