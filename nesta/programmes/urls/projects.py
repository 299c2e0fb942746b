"""Web pages of the programmes: projects."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
