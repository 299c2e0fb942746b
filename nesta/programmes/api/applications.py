"""The programmes API: applications."""

from ninja import Router

router = Router(tags=["programmes"])
