"""The programmes API: budget."""

from ninja import Router

router = Router(tags=["programmes"])
