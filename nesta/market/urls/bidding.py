"""The web pages of the market's bidding part."""

urlpatterns: list = []
