"""The API of the market's search part."""

from ninja import Router

router = Router(tags=["technology market"])
