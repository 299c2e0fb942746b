"""The zones' API under /api/v1/, one router per part."""

from ninja import Router

from nesta.zones.api import areas, incubators, policy, zones

router = Router()
for part in (zones, policy, areas, incubators):
    router.add_router("", part.router)
