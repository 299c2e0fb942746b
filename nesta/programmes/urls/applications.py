"""Web pages of the programmes: applications."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
