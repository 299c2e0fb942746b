"""The web pages of the market's contracts part."""

urlpatterns: list = []
