"""Web pages of the programmes: the budget view."""

from django.urls import path

from nesta.programmes.views import budget as views
from nesta.programmes.views import funding

urlpatterns = [
    path("budget/", views.budget_page, name="budget"),
    path("budget/export.xlsx", views.budget_export, name="budget_export"),
    path("budget/lines/", funding.budget_lines_page, name="budget_lines"),
]
