"""Web pages of the notification centre (/notifications/) and of background jobs (/jobs/<id>/).
Thin: reads through core.notifications / core.tasks, writes through their services."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from nesta.core import notifications
from nesta.core.errors import NotFound
from nesta.core.generic import domain_errors, login_required_or_redirect, render_page_or_partial
from nesta.core.generic.download import file_download
from nesta.core.tasks import job_get, job_kind_label, job_result_template

# --- notifications ------------------------------------------------------------------------------


@login_required_or_redirect
@domain_errors
def notification_list(request: HttpRequest) -> HttpResponse:
    unread = request.GET.get("unread") == "1"
    page = notifications.notifications_page(
        user=request.user, unread=unread, cursor=request.GET.get("cursor"), limit=20
    )
    unread_count = notifications.notifications_unread_count(user=request.user)
    # the layout's badge reads it (templatetags/inbox): one COUNT per page
    request._nesta_unread_notifications = unread_count  # type: ignore[attr-defined]
    return render(
        request, "core/notifications.html", {"page": page, "unread_only": unread, "unread_count": unread_count}
    )


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
@login_required_or_redirect
@domain_errors
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notifications.notifications_mark_read(actor=request.user, ids=[pk])
    return redirect(_back(request, "inbox:notifications"))


@require_POST
@login_required_or_redirect
@domain_errors
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications.notifications_mark_read(actor=request.user, all=True)
    return redirect(_back(request, "inbox:notifications"))


# --- background jobs ----------------------------------------------------------------------------


@login_required_or_redirect
@domain_errors
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_get(user=request.user, job_id=pk)
    context = {"job": job, "kind_label": job_kind_label(job.kind), "result_template": job_result_template(job.kind)}
    return render_page_or_partial(request, "core/job_detail.html", "core/_job_status.html", context)


@login_required_or_redirect
@domain_errors
def job_download(request: HttpRequest, pk: int) -> Any:
    job = job_get(user=request.user, job_id=pk)
    if not job.result_file:
        raise NotFound()
    name = job.result_name or (job.result_file.name or "").rsplit("/", 1)[-1]
    return file_download(job.result_file.open("rb"), filename=name, private=True)
