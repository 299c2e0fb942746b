"""The web pages of technology contract registration (under /market/, namespace market)."""

from django.urls import path

from nesta.core.generic.transition import transition_urls
from nesta.market.lifecycles.contract import CONTRACT
from nesta.market.views import contracts as v

urlpatterns = [
    path("contracts/", v.ContractList.as_view(), name="contract_list"),
    path("contracts/new/", v.ContractSubmit.as_view(), name="contract_submit"),
    path("contracts/queue/", v.PointQueue.as_view(), name="contract_queue"),
    path("contracts/queue/<int:point_id>/", v.PointQueue.as_view(), name="contract_queue_point"),
    path("contracts/queue/<int:point_id>/ledger.xlsx", v.point_ledger, name="contract_ledger"),
    path("contracts/verify/", v.contract_verify_form, name="contract_verify_form"),
    path("contracts/verify/<str:number>/", v.contract_verify, name="contract_verify"),
    path("contracts/<int:pk>/", v.ContractDetail.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/decide/", v.ContractDecide.as_view(), name="contract_decide"),
    path("contracts/<int:pk>/certificate.pdf", v.contract_certificate, name="contract_certificate"),
    *transition_urls(CONTRACT, "contracts/<int:pk>/{}/", v.contract_action, name="contract_{}"),
    path("registration-points/", v.PointList.as_view(), name="registration_points"),
    path("registration-points/new/", v.PointCreate.as_view(), name="registration_point_create"),
    path("registration-points/<int:pk>/edit/", v.PointEdit.as_view(), name="registration_point_edit"),
]
