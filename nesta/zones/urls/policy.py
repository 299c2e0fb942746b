"""The policy register (/zones/policies/) and the research topics (/zones/topics/)."""

from django.urls import path

from nesta.zones.views import policy as views

urlpatterns = [
    path("policies/", views.PolicyList.as_view(), name="policy_list"),
    path("policies/new/", views.PolicyCreate.as_view(), name="policy_create"),
    path("policies/<int:pk>/", views.PolicyDetail.as_view(), name="policy_detail"),
    path("policies/<int:pk>/edit/", views.PolicyEdit.as_view(), name="policy_edit"),
    path("policies/<int:pk>/file/", views.policy_file, name="policy_file"),
    path("topics/", views.TopicList.as_view(), name="topic_list"),
    path("topics/new/", views.TopicCreate.as_view(), name="topic_create"),
    path("topics/<int:pk>/", views.TopicDetail.as_view(), name="topic_detail"),
    path("topics/<int:pk>/edit/", views.TopicEdit.as_view(), name="topic_edit"),
    path("topics/<int:pk>/outputs/", views.OutputCreate.as_view(), name="topic_output_create"),
]
