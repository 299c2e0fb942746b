"""The web pages of the market's matching part."""

urlpatterns: list = []
