"""The web pages of the market's search part."""

from django.urls import path
from django.views.generic import TemplateView

# Replaced by the market's search page (views/search.py); until then /market/ says what comes.
urlpatterns: list = [path("", TemplateView.as_view(template_name="market/placeholder.html"), name="list")]
