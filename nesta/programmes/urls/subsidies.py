"""Web pages of the programmes: subsidies (财政贴息)."""

from django.urls import path

from nesta.programmes.views import subsidies as views

urlpatterns: list = [
    path("subsidies/", views.fund_list, name="subsidy_funds"),
    path("subsidies/funds/<int:pk>/", views.fund_detail, name="subsidy_fund"),
    path("subsidies/loans/<int:pk>/", views.loan_detail, name="subsidy_loan"),
    path("subsidies/loans/<int:pk>/statement/", views.statement_submit, name="subsidy_statement_new"),
    path("subsidies/statements/<int:pk>/", views.statement_detail, name="subsidy_statement"),
    path("subsidies/statements/<int:pk>/decide/", views.statement_decide, name="subsidy_statement_decide"),
    path("subsidies/statements/<int:pk>/pay/", views.statement_pay, name="subsidy_statement_pay"),
]
