"""The budget lines page (/projects/budget/lines/): the lines a viewer of the budget may read, and
the office's form to add one (services/funding checks permission and uniqueness)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nesta.core import errors
from nesta.core.generic import domain_errors, login_required_or_redirect
from nesta.core.generic.base import put_service_errors
from nesta.core.permissions import can
from nesta.programmes.forms.funding import BudgetLineForm
from nesta.programmes.selectors.funding import budget_lines
from nesta.programmes.services import funding as services


@login_required_or_redirect
@domain_errors
def budget_lines_page(request: HttpRequest) -> HttpResponse:
    lines = budget_lines(viewer=request.user)
    may_manage = can(request.user, "programme.manage")
    form = BudgetLineForm(request.POST or None) if may_manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise errors.PermissionDenied()
        if form.is_valid():
            try:
                services.budget_line_create(actor=request.user, data=form.cleaned_data)
            except (errors.ValidationFailed, errors.Conflict) as exc:
                put_service_errors(form, exc)
            else:
                messages.success(request, _("预算额度已保存。"))
                return redirect("programmes:budget_lines")
        status = 422
    return render(request, "programmes/budget/lines.html", {"lines": lines, "form": form}, status=status)
