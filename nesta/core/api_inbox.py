"""The signed-in user's notification centre and background jobs over the API:
GET /me/notifications, POST /me/notifications/read, GET /jobs/{id}."""

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Schema
from pydantic import Field, model_validator

from nesta.core import notifications
from nesta.core.api_auth import api_user, login_required
from nesta.core.errors import ValidationFailed
from nesta.core.schemas import ErrorOut
from nesta.core.tasks import job_get, job_kind_label

router = Router(tags=["notifications"])
ID_MAX = 2**31 - 1


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str = Field(description="the object the message is about (a path on this site), or empty")
    created_at: datetime
    read_at: datetime | None
    read: bool


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread_count: int


class NotificationQuery(Schema):
    unread: bool = Field(False, description="only the unread ones")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


class MarkReadIn(Schema):
    ids: list[int] = Field(default_factory=list, max_length=notifications.MARK_MAX_IDS)
    all: bool = False

    @model_validator(mode="after")
    def _ids_or_all(self) -> "MarkReadIn":
        if any(not 1 <= i <= ID_MAX for i in self.ids):
            raise ValueError("ids must be positive record ids")
        return self


class MarkReadOut(Schema):
    marked: int
    unread_count: int


def _note(n) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "created_at": timezone.localtime(n.created_at),
        "read_at": timezone.localtime(n.read_at) if n.read_at else None,
        "read": n.read_at is not None,
    }


@router.get(
    "/me/notifications",
    response={200: NotificationPage, 400: ErrorOut, 401: ErrorOut},
    auth=login_required,
    summary="我的站内消息（最新在前，按游标分页）",
)
def list_my_notifications(request: HttpRequest, filters: Query[NotificationQuery]):
    user = api_user(request)
    page = notifications.notifications_page(
        user=user, unread=filters.unread, cursor=filters.cursor, limit=filters.limit
    )
    return {
        "items": [_note(n) for n in page.items],
        "next_cursor": page.next_cursor,
        "unread_count": notifications.notifications_unread_count(user=user),
    }


@router.post(
    "/me/notifications/read",
    response={200: MarkReadOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=login_required,
    summary='标记站内消息为已读（{"ids": [...]} 或 {"all": true}；仅限本人的消息）',
)
def mark_my_notifications_read(request: HttpRequest, payload: MarkReadIn):
    user = api_user(request)
    if not payload.all and not payload.ids:
        raise ValidationFailed(_("请给出要标记的消息（ids）或 all: true。"), details={"ids": [str(_("不能为空。"))]})
    marked = notifications.notifications_mark_read(actor=user, ids=payload.ids, all=payload.all)
    return {"marked": marked, "unread_count": notifications.notifications_unread_count(user=user)}


class JobOut(Schema):
    id: int
    kind: str
    label: str
    status: str
    progress_done: int
    progress_total: int | None
    percent: int | None
    message: str
    attempts: int
    max_attempts: int
    error: str
    result: dict
    download_url: str | None = Field(description="the result file, when the job wrote one")
    page_url: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=login_required,
    tags=["jobs"],
    summary="后台任务的状态与进度（仅提交人和领导小组办公室可见）",
)
def get_job(request: HttpRequest, job_id: int = Path(..., ge=1, le=ID_MAX)):
    job = job_get(user=api_user(request), job_id=job_id)
    return {
        "id": job.pk,
        "kind": job.kind,
        "label": str(job_kind_label(job.kind)),
        "status": job.status,
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "percent": job.percent,
        "message": job.message,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "error": job.error,
        "result": job.result,
        "download_url": reverse("inbox:job_download", args=[job.pk]) if job.result_file else None,
        "page_url": reverse("inbox:job_detail", args=[job.pk]),
        "created_at": timezone.localtime(job.created_at),
        "started_at": timezone.localtime(job.started_at) if job.started_at else None,
        "finished_at": timezone.localtime(job.finished_at) if job.finished_at else None,
    }


class JobRefOut(Schema):
    """What an endpoint that queues a background job answers (202): where to follow it."""

    job_id: int
    status: str
    page_url: str
    api_url: str


def job_ref(job) -> dict:
    return {
        "job_id": job.pk,
        "status": job.status,
        "page_url": reverse("inbox:job_detail", args=[job.pk]),
        "api_url": f"/api/v1/jobs/{job.pk}",
    }
