from django.urls import path

from nesta.portal import views

app_name = "portal"

# The home page itself is mounted by nesta/urls.py as the un-namespaced "home" (LOGIN_REDIRECT_URL).
urlpatterns = [
    path("cooperation/", views.coming_soon, {"area": "cooperation"}, name="cooperation"),
    path("strategy/", views.coming_soon, {"area": "strategy"}, name="strategy"),
]
