"""Web pages of the programmes: subsidies."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
