"""Web pages of the programmes: calls."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
