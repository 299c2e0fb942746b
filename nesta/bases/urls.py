"""The bases' web pages under /bases/ (创新基地)."""

from django.urls import path

from nesta.bases import views

app_name = "bases"

urlpatterns = [
    path("", views.BaseList.as_view(), name="list"),
    path("layout/", views.LayoutPage.as_view(), name="layout"),
    path("<int:pk>/", views.BaseDetail.as_view(), name="detail"),
    path("evaluations/<int:pk>/", views.RunPage.as_view(), name="run"),
]
