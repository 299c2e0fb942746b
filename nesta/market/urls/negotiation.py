"""The web pages of the market's negotiation part: the box on a listing's page, 表达合作意向,
我的洽谈, the thread (messages, documents) and the INTEREST table's steps."""

from django.urls import path

from nesta.core.generic.transition import transition_urls
from nesta.market.lifecycles import INTEREST
from nesta.market.views import negotiation as views

urlpatterns = [
    path("listings/<int:pk>/negotiation/", views.negotiation_box, name="negotiation_box"),
    path("listings/<int:pk>/interest/", views.interest_create, name="interest_create"),
    path("negotiations/", views.my_negotiations, name="my_negotiations"),
    path("negotiations/<int:pk>/", views.interest_detail, name="interest_detail"),
    path("negotiations/<int:pk>/messages/", views.thread_post, name="thread_post"),
    path(
        "negotiations/<int:pk>/messages/<int:message_id>/attachment/",
        views.thread_attachment,
        name="thread_attachment",
    ),
    *transition_urls(INTEREST, "negotiations/<int:interest_id>/{}/", views.interest_action, name="interest_{}"),
]
