"""Reads of applications: one as a viewer may see it, the lists per role (我的申请, the province's
待推荐 queue, the office's 形式审查 queue, all applications of a call), the status timeline and
history, the budget table with its cap.

Visibility is `application.view` on the application (its province and organisation): the
applicant organisation's people, the province of the applicant, the office, finance.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotFound
from nesta.core.models import AuditLog
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import Target, can, grants_of, restrict
from nesta.programmes.lifecycles.application import APPLICATION
from nesta.programmes.models import Application, ApplicationAttachment, ApplicationStatus, AvoidRequest
from nesta.programmes.rules.budget_table import BudgetSummary, summarize
from nesta.programmes.rules.form_fields import display_rows
from nesta.programmes.rules.formal_check import CHECKLIST

S = ApplicationStatus
RELATED = ("call", "call__programme", "organization", "province", "field", "applicant")
HISTORY_MAX = 100


def application_queryset() -> QuerySet[Application]:
    return Application.objects.select_related(*RELATED)


def _viewable(viewer: Any, qs: QuerySet[Application], action: str = "application.view") -> QuerySet[Application]:
    return restrict(viewer, action, qs, province_field="province__code", organization_field="organization_id")


def application_get(*, viewer: Any, application_id: int) -> Application:
    """The application with its team, budget, attachments (without their bytes) and avoid
    requests, or NotFound for anyone who may not see it."""
    qs = application_queryset().prefetch_related(
        "team",
        "budget_items",
        Prefetch("attachments", queryset=ApplicationAttachment.objects.defer("data")),
        Prefetch("avoid_requests", queryset=AvoidRequest.objects.select_related("expert", "expert__organization")),
        "call__fields",
        "call__provinces",
    )
    app = (
        qs.filter(pk=application_id).first() if isinstance(application_id, int) and 0 < application_id < 2**31 else None
    )
    if app is None or not (
        can(viewer, "application.view", app) or (viewer.pk is not None and app.applicant_id == viewer.pk)
    ):
        raise NotFound(_("未找到该申请。"))
    return app


def applications_page(
    *,
    viewer: Any,
    call: int | None = None,
    status: str = "",
    province: str = "",
    q: str = "",
    cursor: str | None = None,
    limit: int = 20,
) -> Page[Application]:
    """The applications the viewer may see, newest first, filtered by call, status, province code."""
    qs = _viewable(viewer, application_queryset())
    if call:
        qs = qs.filter(call_id=call)
    if status:
        qs = qs.filter(status=status)
    if province:
        qs = qs.filter(province__code=province)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(organization__name__icontains=q))
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)


def my_applications_page(
    *, viewer: Any, status: str = "", cursor: str | None = None, limit: int = 20
) -> Page[Application]:
    """我的申请: those the viewer filled in and those of the organisations whose applications they
    may see as its people (not a province's or the office's whole list)."""
    orgs = [
        g.organization_id
        for g in grants_of(viewer)
        if g.organization_id and can(viewer, "application.view", Target(organization_id=g.organization_id))
    ]
    qs = application_queryset().filter(Q(applicant_id=viewer.pk) | Q(organization_id__in=orgs))
    if status:
        qs = qs.filter(status=status)
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)


def recommend_queue_page(
    *, viewer: Any, call: int | None = None, cursor: str | None = None, limit: int = 20
) -> Page[Application]:
    """待推荐: submitted applications of the viewer's province (the office: every province), oldest first."""
    qs = _viewable(viewer, application_queryset().filter(status=S.SUBMITTED), "application.recommend")
    if call:
        qs = qs.filter(call_id=call)
    return keyset_page(qs, cursor=cursor, limit=limit)


def check_queue_page(
    *, viewer: Any, call: int | None = None, cursor: str | None = None, limit: int = 20
) -> Page[Application]:
    """形式审查: recommended applications awaiting the office's check, oldest first."""
    qs = _viewable(viewer, application_queryset().filter(status=S.RECOMMENDED), "application.check")
    if call:
        qs = qs.filter(call_id=call)
    return keyset_page(qs, cursor=cursor, limit=limit)


