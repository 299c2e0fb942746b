"""The reads the API and the pages use: a visible listing's matches."""

from typing import Any

from nesta.core.errors import ValidationFailed
from nesta.market.matching.engine import METHODS, Match, top_matches
from nesta.market.selectors.listings import listing_get

LIMIT_MAX = 50


def listing_matches(*, viewer: Any, listing_id: int, limit: int = 20, method: str = "hybrid") -> list[Match]:
    """The matches of a listing the viewer may see (NotFound otherwise: a draft is not revealed)."""
    listing = listing_get(viewer=viewer, listing_id=listing_id)
    if method not in METHODS:
        raise ValidationFailed(details={"method": ["hybrid | bm25"]})
    return top_matches(listing, limit=max(1, min(int(limit), LIMIT_MAX)), method=method)
