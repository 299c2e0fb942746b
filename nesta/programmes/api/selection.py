"""The programmes API: selection."""

from ninja import Router

router = Router(tags=["programmes"])
