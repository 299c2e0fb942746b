"""Web pages of reviewer assignment: the office's page for a call (run the solver with its
parameters, preview totals beside the greedy baseline, save; the conflicts list; the seats per
application with a swap), and the expert's "我的评审邀请" (only their own seats)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nesta.core.errors import Conflict, ValidationFailed
from nesta.core.generic.base import domain_errors, login_required_or_redirect
from nesta.programmes.forms.assignment import AssignmentForm, ReasonForm, SwapForm
from nesta.programmes.selectors import assignment as reads
from nesta.programmes.selectors.conflicts import call_conflicts_page, correspondence_round, managed_call
from nesta.programmes.services import assignment as services
from nesta.programmes.services import conflicts as conflict_services
from nesta.programmes.services import invitations


def _page(request: HttpRequest, pk: int, form: AssignmentForm, **extra: Any) -> HttpResponse:
    status = extra.pop("status", 200)
    call = managed_call(viewer=request.user, call_id=pk)
    rnd, rows = reads.round_seats(viewer=request.user, call_id=pk)
    context = {
        "call": call,
        "round": rnd,
        "form": form,
        "rows": rows,
        "seated": sum(1 for r in rows for s in r.seats if s.status in ("invited", "accepted", "submitted")),
        "swap_form": SwapForm(),
        **extra,
    }
    return render(request, "programmes/assignment/page.html", context, status=status)


@login_required_or_redirect
@domain_errors
@require_http_methods(["GET", "POST"])
def assignment_page(request: HttpRequest, pk: int) -> HttpResponse:
    call = managed_call(viewer=request.user, call_id=pk)
    rnd = correspondence_round(call)
    initial = {"k": rnd.reviewers_per_application, "min_load": rnd.min_load, "max_load": rnd.max_load}
    if request.method == "GET":
        form = AssignmentForm(initial={**initial, "out_of_province": True, "one_per_org": True})
        return _page(request, pk, form)
    form = AssignmentForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, form, status=422)
    save = request.POST.get("action") == "save"
    try:
        result = services.assignment_run(actor=request.user, call_id=pk, data=form.to_data(), save=save)
    except services.AssignmentInfeasible as exc:
        return _page(request, pk, form, reasons=exc.details.get("reasons", []), status=422)
    except (ValidationFailed, Conflict) as exc:
        form.add_error(None, str(exc.message))
        return _page(request, pk, form, status=422 if isinstance(exc, ValidationFailed) else 409)
    if save:
        messages.success(request, _("已保存 %(n)s 个评审席位，并已通知专家。") % {"n": result.saved})
        return redirect("programmes:assignment", pk=pk)
    return _page(request, pk, form, result=result, preview=result.by_application()[:200])


@login_required_or_redirect
@domain_errors
def conflicts_page(request: HttpRequest, pk: int) -> HttpResponse:
    call = managed_call(viewer=request.user, call_id=pk)
    page = call_conflicts_page(viewer=request.user, call_id=pk, cursor=request.GET.get("cursor"), limit=50)
    return render(request, "programmes/assignment/conflicts.html", {"call": call, "page": page})


@login_required_or_redirect
@domain_errors
@require_POST
def swap(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    form = SwapForm(request.POST)
    back = reverse("programmes:assignment", args=[pk])
    if not form.is_valid():
        messages.error(request, _("请填写要替换的专家编号。"))
        return redirect(back)
    try:
        services.assignment_swap(
            actor=request.user,
            assignment_id=assignment_id,
            expert_id=form.cleaned_data["expert_id"],
            reason=form.cleaned_data["reason"],
        )
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(request, _("已调换评审专家。"))
    return redirect(back)


@login_required_or_redirect
@domain_errors
def my_invitations(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    page = reads.my_invitations_page(viewer=request.user, status=status, cursor=request.GET.get("cursor"))
    return render(
        request,
        "programmes/assignment/invitations.html",
        {"page": page, "status": status, "reason_form": ReasonForm()},
    )


@login_required_or_redirect
@domain_errors
@require_POST
def invitation_action(request: HttpRequest, assignment_id: int, action: str) -> HttpResponse:
    back = reverse("programmes:my_invitations")
    try:
        if action == "accept":
            invitations.assignment_accept(actor=request.user, assignment_id=assignment_id)
            messages.success(request, _("已接受评审邀请。"))
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("请说明理由。"))
                return redirect(back)
            reason = form.cleaned_data["reason"]
            if action == "decline":
                invitations.assignment_decline(actor=request.user, assignment_id=assignment_id, reason=reason)
                messages.success(request, _("已谢绝评审邀请。"))
            else:
                conflict_services.conflict_declare(actor=request.user, assignment_id=assignment_id, reason=reason)
                messages.success(request, _("已声明利益冲突，该评审已撤回。"))
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, str(exc.message))
    return redirect(back)
