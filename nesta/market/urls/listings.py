"""The web pages of the market's listings part."""

urlpatterns: list = []
