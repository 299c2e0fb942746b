"""Web pages of the programmes: the budget view."""

from django.urls import path

from nesta.programmes.views import budget as views

urlpatterns = [
    path("budget/", views.budget_page, name="budget"),
    path("budget/export.xlsx", views.budget_export, name="budget_export"),
]