def transitions_for(viewer: Any, app: Application) -> list[Any]:
    return APPLICATION.available(viewer, app)


def may_edit(viewer: Any, app: Application) -> bool:
    return app.status in (S.DRAFT, S.RETURNED) and can(viewer, "application.change", app)


def budget_of(app: Application) -> BudgetSummary:
    return summarize(app.budget_items.all())


def form_rows(app: Application) -> list[dict[str, Any]]:
    return display_rows(app.call.form_fields or [], app.form_data or {})


def checklist_rows(app: Application) -> list[dict[str, Any]]:
    items = (app.formal_check or {}).get("items") or {}
    return [{"code": c, "label": label, **items[c]} for c, label in CHECKLIST.items() if c in items]


# --- where it stands ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    label: Any
    at: datetime | None
    state: str  # done, current, todo, stopped


# The main path, each step with the timestamp that says it was reached.
PATH: tuple[tuple[Any, str, tuple[str, ...]], ...] = (
    (_("填写申请"), "created_at", (S.DRAFT,)),
    (_("已提交"), "submitted_at", (S.SUBMITTED,)),
    (_("省级推荐"), "recommended_at", (S.RECOMMENDED,)),
    (_("形式审查"), "checked_at", (S.RETURNED,)),
    (_("专家评审"), "checked_at", (S.IN_REVIEW,)),
    (_("立项决定"), "decided_at", (S.FUNDED,)),
    (_("执行中"), "started_at", (S.IN_PROGRESS,)),
    (_("结题验收"), "acceptance_at", (S.ACCEPTANCE,)),
    (_("已结题"), "closed_at", (S.CLOSED,)),
)
STOPS: dict[str, int | None] = {S.NOT_RECOMMENDED: 2, S.NOT_FUNDED: 5, S.FAILED: 8, S.WITHDRAWN: None}


def timeline(app: Application) -> list[Step]:
    """The path from the draft to the closed project, each step done, current or to come; an
    application that stopped (未推荐, 不予资助, 验收不通过, 撤回) shows where."""
    order = {state: i for i, (_label, _ts, states) in enumerate(PATH) for state in states}
    status = app.status
    if status in STOPS:
        stop = STOPS[status]
        if stop is None:  # withdrawn: as far as its timestamps go
            reached = max((i for i, (_l, ts, _s) in enumerate(PATH) if getattr(app, ts, None)), default=0)
            stop = reached + 1
        steps = [
            Step(label, getattr(app, ts, None), "done" if i < stop else "todo")
            for i, (label, ts, _s) in enumerate(PATH)
        ]
        steps.insert(stop, Step(app.get_status_display(), None, "stopped"))
        return [s for i, s in enumerate(steps) if i <= stop]
    current = order.get(status, 0)
    return [
        Step(
            label,
            getattr(app, ts, None) if i <= current else None,
            "done" if i < current else "current" if i == current else "todo",
        )
        for i, (label, ts, _s) in enumerate(PATH)
    ]


def history(app: Application) -> list[AuditLog]:
    """The application's audit rows, newest first (its status history and edits)."""
    return list(
        AuditLog.objects.filter(object_type="programmes.application", object_id=str(app.pk)).order_by(
            "-created_at", "-id"
        )[:HISTORY_MAX]
    )


def attachment_for_download(*, viewer: Any, application_id: int, attachment_id: int) -> ApplicationAttachment:
    app = application_get(viewer=viewer, application_id=application_id)
    att = (
        ApplicationAttachment.objects.filter(pk=attachment_id, application_id=app.pk).first()
        if isinstance(attachment_id, int) and 0 < attachment_id < 2**31
        else None
    )
    if att is None:
        raise NotFound(_("未找到该附件。"))
    return att


EXPERT_OPTIONS_MAX = 500


def expert_pool() -> list[Any]:
    """The experts an applicant may ask to avoid (the pool: people with an expert profile)."""
    from nesta.directory.models import Person

    return list(
        Person.objects.filter(expert_profile__isnull=False)
        .select_related("organization")
        .order_by("name", "pk")[:EXPERT_OPTIONS_MAX]
    )
