"""The web pages of the market's search part: the public market's list at /market/."""

from django.urls import path

from nesta.market.views.search import listing_search_page

urlpatterns: list = [path("", listing_search_page, name="list")]
