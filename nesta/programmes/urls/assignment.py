"""Web pages of the programmes: reviewer assignment (the office's) and invitations (the expert's)."""

from django.urls import path

from nesta.programmes.views import assignment as views

urlpatterns: list = [
    path("calls/<int:pk>/assignment/", views.assignment_page, name="assignment"),
    path("calls/<int:pk>/conflicts/", views.conflicts_page, name="assignment_conflicts"),
    path("calls/<int:pk>/assignment/<int:assignment_id>/swap/", views.swap, name="assignment_swap"),
    path("invitations/", views.my_invitations, name="my_invitations"),
    path(
        "invitations/<int:assignment_id>/accept/",
        views.invitation_action,
        {"action": "accept"},
        name="invitation_accept",
    ),
    path(
        "invitations/<int:assignment_id>/decline/",
        views.invitation_action,
        {"action": "decline"},
        name="invitation_decline",
    ),
    path(
        "invitations/<int:assignment_id>/conflict/",
        views.invitation_action,
        {"action": "conflict"},
        name="invitation_conflict",
    ),
]
