"""The API of the market's matching part."""

from ninja import Router

router = Router(tags=["technology market"])
