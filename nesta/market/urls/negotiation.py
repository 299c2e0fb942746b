"""The web pages of the market's negotiation part."""

urlpatterns: list = []
