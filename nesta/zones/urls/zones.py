from django.urls import path

from nesta.zones.views import zones

urlpatterns = [path("", zones.zone_list, name="list")]
