"""The web pages of the market's statistics part."""

urlpatterns: list = []
