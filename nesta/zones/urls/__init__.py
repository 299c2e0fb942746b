"""The zones' web pages under /zones/, one module per part."""

from nesta.zones.urls import areas, incubators, policy, zones

app_name = "zones"

urlpatterns = [*zones.urlpatterns, *policy.urlpatterns, *areas.urlpatterns, *incubators.urlpatterns]
