"""Problem reports, shutdowns and recurring maintenance over the API: thin wrappers over
services.problems / shutdowns / maintenance and selectors.problems (who sees what: there)."""

import inspect
import uuid
from datetime import datetime, time
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nesta.core.api_auth import api_user, api_user_required
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.inputs import AwareDateTime, BoundedInt, CleanText, LocalDate
from nesta.core.lifecycle import Transition
from nesta.core.schemas import ErrorOut
from nesta.directory.schemas import ID_MAX
from nesta.instruments.lifecycles import PROBLEM
from nesta.instruments.models import Blackout, ProblemReport
from nesta.instruments.selectors import problems as selectors
from nesta.instruments.services import maintenance, problems, shutdowns

router = Router(tags=["problems and shutdowns"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}  # 401: a bad token
InstrumentId = Path(..., ge=1, le=ID_MAX)


class ProblemIn(Schema):
    title: CleanText(120, min_length=1, multiline=False) = Field(..., description="问题摘要")
    description: CleanText(5000) = ""
    severity: ProblemReport.Severity = Field(
        ProblemReport.Severity.MAJOR, description="minor 轻微 / major 影响使用 / critical 无法使用"
    )
    booking_id: BoundedInt(1, ID_MAX) | None = Field(None, description="出现问题的那次预约（自己的）")


class ResolveIn(Schema):
    resolution: CleanText(300, min_length=1) = Field(..., description="处理结果")


class ProblemOut(Schema):
    id: int
    instrument_id: int
    severity: str
    severity_display: str
    status: str
    status_display: str
    created_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    detailed: bool = Field(description="false：以下内容仅仪器管理方和报告人可见，为 null")
    title: str | None
    description: str | None
    resolution: str | None
    booking_id: int | None
    reporter_id: int | None
    reporter_name: str | None


class ProblemPage(Schema):
    items: list[ProblemOut]
    next_cursor: str | None


class ListQuery(Schema):
    cursor: CleanText(200) | None = None
    limit: int = Field(20, ge=1, le=100)


class ProblemListQuery(ListQuery):
    status: ProblemReport.Status | None = Field(None, description="按状态筛选")


class ShutdownIn(Schema):
    start: AwareDateTime
    end: AwareDateTime
    reason: CleanText(150, min_length=1, multiline=False) = Field(..., description="停机原因（对外公示）")
    mode: Literal["flag", "cancel"] = Field(
        "flag", description="flag：提示受影响的预约人（预约保留）；cancel：取消受影响的预约（使用中的预约改为提示）"
    )
    problem_id: BoundedInt(1, ID_MAX) | None = Field(None, description="对应的故障报告")


class ShutdownOut(Schema):
    id: int
    instrument_id: int
    start: datetime
    end: datetime
    reason: str
    problem_id: int | None
    created_at: datetime | None


class AffectedOut(Schema):
    booking_id: int
    user_id: int
    start: datetime
    end: datetime
    action: Literal["cancelled", "flagged"]
    status: str


class ShutdownResultOut(Schema):
    shutdown: ShutdownOut
    affected: list[AffectedOut]


class ShutdownPage(Schema):
    items: list[ShutdownOut]
    next_cursor: str | None


class ShutdownEndOut(Schema):
    called_off: bool = Field(description="true：停机尚未开始，已取消该安排")
    shutdown: ShutdownOut | None


class MaintenanceIn(Schema):
    first_date: LocalDate
    start_time: time = Field(..., description="北京时间，如 08:00")
    end_time: time = Field(..., description="北京时间；不晚于开始时间表示次日")
    pattern: Literal["weekly", "monthly"] = Field(
        "weekly", description="weekly：每 every 周；monthly：每月第几个星期几（同 first_date）"
    )
    every: BoundedInt(1, maintenance.EVERY_MAX) = 1
    count: BoundedInt(1, maintenance.COUNT_MAX) = Field(..., description="次数，最多 104")
    reason: CleanText(200, multiline=False) = ""


class MaintenanceOut(Schema):
    series: str
    created: list[ShutdownOut]
    skipped: list[dict]


class RemovedOut(Schema):
    removed: int


def problem_out(p: ProblemReport, detailed: bool) -> dict[str, Any]:
    return {
        "id": p.pk,
        "instrument_id": p.instrument_id,
        "severity": p.severity,
        "severity_display": str(p.get_severity_display()),
        "status": p.status,
        "status_display": str(p.get_status_display()),
        "created_at": p.created_at,
        "acknowledged_at": p.acknowledged_at,
        "resolved_at": p.resolved_at,
        "detailed": detailed,
        "title": p.title if detailed else None,
        "description": p.description if detailed else None,
        "resolution": p.resolution if detailed else None,
        "booking_id": p.booking_id if detailed else None,
        "reporter_id": p.reporter_id if detailed else None,
        "reporter_name": str(p.reporter) if detailed else None,
    }


def blackout_out(b: Blackout) -> dict[str, Any]:
    return {
        "id": b.pk,
        "instrument_id": b.instrument_id,
        "start": b.start,
        "end": b.end,
        "reason": b.reason,
        "problem_id": b.problem_id,
        "created_at": b.created_at,
    }


# --- problem reports ----------------------------------------------------------------------------


@router.post(
    "/instruments/{instrument_id}/problems",
    response={201: ProblemOut, **ERRORS},
    summary="报告故障（使用过该仪器的用户或仪器管理方；403 not_a_user）",
)
def report_problem(request: HttpRequest, payload: ProblemIn, instrument_id: int = InstrumentId):
    problem = problems.problem_report(
        actor=api_user_required(request),
        instrument_id=instrument_id,
        title=payload.title,
        description=payload.description,
        severity=payload.severity.value,
        booking_id=payload.booking_id,
    )
    return Status(201, problem_out(problem, detailed=True))


@router.get(
    "/instruments/{instrument_id}/problems",
    response={200: ProblemPage, **READ_ERRORS},
    summary="仪器的故障报告（最新在前，按游标分页；内容仅管理方和报告人可见）",
)
def list_problems(request: HttpRequest, filters: Query[ProblemListQuery], instrument_id: int = InstrumentId):
    viewer = api_user(request)
    instrument = selectors.instrument_of(instrument_id=instrument_id)
    page, staff = selectors.problems_page(
        instrument=instrument,
        viewer=viewer,
        cursor=filters.cursor,
        limit=filters.limit,
        status=filters.status.value if filters.status else None,
    )
    return {
        "items": [problem_out(p, selectors.sees_details(viewer, p, staff)) for p in page.items],
        "next_cursor": page.next_cursor,
    }


def _run(t: Transition, user: Any, problem_id: int, payload: ResolveIn | None = None) -> dict[str, Any]:
    if t.name == "resolve":
        assert payload is not None
        problem = problems.problem_resolve(actor=user, problem_id=problem_id, resolution=payload.resolution)
    else:
        problem = problems.problem_acknowledge(actor=user, problem_id=problem_id)
    return problem_out(problem, detailed=True)


transition_endpoints(
    router,
    PROBLEM,
    prefix="/problems",
    id_name="problem_id",
    run=_run,
    response={200: ProblemOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_problem",
    module=__name__,
    inputs={"resolve": [inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=ResolveIn)]},
)


# --- shutdowns ----------------------------------------------------------------------------------


@router.post(
    "/instruments/{instrument_id}/shutdowns",
    response={201: ShutdownResultOut, **ERRORS},
    summary="故障停机（仪器管理方）：时段内的预约按 mode 取消或提示；返回受影响的预约及处理结果",
)
def start_shutdown(request: HttpRequest, payload: ShutdownIn, instrument_id: int = InstrumentId):
    result = shutdowns.shutdown_start(
        actor=api_user_required(request),
        instrument_id=instrument_id,
        start=payload.start,
        end=payload.end,
        reason=payload.reason,
        mode=payload.mode,
        problem_id=payload.problem_id,
    )
    affected = [
        {
            "booking_id": a.booking_id,
            "user_id": a.user_id,
            "start": a.start,
            "end": a.end,
            "action": a.action,
            "status": a.status,
        }
        for a in result.affected
    ]
    return Status(201, {"shutdown": blackout_out(result.shutdown), "affected": affected})


@router.get(
    "/instruments/{instrument_id}/shutdowns",
    response={200: ShutdownPage, **READ_ERRORS},
    summary="仪器的故障停机记录（最新在前，按游标分页）",
)
def list_shutdowns(request: HttpRequest, filters: Query[ListQuery], instrument_id: int = InstrumentId):
    instrument = selectors.instrument_of(instrument_id=instrument_id)
    page = selectors.shutdowns_page(instrument=instrument, cursor=filters.cursor, limit=filters.limit)
    return {"items": [blackout_out(b) for b in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/instruments/{instrument_id}/shutdowns/{shutdown_id}/end",
    response={200: ShutdownEndOut, **ERRORS},
    summary="提前结束停机（尚未开始的停机则取消；409 shutdown_over）",
)
def end_shutdown(
    request: HttpRequest, instrument_id: int = InstrumentId, shutdown_id: int = Path(..., ge=1, le=ID_MAX)
):
    ended = shutdowns.shutdown_end(
        actor=api_user_required(request), instrument_id=instrument_id, shutdown_id=shutdown_id
    )
    return {"called_off": ended is None, "shutdown": blackout_out(ended) if ended else None}


# --- recurring maintenance ----------------------------------------------------------------------


@router.post(
    "/instruments/{instrument_id}/maintenance",
    response={201: MaintenanceOut, **ERRORS},
    summary="安排定期维护（每 N 周或每月第几个星期几，最多 104 次；与已有预约冲突的日期跳过并在 skipped 中说明）",
)
def schedule_maintenance(request: HttpRequest, payload: MaintenanceIn, instrument_id: int = InstrumentId):
    result = maintenance.maintenance_schedule(
        actor=api_user_required(request),
        instrument_id=instrument_id,
        first_date=payload.first_date,
        start_time=payload.start_time,
        end_time=payload.end_time,
        pattern=payload.pattern,
        every=payload.every,
        count=payload.count,
        reason=payload.reason,
    )
    return Status(
        201,
        {"series": str(result.series), "created": [blackout_out(b) for b in result.created], "skipped": result.skipped},
    )


@router.delete(
    "/instruments/{instrument_id}/maintenance/{series}",
    response={200: RemovedOut, **ERRORS},
    summary="取消定期维护（该系列尚未结束的各次；单次请删除对应的停机时段）",
)
def remove_maintenance(request: HttpRequest, series: uuid.UUID, instrument_id: int = InstrumentId):
    removed = maintenance.maintenance_remove_series(
        actor=api_user_required(request), instrument_id=instrument_id, series=series
    )
    return {"removed": removed}
