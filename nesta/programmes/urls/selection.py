"""Web pages of the programmes: scores and the funding selection (the office's)."""

from django.urls import path

from nesta.programmes.views import selection as views

urlpatterns: list = [
    path("calls/<int:pk>/scores/", views.scores_page, name="call_scores"),
    path("calls/<int:pk>/selection/", views.selection_page, name="call_selection"),
    path("selection/<int:run_id>/confirm/", views.selection_confirm, name="selection_confirm"),
]
