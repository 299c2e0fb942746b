"""The API of the market's contracts part."""

from ninja import Router

router = Router(tags=["technology market"])
