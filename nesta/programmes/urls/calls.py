"""Web pages of the programmes: calls (the list is the landing page of /projects/)."""

from django.urls import path

from nesta.core.generic.transition import transition_urls
from nesta.programmes.lifecycles.call import CALL
from nesta.programmes.views import calls as views

urlpatterns: list = [
    path("", views.CallList.as_view(), name="call_list"),
    path("calls/new/", views.CallCreate.as_view(), name="call_create"),
    path("calls/<int:pk>/", views.CallDetail.as_view(), name="call_detail"),
    path("calls/<int:pk>/edit/", views.CallEdit.as_view(), name="call_edit"),
    *transition_urls(CALL, "calls/<int:pk>/{}/", views.call_transition, name="call_{}"),
]
