"""The programmes API: subsidies."""

from ninja import Router

router = Router(tags=["programmes"])
