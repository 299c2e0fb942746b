"""The API of the market's bidding part."""

from ninja import Router

router = Router(tags=["technology market"])
