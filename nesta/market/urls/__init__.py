"""The market's web pages under /market/, one module per part."""

from nesta.market.urls import bidding, contracts, listings, matching, negotiation, search, statistics

app_name = "market"

urlpatterns = [
    *search.urlpatterns,
    *listings.urlpatterns,
    *matching.urlpatterns,
    *negotiation.urlpatterns,
    *bidding.urlpatterns,
    *contracts.urlpatterns,
    *statistics.urlpatterns,
]
