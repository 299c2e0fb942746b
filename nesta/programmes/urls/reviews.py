"""Web pages of the programmes: the expert's reviews."""

from django.urls import path

from nesta.programmes.views import reviews as views

urlpatterns: list = [
    path("reviews/", views.my_reviews, name="review_list"),
    path("reviews/<int:assignment_id>/", views.review_form, name="review_form"),
]
