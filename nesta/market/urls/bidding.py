"""The web pages of online bidding (views/bidding.py)."""

from django.urls import path

from nesta.core.generic.transition import transition_urls
from nesta.market.lifecycles import REGISTRATION, ROUND
from nesta.market.views import bidding as views

urlpatterns = [
    path("bidding/", views.bidding_rounds, name="bidding_rounds"),
    path("listings/<int:listing_id>/bidding/", views.bidding_listing, name="bidding_listing"),
    path("listings/<int:listing_id>/bidding/box/", views.bidding_box, name="bidding_box"),
    path("listings/<int:listing_id>/bidding/new/", views.round_create, name="bidding_new"),
    path("bidding/<int:round_id>/", views.bidding_round, name="bidding_round"),
    path("bidding/<int:round_id>/state/", views.bidding_state, name="bidding_state"),
    path("bidding/<int:round_id>/manage/", views.bidding_manage, name="bidding_manage"),
    path("bidding/<int:round_id>/bid/", views.bidding_bid, name="bidding_bid"),
    path("bidding/<int:round_id>/register/", views.bidding_register, name="bidding_register"),
    *transition_urls(ROUND, "bidding/<int:round_id>/{}/", views.round_action, name="bidding_round_{}"),
    *transition_urls(
        REGISTRATION,
        "bidding/registrations/<int:registration_id>/{}/",
        views.registration_action,
        name="bidding_registration_{}",
    ),
]
