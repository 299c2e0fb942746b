"""Web pages of the programmes: budget."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
