"""The web pages of the market's statistics part: the public summary and its XLSX export."""

from django.urls import path

from nesta.market.views import statistics as views

urlpatterns: list = [
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/export.xlsx", views.statistics_export_view, name="statistics_export"),
]
