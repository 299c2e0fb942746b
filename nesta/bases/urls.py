"""The bases' web pages under /bases/ (创新基地)."""

from django.urls import path

from nesta.bases import views
from nesta.bases.lifecycles import REPORT
from nesta.core.generic.transition import transition_urls

app_name = "bases"

urlpatterns = [
    path("", views.BaseList.as_view(), name="list"),
    path("layout/", views.LayoutPage.as_view(), name="layout"),
    path("<int:pk>/", views.BaseDetail.as_view(), name="detail"),
    path("evaluations/", views.SchemeList.as_view(), name="schemes"),
    path("evaluations/schemes/<int:pk>/run/", views.scheme_run, name="scheme_run"),
    path("evaluations/<int:pk>/", views.RunPage.as_view(), name="run"),
    path("<int:pk>/reports/new/", views.ReportCreate.as_view(), name="report_create"),
    path("reports/<int:pk>/", views.ReportPage.as_view(), name="report"),
    path("reports/<int:pk>/edit/", views.ReportEdit.as_view(), name="report_edit"),
    *transition_urls(REPORT, "reports/<int:pk>/{}/", views.report_transition, name="report_{}"),
]
