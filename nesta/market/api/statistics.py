"""The API of the market's statistics part."""

from ninja import Router

router = Router(tags=["technology market"])
