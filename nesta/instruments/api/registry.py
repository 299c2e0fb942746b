"""The instrument registry over the API: search, detail, create/change, availability, iCalendar
feeds, XLSX import/export, blackouts and qualifications. Thin wrappers over selectors and services."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, UploadedFile
from ninja.responses import Status

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.api_inbox import JobRefOut, job_ref
from nesta.core.errors import NotAuthenticated, NotFound, ValidationFailed
from nesta.core.schemas import ErrorOut
from nesta.instruments import services
from nesta.instruments.models import Blackout, Instrument, Qualification
from nesta.instruments.schemas import (
    ID_MAX,
    AvailabilityOut,
    AvailabilityQuery,
    BlackoutIn,
    BlackoutOut,
    FeedTokenOut,
    ImportOut,
    InstrumentIn,
    InstrumentOut,
    InstrumentPage,
    InstrumentPatch,
    InstrumentQuery,
    QualificationIn,
    QualificationOut,
    availability_out,
    instrument_list_item,
    instrument_out,
)
from nesta.instruments.selectors import availability as availability_selectors
from nesta.instruments.selectors import calendar as calendar_selectors
from nesta.instruments.selectors import registry as selectors
from nesta.instruments.services import xlsx
from nesta.instruments.tasks import instruments_import_enqueue

router = Router(tags=["instruments"])
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MAX_AVAILABILITY_DAYS = 31
MAX_EXPORT_ROWS = 10_000
EARLIEST, LATEST = 2000, 2100  # years a booking-related time may fall in
ICS = {
    "responses": {
        200: {"description": "iCalendar (RFC 5545)", "content": {"text/calendar": {"schema": {"type": "string"}}}}
    }
}
XLSX_RESPONSE = {
    "responses": {
        200: {
            "description": "XLSX",
            "content": {xlsx.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _moment(value: datetime | None, name: str) -> datetime | None:
    """An aware time within the years bookings can have (far years overflow date arithmetic)."""
    if value is None:
        return None
    if timezone.is_naive(value):
        raise ValidationFailed(details={name: [_("时间须带时区，例如 2026-12-01T09:00:00+08:00。")]})
    if not EARLIEST <= value.year <= LATEST - 1:
        raise ValidationFailed(details={name: [_("时间应在 %(a)d 年至 %(b)d 年之间。") % {"a": EARLIEST, "b": LATEST}]})
    return value


def _filters(query: InstrumentQuery) -> selectors.InstrumentFilters:
    return selectors.InstrumentFilters(
        q=query.q,
        province=query.province,
        city=query.city,
        category=query.category,
        owner_kind=query.owner_kind.value if query.owner_kind else "",
        owner=query.owner,
        status=query.status or "",
        open_only=query.open_only,
        available_from=_moment(query.available_from, "available_from"),
        available_to=_moment(query.available_to, "available_to"),
        free_minutes=query.available_minutes,
    )


def _get(pk: int) -> Instrument:
    instrument = selectors.instrument_get(pk=pk)
    if instrument is None:
        raise NotFound()
    return instrument


def _detail(pk: int) -> dict:
    instrument = _get(pk)
    return instrument_out(instrument, availability_selectors.policy_of(instrument))


@router.get("/instruments", response={200: InstrumentPage, **READ_ERRORS}, summary="仪器检索：中文全文、筛选、空闲时段")
def list_instruments(request: HttpRequest, query: Query[InstrumentQuery]):
    viewer = api_user(request)  # a bad token is refused even where anonymous reading is allowed
    page = selectors.instrument_list(
        filters=_filters(query), cursor=query.cursor, limit=query.limit, with_total=query.total, viewer=viewer
    )
    return {
        "items": [instrument_list_item(i) for i in page.items],
        "next_cursor": page.next_cursor,
        "total": page.total,
    }


@router.post("/instruments", response={201: InstrumentOut, **WRITE_ERRORS}, summary="登记仪器")
def create_instrument(request: HttpRequest, payload: InstrumentIn):
    user = api_user_required(request)
    data = payload.model_dump(exclude_unset=True, mode="json")
    if data.get("policy", {}) is None:
        data.pop("policy")
    instrument = services.instrument_create(actor=user, data=data)
    return Status(201, _detail(instrument.pk))


@router.get(
    "/instruments/export.xlsx",
    response=READ_ERRORS,
    openapi_extra=XLSX_RESPONSE,
    summary=f"导出仪器清单（XLSX，与导入格式相同，最多 {MAX_EXPORT_ROWS} 行）",
)
def export_instruments(request: HttpRequest, query: Query[InstrumentQuery]):
    viewer = api_user(request)
    rows = selectors.instruments_for_export(filters=_filters(query), max_rows=MAX_EXPORT_ROWS, viewer=viewer)
    response = HttpResponse(xlsx.instruments_export_xlsx(rows), content_type=xlsx.XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f"attachment; filename=\"instruments-{stamp}.xlsx\"; filename*=UTF-8''%E4%BB%AA%E5%99%A8%E6%B8%85%E5%8D%95-{stamp}.xlsx"
    )
    return response


@router.post(
    "/instruments/import",
    response={200: ImportOut, 201: ImportOut, 202: JobRefOut, **WRITE_ERRORS},
    summary="导入仪器清单（XLSX，全部成功才保存；422 时 details.rows 给出逐行错误）",
)
def import_instruments(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: bool = Query(False),
    background: bool = Query(False, description="queue it as a background job: 202 with the job to follow"),
):
    user = api_user_required(request)
    content = _upload(file)
    if background:
        job = instruments_import_enqueue(actor=user, content=content, dry_run=dry_run)
        return Status(202, job_ref(job))
    report = xlsx.instruments_import_xlsx(actor=user, content=content, dry_run=dry_run)
    body = {
        "rows": report.rows,
        "created": len(report.created),
        "ids": [i.pk for i in report.created],
        "dry_run": report.dry_run,
        "errors": [e.as_dict() for e in report.errors],
    }
    return Status(200 if dry_run else 201, body)


@router.post(
    "/instruments/import/errors.xlsx",
    response=WRITE_ERRORS,
    openapi_extra=XLSX_RESPONSE,
    summary="校验导入文件（不保存），返回逐行错误报告（XLSX）",
)
def import_error_report(request: HttpRequest, file: File[UploadedFile]):
    user = api_user_required(request)
    report = xlsx.instruments_import_xlsx(actor=user, content=_upload(file), dry_run=True)
    response = HttpResponse(xlsx.import_errors_xlsx(report.errors), content_type=xlsx.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="import-errors.xlsx"'
    return response


def _upload(file: UploadedFile) -> bytes:
    if file.size is not None and file.size > xlsx.MAX_IMPORT_BYTES:
        raise ValidationFailed(
            _("文件过大（上限 %(m)d MB）。") % {"m": xlsx.MAX_IMPORT_BYTES // 1024 // 1024}, code="invalid_file"
        )
    return file.read()


@router.get(
    "/instruments/{instrument_id}", response={200: InstrumentOut, **READ_ERRORS}, summary="仪器详情（含预约规则）"
)
def get_instrument(request: HttpRequest, instrument_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    return _detail(instrument_id)


@router.patch(
    "/instruments/{instrument_id}", response={200: InstrumentOut, **WRITE_ERRORS}, summary="修改仪器及预约规则"
)
def update_instrument(request: HttpRequest, payload: InstrumentPatch, instrument_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    data = payload.model_dump(exclude_unset=True, mode="json")
    if "policy" in data and data["policy"] is None:
        data.pop("policy")
    services.instrument_update(actor=user, instrument=_get(instrument_id), data=data)
    return _detail(instrument_id)


@router.get(
    "/instruments/{instrument_id}/availability",
    response={200: AvailabilityOut, **READ_ERRORS},
    summary=f"可预约时段（按日）与占用时段；from/to 为带时区的 ISO 8601，跨度不超过 {MAX_AVAILABILITY_DAYS} 天",
)
def instrument_availability(
    request: HttpRequest,
    query: Query[AvailabilityQuery],
    instrument_id: int = Path(..., ge=1, le=ID_MAX),
):
    api_user(request)
    start, end = _moment(query.start, "from"), _moment(query.end, "to")
    if start is None or end is None or end <= start:
        raise ValidationFailed(
            _("结束时间必须晚于开始时间。"), code="invalid_range", details={"to": [_("须晚于 from。")]}
        )
    if end - start > timedelta(days=MAX_AVAILABILITY_DAYS):
        raise ValidationFailed(
            _("查询跨度不能超过 %(d)d 天。") % {"d": MAX_AVAILABILITY_DAYS},
            code="range_too_long",
            details={"to": [_("跨度不能超过 %(d)d 天。") % {"d": MAX_AVAILABILITY_DAYS}]},
        )
    instrument = Instrument.objects.select_related("policy").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    return availability_out(availability_selectors.availability(instrument, start, end))


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=calendar_selectors.CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@router.get(
    "/instruments/{instrument_id}/calendar.ics",
    response=READ_ERRORS,
    openapi_extra=ICS,
    summary="仪器预约日历（iCalendar 订阅；只显示“已预约”，不含预约人）",
)
def instrument_calendar(request: HttpRequest, instrument_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    instrument = Instrument.objects.select_related("owner").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    return _ics(calendar_selectors.instrument_calendar(instrument), f"instrument-{instrument_id}.ics")


@router.get(
    "/me/calendar.ics",
    response=READ_ERRORS,
    openapi_extra=ICS,
    summary="我的预约日历（iCalendar）；日历软件订阅时用 ?token=（见 /me/calendar-token）",
)
def my_calendar(request: HttpRequest, token: str = Query("", max_length=100)):
    if token:
        user = calendar_selectors.calendar_feed_user(token)
        if user is None:
            raise NotAuthenticated(_("日历订阅令牌无效。"), code="invalid_token")
    else:
        user = api_user_required(request)
    return _ics(calendar_selectors.user_calendar(user), "my-bookings.ics")


@router.get(
    "/me/calendar-token",
    response={200: FeedTokenOut, 401: ErrorOut},
    auth=login_required,
    summary="我的日历订阅地址（只读令牌；修改密码后失效）",
)
def my_calendar_token(request: HttpRequest):
    user = api_user_required(request)
    token = calendar_selectors.calendar_feed_token(user)
    return {"token": token, "url": request.build_absolute_uri(f"/api/v1/me/calendar.ics?token={token}")}


# --- blackouts and qualifications (the owner's staff) ----------------------------------------


def _blackout_out(b: Blackout) -> dict:
    return {
        "id": b.pk,
        "instrument_id": b.instrument_id,
        "kind": b.kind,
        "start": b.start,
        "end": b.end,
        "reason": b.reason,
    }


@router.post(
    "/instruments/{instrument_id}/blackouts", response={201: BlackoutOut, **WRITE_ERRORS}, summary="添加停机/维护时段"
)
def add_blackout(request: HttpRequest, payload: BlackoutIn, instrument_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    blackout = services.blackout_add(
        actor=user,
        instrument=_get(instrument_id),
        start=_moment(payload.start, "start"),
        end=_moment(payload.end, "end"),
        kind=payload.kind,
        reason=payload.reason,
    )
    return Status(201, _blackout_out(blackout))


@router.delete(
    "/instruments/{instrument_id}/blackouts/{blackout_id}", response={204: None, **WRITE_ERRORS}, summary="删除停机时段"
)
def remove_blackout(
    request: HttpRequest,
    instrument_id: int = Path(..., ge=1, le=ID_MAX),
    blackout_id: int = Path(..., ge=1, le=ID_MAX),
):
    user = api_user_required(request)
    blackout = Blackout.objects.filter(pk=blackout_id, instrument_id=instrument_id).first()
    if blackout is None:
        raise NotFound()
    services.blackout_remove(actor=user, blackout=blackout)
    return Status(204, None)


def _user(pk: int):
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise NotFound()
    return user


@router.put(
    "/instruments/{instrument_id}/qualifications/{user_id}",
    response={200: QualificationOut, **WRITE_ERRORS},
    summary="授予/续期上机资格",
)
def grant_qualification(
    request: HttpRequest,
    payload: QualificationIn,
    instrument_id: int = Path(..., ge=1, le=ID_MAX),
    user_id: int = Path(..., ge=1, le=ID_MAX),
):
    actor = api_user_required(request)
    q: Qualification = services.qualification_grant(
        actor=actor,
        instrument=_get(instrument_id),
        user=_user(user_id),
        expires_at=_moment(payload.expires_at, "expires_at"),
    )
    return {
        "instrument_id": q.instrument_id,
        "user": {"id": q.user_id, "name": str(q.user)},
        "granted_at": q.granted_at,
        "expires_at": q.expires_at,
    }


@router.delete(
    "/instruments/{instrument_id}/qualifications/{user_id}",
    response={204: None, **WRITE_ERRORS},
    summary="撤销上机资格",
)
def revoke_qualification(
    request: HttpRequest,
    instrument_id: int = Path(..., ge=1, le=ID_MAX),
    user_id: int = Path(..., ge=1, le=ID_MAX),
):
    actor = api_user_required(request)
    if not services.qualification_revoke(actor=actor, instrument=_get(instrument_id), user=_user(user_id)):
        raise NotFound()
    return Status(204, None)
