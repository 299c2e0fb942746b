"""Web pages of interest subsidies: the funds, a zone fund (loans, statements, instalments and
what is left), a loan, the borrower's statement form, and a statement with its computation line by
line, the decision (office, province) and the payment (finance). Thin: selectors read, services
write."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nesta.core.errors import DomainError, ValidationFailed
from nesta.core.generic.base import FAILED_POST_STATUS, domain_errors, login_required_or_redirect, put_service_errors
from nesta.core.permissions import can, require
from nesta.programmes.forms.subsidies import DecisionForm, PayForm, StatementForm
from nesta.programmes.selectors import subsidies as selectors
from nesta.programmes.services import subsidies as services


@require_GET
@login_required_or_redirect
@domain_errors
def fund_list(request: HttpRequest) -> HttpResponse:
    funds = selectors.funds_for(request.user)
    return render(request, "programmes/subsidies/fund_list.html", {"funds": funds})


@require_GET
@login_required_or_redirect
@domain_errors
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.fund_get(user=request.user, fund_id=pk)
    return render(request, "programmes/subsidies/fund_detail.html", {"page": page, "fund": page.fund})


@require_GET
@login_required_or_redirect
@domain_errors
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.loan_get(user=request.user, loan_id=pk)
    context = {
        "loan": loan,
        "may_submit": can(request.user, "subsidy.submit", loan),
        "term_end": services.term_end(loan),
    }
    return render(request, "programmes/subsidies/loan_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def statement_submit(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.loan_get(user=request.user, loan_id=pk)
    require(request.user, "subsidy.submit", loan)
    status = 200
    if request.method == "POST":
        form = StatementForm(request.POST)
        if form.is_valid():
            try:
                done = services.statement_submit(actor=request.user, loan_id=loan.pk, data=form.to_data())
            except (ValidationFailed, DomainError) as exc:
                put_service_errors(form, exc)
            else:
                messages.success(
                    request, _("已提交付息凭证，测算贴息 %(a)s 元，待审核。") % {"a": f"{done.computation.amount:,.2f}"}
                )
                return redirect("programmes:subsidy_statement", pk=done.statement.pk)
        status = FAILED_POST_STATUS
    else:
        form = StatementForm(initial={"principal_outstanding": loan.principal, "paid_on": timezone.localdate()})
    return render(request, "programmes/subsidies/statement_form.html", {"loan": loan, "form": form}, status=status)


def _statement_page(request: HttpRequest, pk: int, **forms: Any) -> HttpResponse:
    view = selectors.statement_get(user=request.user, statement_id=pk)
    st = view.statement
    may_decide = st.status == "submitted" and can(request.user, "subsidy.manage", st.loan)
    may_pay = st.status == "approved" and can(request.user, "subsidy.pay", st.loan)
    context = {
        "view": view,
        "st": st,
        "loan": st.loan,
        "may_decide": may_decide,
        "may_pay": may_pay,
        "decision_form": forms.get("decision_form") or DecisionForm(initial={"decision": "approve"}),
        "pay_form": forms.get("pay_form") or PayForm(initial={"paid_on": timezone.localdate()}),
    }
    status = FAILED_POST_STATUS if forms else 200
    return render(request, "programmes/subsidies/statement_detail.html", context, status=status)


@require_GET
@login_required_or_redirect
@domain_errors
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _statement_page(request, pk)


@require_POST
@login_required_or_redirect
@domain_errors
def statement_decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.statement_decide(
                actor=request.user, statement_id=pk, approve=approve, note=form.cleaned_data["note"]
            )
        except (ValidationFailed, DomainError) as exc:
            if exc.status in (401, 403, 404):
                raise
            put_service_errors(form, exc)
        else:
            messages.success(request, _("已核定贴息。") if approve else _("已决定不予贴息。"))
            return redirect("programmes:subsidy_statement", pk=pk)
    return _statement_page(request, pk, decision_form=form)


@require_POST
@login_required_or_redirect
@domain_errors
def statement_pay(request: HttpRequest, pk: int) -> HttpResponse:
    form = PayForm(request.POST)
    if form.is_valid():
        try:
            services.instalment_pay(actor=request.user, statement_id=pk, paid_on=form.cleaned_data["paid_on"])
        except (ValidationFailed, DomainError) as exc:
            if exc.status in (401, 403, 404):
                raise
            put_service_errors(form, exc)
        else:
            messages.success(request, _("已登记拨付贴息。"))
            return redirect("programmes:subsidy_statement", pk=pk)
    return _statement_page(request, pk, pay_form=form)
