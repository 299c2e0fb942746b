"""The area-adjustment requests' pages: /zones/area-requests/… and a zone's new request."""

from django.urls import path

from nesta.core.generic.transition import transition_urls
from nesta.zones.lifecycles.areas import AREA_REQUEST
from nesta.zones.views import areas as views

urlpatterns = [
    path("area-requests/", views.AreaRequestList.as_view(), name="area_request_list"),
    path("area-requests/<int:pk>/", views.AreaRequestPage.as_view(), name="area_request"),
    path("area-requests/<int:pk>/edit/", views.AreaRequestEdit.as_view(), name="area_request_edit"),
    path("<int:zone_id>/area-requests/new/", views.AreaRequestCreate.as_view(), name="area_request_create"),
    *transition_urls(AREA_REQUEST, "area-requests/<int:pk>/{}/", views.area_request_transition, name="area_request_{}"),
]
