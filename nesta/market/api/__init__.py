"""The market's API under /api/v1/market/, one router per part."""

from ninja import Router

from nesta.market.api import bidding, contracts, listings, matching, negotiation, search, statistics

router = Router()
# search first: GET /market/listings (the list) is search's; the item paths are the listings part's
for part in (search, listings, matching, negotiation, bidding, contracts, statistics):
    router.add_router("", part.router)
