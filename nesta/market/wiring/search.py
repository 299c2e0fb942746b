"""What the market's search part registers with the platform: the listing search type (its
re-indexer, for `manage.py reindex`) and the home page's market section."""

from typing import Any


def register(registry: Any) -> None:
    from nesta.market.services.indexing import listings_reindex
    from nesta.market.views.search import market_home

    registry.search_type("listing", listings_reindex)
    registry.home_section("market", "market/_home.html", market_home, order=30, slot="main")
