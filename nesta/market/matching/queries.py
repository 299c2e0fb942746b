"""The reads the API and the pages use: a visible listing's matches.

Visibility is the listings part's rule (selectors.listings.may_view), restated here because the
matcher sits below the selectors (the listing lifecycle queues its notifications): public
statuses for everyone, the rest for those who may see unpublished listings or review them.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotFound
from nesta.core.permissions import can
from nesta.market.matching.engine import Match, top_matches
from nesta.market.models import Listing
from nesta.market.models.choices import PUBLIC_STATUSES

LIMIT_MAX = 50
ID_MAX = 2_147_483_647
_PUBLIC = {str(s) for s in PUBLIC_STATUSES}


def visible_listing(*, viewer: Any, listing_id: int) -> Listing:
    listing = None
    if isinstance(listing_id, int) and 0 < listing_id <= ID_MAX:
        listing = (
            Listing.objects.select_related("province", "city", "field", "organization").filter(pk=listing_id).first()
        )
    if listing is None or not (
        listing.status in _PUBLIC
        or can(viewer, "listing.view_unpublished", listing)
        or can(viewer, "listing.review", listing)
    ):
        raise NotFound(_("未找到该信息。"))
    return listing


def listing_matches(*, viewer: Any, listing_id: int, limit: int = 20, method: str = "hybrid") -> list[Match]:
    """The matches of a listing the viewer may see (NotFound otherwise: a draft is not revealed)."""
    listing = visible_listing(viewer=viewer, listing_id=listing_id)
    return top_matches(listing, limit=max(1, min(int(limit), LIMIT_MAX)), method=method)
