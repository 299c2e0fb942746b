"""The programmes API: calls."""

from ninja import Router

router = Router(tags=["programmes"])
