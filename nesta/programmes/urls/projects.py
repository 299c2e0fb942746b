"""Web pages of the programmes: projects after the award (任务书, reports, payments, acceptance)."""

from django.urls import path

from nesta.programmes.views import projects as views

urlpatterns = [
    path("contracts/", views.project_list, name="project_list"),
    path("payments/", views.payments_list, name="payments"),
    path("contracts/<int:project_id>/", views.project_detail, name="project_detail"),
    path("applications/<int:application_id>/contract/", views.contract_create, name="contract_create"),
    path("contracts/<int:project_id>/milestones/<int:milestone_id>/report/", views.report_submit, name="report_submit"),
    path("contracts/<int:project_id>/reports/<int:report_id>/review/", views.report_review, name="report_review"),
    path("contracts/<int:project_id>/reports/<int:report_id>/file/", views.report_attachment, name="report_file"),
    path("contracts/<int:project_id>/payments/", views.payment_record, name="payment_record"),
    path("contracts/<int:project_id>/mid-term/", views.mid_term, name="mid_term"),
    path("contracts/<int:project_id>/acceptance/request/", views.acceptance_request, name="acceptance_request"),
    path("contracts/<int:project_id>/acceptance/", views.acceptance_decide, name="acceptance_decide"),
]
