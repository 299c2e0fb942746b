"""The incubators' web pages under /zones/ (孵化器)."""

from django.urls import path

from nesta.core.generic.transition import transition_urls
from nesta.zones.lifecycles import INCUBATOR_REPORT
from nesta.zones.views import incubator_evaluation as evaluation
from nesta.zones.views import incubator_reports as reports
from nesta.zones.views import incubators as views

urlpatterns = [
    path("incubators/", views.IncubatorList.as_view(), name="incubator_list"),
    path("incubators/evaluations/", evaluation.SchemeList.as_view(), name="incubator_evaluations"),
    path("incubators/evaluations/schemes/<int:pk>/run/", evaluation.scheme_run, name="incubator_scheme_run"),
    path("incubators/evaluations/<int:pk>/", evaluation.RunPage.as_view(), name="incubator_run"),
    path("incubators/new/", views.IncubatorCreate.as_view(), name="incubator_create"),
    path("incubators/<int:pk>/", views.IncubatorDetail.as_view(), name="incubator"),
    path("incubators/<int:pk>/edit/", views.IncubatorEdit.as_view(), name="incubator_edit"),
    path("incubators/<int:pk>/tenants/", views.TenantList.as_view(), name="tenant_list"),
    path("incubators/<int:pk>/tenants/new/", views.TenantCreate.as_view(), name="tenant_create"),
    path("tenants/<int:pk>/edit/", views.TenantEdit.as_view(), name="tenant_edit"),
    path("incubators/<int:pk>/reports/new/", reports.ReportCreate.as_view(), name="incubator_report_create"),
    path("incubator-reports/", reports.ReportList.as_view(), name="incubator_reports"),
    path("incubator-reports/<int:pk>/", reports.ReportPage.as_view(), name="incubator_report"),
    path("incubator-reports/<int:pk>/edit/", reports.ReportEdit.as_view(), name="incubator_report_edit"),
    *transition_urls(
        INCUBATOR_REPORT, "incubator-reports/<int:pk>/{}/", reports.report_transition, name="incubator_report_{}"
    ),
]
