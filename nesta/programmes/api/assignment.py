"""The programmes API: assignment."""

from ninja import Router

router = Router(tags=["programmes"])
