"""The web pages of the market's listings part."""

from django.urls import path

from nesta.core.generic.transition import transition_urls
from nesta.market.lifecycles.listing import LISTING
from nesta.market.views import listings as views

urlpatterns: list = [
    path("listings/new/", views.ListingCreate.as_view(), name="listing_create"),
    path("listings/mine/", views.MyListings.as_view(), name="my_listings"),
    path("listings/review/", views.ReviewQueue.as_view(), name="review_queue"),
    path("listings/import/", views.listing_import, name="listing_import"),
    path("listings/import-template.xlsx", views.listing_import_template, name="listing_import_template"),
    path("listings/export.xlsx", views.listing_export, name="listing_export"),
    path("listings/<int:pk>/", views.ListingDetail.as_view(), name="listing_detail"),
    path("listings/<int:pk>/edit/", views.ListingEdit.as_view(), name="listing_edit"),
    *transition_urls(LISTING, "listings/<int:pk>/{}/", views.listing_transition, name="listing_{}"),
]
