"""The web pages of the market's matching part: a listing's matches, the thesaurus."""

from django.urls import path

from nesta.market.views import thesaurus as thesaurus_views
from nesta.market.views.matching import listing_matches_view

urlpatterns: list = [
    path("listings/<int:pk>/matches/", listing_matches_view, name="listing_matches"),
    path("thesaurus/", thesaurus_views.concept_list, name="thesaurus_list"),
    path("thesaurus/new/", thesaurus_views.concept_create, name="thesaurus_create"),
    path("thesaurus/<int:pk>/", thesaurus_views.concept_edit, name="thesaurus_edit"),
    path("thesaurus/<int:pk>/delete/", thesaurus_views.concept_delete, name="thesaurus_delete"),
]
