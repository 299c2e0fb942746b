"""Web pages after the award: the projects list (finance's payments view too), a project's page
(task contract, milestones with their reports and payments, payment progress by category,
acceptance) with its forms, the task contract form of a funded application, and the report
attachment download. Each POST runs one service; a refusal comes back as a message."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nesta.core.errors import Conflict, ServiceUnavailable, ValidationFailed
from nesta.core.generic import domain_errors, login_required_or_redirect
from nesta.core.generic.download import file_download
from nesta.core.generic.transition import error_text
from nesta.core.permissions import can
from nesta.programmes.forms.projects import (
    MILESTONE_ROWS,
    AcceptanceForm,
    ContractForm,
    NoteForm,
    PaymentForm,
    ReportForm,
    ReviewForm,
    form_errors,
)
from nesta.programmes.selectors import projects as reads
from nesta.programmes.services import payments as pay
from nesta.programmes.services import projects as services

STATUS_CHOICES = [
    ("", "全部"),
    ("in_progress", "执行中"),
    ("acceptance", "结题验收"),
    ("closed", "已结题"),
    ("failed", "验收不通过"),
]


@require_GET
@login_required_or_redirect
@domain_errors
def project_list(request: HttpRequest, payments: bool = False) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in dict(STATUS_CHOICES):
        status = ""
    q = (request.GET.get("q") or "")[:100]
    page = reads.project_list(
        viewer=request.user,
        filters=reads.ProjectFilters(status=status, q=q.strip()),
        cursor=request.GET.get("cursor") or None,
        limit=20,
    )
    to_sign = reads.fundable_applications(viewer=request.user, limit=20) if can(request.user, "project.manage") else []
    context = {
        "page": page,
        "paged": bool(request.GET.get("cursor")),
        "status": status,
        "q": q,
        "statuses": STATUS_CHOICES,
        "to_sign": to_sign,
        "payments_view": payments,
        "may_budget": can(request.user, "budget.view"),
    }
    return render(request, "programmes/projects/list.html", context)


@require_GET
@login_required_or_redirect
@domain_errors
def payments_list(request: HttpRequest) -> HttpResponse:
    return project_list(request, payments=True)


@require_GET
@login_required_or_redirect
@domain_errors
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    d = reads.project_get(viewer=request.user, project_id=project_id)
    context = {
        "d": d,
        "p": d.project,
        "app": d.project.application,
        "report_form": ReportForm(),
        "payment_form": PaymentForm(milestones=d.milestones),
        "note_form": NoteForm(),
        "acceptance_form": AcceptanceForm(),
        "may_request_acceptance": any(t.name == "request_acceptance" for t in d.transitions),
    }
    return render(request, "programmes/projects/detail.html", context)


def _back(project_id: int) -> str:
    return reverse("programmes:project_detail", args=[project_id])


def _run(request: HttpRequest, project_id: int, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, error_text(exc))
    except ServiceUnavailable:
        messages.error(request, _("系统繁忙，请稍后重试"))
    else:
        messages.success(request, done)
    return redirect(_back(project_id))


@require_POST
@login_required_or_redirect
@domain_errors
def report_submit(request: HttpRequest, project_id: int, milestone_id: int) -> HttpResponse:
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_back(project_id))

    def act() -> None:
        upload = form.cleaned_data.get("file")
        attachment = None
        if upload is not None:
            if upload.size > services.ATTACHMENT_MAX_BYTES:
                raise ValidationFailed(details={"attachment": [_("附件不能超过 10 MB。")]})
            attachment = services.attachment_check(upload.name or "", upload.read(services.ATTACHMENT_MAX_BYTES + 1))
        services.milestone_report_submit(
            actor=request.user,
            project_id=project_id,
            milestone_id=milestone_id,
            text=form.cleaned_data["text"],
            attachment=attachment,
        )

    return _run(request, project_id, act, _("节点报告已提交，等待审核。"))


@require_POST
@login_required_or_redirect
@domain_errors
def report_review(request: HttpRequest, project_id: int, report_id: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_back(project_id))
    accept = form.cleaned_data["decision"] == "accept"
    return _run(
        request,
        project_id,
        lambda: services.milestone_report_review(
            actor=request.user,
            report_id=report_id,
            accept=accept,
            note=form.cleaned_data["note"],
            project_id=project_id,
        ),
        _("报告已通过。") if accept else _("报告已退回修改。"),
    )


@require_POST
@login_required_or_redirect
@domain_errors
def payment_record(request: HttpRequest, project_id: int) -> HttpResponse:
    d = reads.project_get(viewer=request.user, project_id=project_id)
    form = PaymentForm(request.POST, milestones=d.milestones)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_back(project_id))
    return _run(
        request,
        project_id,
        lambda: pay.payment_record(actor=request.user, project_id=project_id, data=form.cleaned_data),
        _("拨款已登记。"),
    )


@require_POST
@login_required_or_redirect
@domain_errors
def mid_term(request: HttpRequest, project_id: int) -> HttpResponse:
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_back(project_id))
    return _run(
        request,
        project_id,
        lambda: services.project_mid_term(actor=request.user, project_id=project_id, note=form.cleaned_data["note"]),
        _("中期检查意见已保存。"),
    )


@require_POST
@login_required_or_redirect
@domain_errors
def acceptance_request(request: HttpRequest, project_id: int) -> HttpResponse:
    return _run(
        request,
        project_id,
        lambda: services.acceptance_request(actor=request.user, project_id=project_id),
        _("已申请结题验收。"),
    )


@require_POST
@login_required_or_redirect
@domain_errors
def acceptance_decide(request: HttpRequest, project_id: int) -> HttpResponse:
    form = AcceptanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_back(project_id))
    c = form.cleaned_data
    return _run(
        request,
        project_id,
        lambda: services.acceptance_decide(
            actor=request.user,
            project_id=project_id,
            result=c["result"],
            note=c["note"],
            extended_until=c.get("extended_until"),
            panel_score=c.get("panel_score"),
        ),
        _("验收结论已保存。"),
    )


@login_required_or_redirect
@domain_errors
def contract_create(request: HttpRequest, application_id: int) -> HttpResponse:
    """The task contract of a funded application (the office's or the province's)."""
    app = reads.signable_application(viewer=request.user, application_id=application_id)
    form = ContractForm(request.POST or None, initial={"start_date": app.start_date, "end_date": app.end_date})
    rows = [
        {
            k: request.POST.get(f"m-{i}-{k}", "")
            for k in ("title", "due_date", "deliverables", "payment_amount", "is_mid_term")
        }
        for i in range(MILESTONE_ROWS)
    ]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {**form.cleaned_data, "milestones": form.milestones(request.POST)}
            try:
                project = services.project_create(actor=request.user, application_id=app.pk, data=data)
            except (ValidationFailed, Conflict) as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("任务书已签订，项目进入执行。"))
                return redirect(_back(project.pk))
        status = 422
    context = {"app": app, "form": form, "rows": list(enumerate(rows))}
    return render(request, "programmes/projects/contract_form.html", context, status=status)


@require_GET
@login_required_or_redirect
@domain_errors
def report_attachment(request: HttpRequest, project_id: int, report_id: int) -> HttpResponse:
    report = reads.report_attachment(viewer=request.user, report_id=report_id)
    return file_download(
        bytes(report.attachment or b""),
        filename=report.attachment_name,
        content_type=report.attachment_type or "application/octet-stream",
        private=True,
    )
