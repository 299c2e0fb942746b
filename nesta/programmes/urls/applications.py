"""Web pages of the programmes: applications."""

from django.urls import path

from nesta.core.generic.transition import transition_urls
from nesta.programmes.lifecycles.application import APPLICATION
from nesta.programmes.views import applications as views

urlpatterns: list = [
    path("calls/<int:pk>/apply/", views.ApplicationCreate.as_view(), name="application_create"),
    path("calls/<int:pk>/applications/", views.CallApplications.as_view(), name="call_applications"),
    path("applications/mine/", views.MyApplications.as_view(), name="my_applications"),
    path("applications/recommend/", views.RecommendQueue.as_view(), name="recommend_queue"),
    path("applications/check/", views.CheckQueue.as_view(), name="check_queue"),
    path("applications/<int:pk>/", views.ApplicationDetail.as_view(), name="application_detail"),
    path("applications/<int:pk>/edit/", views.ApplicationEdit.as_view(), name="application_edit"),
    path("applications/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("applications/<int:pk>/attachments/<int:aid>/", views.attachment_download, name="attachment_download"),
    path("applications/<int:pk>/attachments/<int:aid>/delete/", views.attachment_delete, name="attachment_delete"),
    *transition_urls(APPLICATION, "applications/<int:pk>/{}/", views.application_transition, name="application_{}"),
]
