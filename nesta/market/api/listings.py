"""The API of the market's listings part."""

from ninja import Router

router = Router(tags=["technology market"])
