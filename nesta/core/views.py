"""Core's own page, the audit log (office only): the trail filtered by object type, actor and dates,
and its XLSX. Domain errors become web responses in nesta.core.generic; the home page and the areas
still being built are the portal's (nesta/portal)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.forms import AuditFilterForm
from nesta.core.generic.base import domain_errors, render_page_or_partial
from nesta.core.generic.download import file_download
from nesta.core.models import AuditLog
from nesta.core.permissions import require
from nesta.core.selectors import audit_export, audit_list
from nesta.core.templatetags.nesta import audit_changes, audit_object
from nesta.core.xlsx import DATETIME_FORMAT, XLSX_CONTENT_TYPE, table_xlsx


@domain_errors
def audit_log(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view")
    form = AuditFilterForm(request.GET)
    page = None
    if form.is_valid():
        page = audit_list(user=request.user, filters=form.filters(), cursor=request.GET.get("cursor") or None, limit=50)
    context = {"form": form, "page": page, "export_query": _export_query(request)}
    response = render_page_or_partial(request, "core/audit_log.html", "core/_audit_rows.html", context)
    if page is None and not request.htmx:  # the filters were wrong: say so, on the page (never a 500)
        response.status_code = 400
    return response


def _export_query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("cursor", None)
    return params.urlencode()


def _change_text(entry: AuditLog) -> str:
    lines = []
    for row in audit_changes(entry):
        lines.append(
            f"{row['label']}：{row['new']}" if entry.is_creation else f"{row['label']}：{row['old']} → {row['new']}"
        )
    return "\n".join(lines)


def _xlsx_rows(entries: list[AuditLog]) -> list[list[Any]]:
    rows = []
    for e in entries:
        rows.append(
            [
                timezone.localtime(e.created_at),
                e.actor_repr or "—",
                e.event_label,
                audit_object(e)["label"],
                e.object_id,
                e.object_repr,
                _change_text(e),
            ]
        )
    return rows


@domain_errors
def audit_export_xlsx(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view")
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "page": None, "export_query": _export_query(request)}
        response = render_page_or_partial(request, "core/audit_log.html", "core/_audit_rows.html", context)
        response.status_code = 400
        return response
    entries = audit_export(user=request.user, filters=form.filters())
    headers = [_("时间"), _("操作人"), _("操作"), _("对象类型"), _("对象编号"), _("对象"), _("变更内容")]
    content = table_xlsx(
        _("审计日志"),
        headers,
        _xlsx_rows(entries),
        widths=[18, 14, 18, 14, 10, 30, 60],
        formats={1: DATETIME_FORMAT},
    )
    filename = f"{_('审计日志')}-{timezone.localdate():%Y%m%d}.xlsx"
    return file_download(content, filename=filename, content_type=XLSX_CONTENT_TYPE, private=True)
