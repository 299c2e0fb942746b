"""What the market's search part registers with the platform: the listing search type (its
re-indexer, for `manage.py reindex`), the refresh of an organisation's listings when it is
renamed, and the home page's market section."""

from typing import Any


def register(registry: Any) -> None:
    from nesta.core.search import engine
    from nesta.market.services.indexing import listings_reindex, reindex_organization_listings
    from nesta.market.views.search import market_home

    registry.search_type("listing", listings_reindex)
    engine.register_dependent("organization", reindex_organization_listings)
    registry.home_section("market", "market/_home.html", market_home, order=30, slot="main")
