"""The bases over the API: the public register, its management, the annual reports and their
workflow. Thin: each endpoint calls one service or selector."""

import inspect
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, UploadedFile
from ninja.responses import Status

from nesta.bases import schemas as s
from nesta.bases.indicators import ALL as ALL_INDICATORS
from nesta.bases.lifecycles import BASE, REPORT
from nesta.bases.selectors import bases as reads
from nesta.bases.selectors import evaluation as eval_reads
from nesta.bases.services import bases as base_services
from nesta.bases.services import evaluation as eval_services
from nesta.bases.services import imports
from nesta.bases.services import reports as report_services
from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.errors import ValidationFailed
from nesta.core.lifecycle import Transition
from nesta.core.permissions import require
from nesta.core.schemas import ErrorOut

router = Router(tags=["bases"])
ID_MAX = s.ID_MAX
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _detail(base_id: int) -> dict[str, Any]:
    base = reads.base_get(base_id=base_id)
    return s.base_out(base, reads.status_history(base))


@router.get("/bases", response={200: s.BasePageOut, **READ_ERRORS}, summary="创新基地名录（工程中心、重点实验室）")
def list_bases(request: HttpRequest, query: Query[s.BaseQuery]):
    api_user(request)
    page = reads.base_page(
        base_type=query.base_type.value if query.base_type else None,
        level=query.level.value if query.level else None,
        status=query.status.value if query.status else None,
        province=query.province,
        field=query.field,
        host_id=query.host,
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [s.base_out(b) for b in page.items], "next_cursor": page.next_cursor, "total": page.total}


@router.post("/bases", response={201: s.BaseDetailOut, **ERRORS}, summary="登记创新基地（办公室；省科技厅限本省）")
def create_base(request: HttpRequest, payload: s.BaseIn):
    user = api_user_required(request)
    base = base_services.base_create(actor=user, data=payload.model_dump(mode="json"))
    return Status(201, _detail(base.pk))


@router.get("/bases/{base_id}", response={200: s.BaseDetailOut, **READ_ERRORS}, summary="创新基地详情与状态历史")
def get_base(request: HttpRequest, base_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    return _detail(base_id)


@router.patch("/bases/{base_id}", response={200: s.BaseDetailOut, **ERRORS}, summary="修改创新基地（只改所给字段）")
def update_base(request: HttpRequest, payload: s.BasePatch, base_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    base_services.base_update(actor=user, base_id=base_id, data=payload.model_dump(exclude_unset=True, mode="json"))
    return _detail(base_id)


@router.get(
    "/bases/{base_id}/reports",
    response={200: list[s.BaseReportOut], **READ_ERRORS},
    auth=login_required,
    summary="基地的年度报告（依托单位、所在省与办公室可见）",
)
def list_reports(request: HttpRequest, base_id: int = Path(..., ge=1, le=ID_MAX)):
    base = reads.base_get(base_id=base_id)
    return [s.report_out(r) for r in reads.base_reports(viewer=api_user(request), base=base)]


@router.post("/bases/{base_id}/reports", response={201: s.BaseReportOut, **ERRORS}, summary="新建年度报告（依托单位）")
def create_report(request: HttpRequest, payload: s.BaseReportIn, base_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    data = payload.model_dump()
    year = data.pop("year")
    report = report_services.report_create(actor=user, base_id=base_id, year=year, data=data)
    return Status(201, s.report_out(reads.report_get(viewer=user, report_id=report.pk)))


@router.get(
    "/base-reports/{report_id}",
    response={200: s.BaseReportOut, **READ_ERRORS},
    auth=login_required,
    summary="年度报告详情",
)
def get_report(request: HttpRequest, report_id: int = Path(..., ge=1, le=ID_MAX)):
    return s.report_out(reads.report_get(viewer=api_user(request), report_id=report_id))


@router.patch(
    "/base-reports/{report_id}", response={200: s.BaseReportOut, **ERRORS}, summary="修改年度报告（草稿或退回修改时）"
)
def update_report(request: HttpRequest, payload: s.BaseReportPatch, report_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    report_services.report_update(actor=user, report_id=report_id, data=payload.model_dump(exclude_unset=True))
    return s.report_out(reads.report_get(viewer=user, report_id=report_id))


def _payload(annotation: Any, default: Any) -> list[inspect.Parameter]:
    return [inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)]


def _run_base(t: Transition, user: Any, base_id: int, payload: Any = None) -> dict[str, Any]:
    base_services.base_run(
        t.name,
        actor=user,
        base_id=base_id,
        reason=getattr(payload, "reason", ""),
        effective_on=getattr(payload, "effective_on", None),
    )
    return _detail(base_id)


def _run_report(t: Transition, user: Any, report_id: int, payload: Any = None) -> dict[str, Any]:
    report_services.report_run(t.name, actor=user, report_id=report_id, reason=getattr(payload, "reason", ""))
    return s.report_out(reads.report_get(viewer=user, report_id=report_id))


transition_endpoints(
    router,
    BASE,
    prefix="/bases",
    id_name="base_id",
    run=_run_base,
    response={200: s.BaseDetailOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_base",
    module=__name__,
    inputs={t.name: _payload(s.BaseStatusIn | None, None) for t in BASE.offered()},
)

transition_endpoints(
    router,
    REPORT,
    prefix="/base-reports",
    id_name="report_id",
    run=_run_report,
    response={200: s.BaseReportOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_base_report",
    module=__name__,
    inputs={t.name: _payload(s.BaseReportReasonIn | None, None) for t in REPORT.offered()},
)


# --- indicators and evaluation ---------------------------------------------------------------


@router.get("/base-indicators", response=list[s.BaseIndicatorOut], summary="基地年度指标目录（填报项与派生项）")
def list_indicators(request: HttpRequest):
    return [
        {
            "key": i.key,
            "label": str(i.label),
            "unit": str(i.unit),
            "money": i.money,
            "derived": i.derived,
            "computed": i.compute is not None,
            "source": i.source,
        }
        for i in ALL_INDICATORS
    ]


@router.get(
    "/evaluation-schemes",
    response={200: list[s.EvaluationSchemeOut], **READ_ERRORS},
    auth=login_required,
    summary="评估方案（办公室、省科技厅）",
)
def list_schemes(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)):
    schemes = eval_reads.scheme_list(viewer=api_user(request), year=year)
    return [s.scheme_out(x, getattr(eval_reads.latest_run(scheme=x), "pk", None)) for x in schemes]


@router.post("/evaluation-schemes", response={201: s.EvaluationSchemeOut, **ERRORS}, summary="新建评估方案（办公室）")
def create_scheme(request: HttpRequest, payload: s.EvaluationSchemeIn):
    user = api_user_required(request)
    scheme = eval_services.scheme_create(actor=user, data=payload.model_dump(mode="json"))
    return Status(201, s.scheme_out(eval_reads.scheme_get(viewer=user, scheme_id=scheme.pk), None))


@router.get(
    "/evaluation-schemes/{scheme_id}",
    response={200: s.EvaluationSchemeOut, **READ_ERRORS},
    auth=login_required,
    summary="评估方案详情",
)
def get_scheme(request: HttpRequest, scheme_id: int = Path(..., ge=1, le=ID_MAX)):
    scheme = eval_reads.scheme_get(viewer=api_user(request), scheme_id=scheme_id)
    return s.scheme_out(scheme, getattr(eval_reads.latest_run(scheme=scheme), "pk", None))


@router.post(
    "/evaluation-schemes/{scheme_id}/run",
    response={201: s.EvaluationRunOut, **ERRORS},
    summary="运行评估：每个基地的得分、排名、建议及其依据（指标值、标准化值、权重、±10%权重敏感性）",
)
def run_scheme(request: HttpRequest, scheme_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    run = eval_services.evaluation_run(actor=user, scheme_id=scheme_id)
    found, results = eval_reads.run_results(viewer=user, run_id=run.pk)
    return Status(201, s.run_out(found, results))


@router.get(
    "/evaluation-runs/{run_id}",
    response={200: s.EvaluationRunOut, **READ_ERRORS},
    auth=login_required,
    summary="评估运行结果（省科技厅只见本省基地）",
)
def get_run(request: HttpRequest, run_id: int = Path(..., ge=1, le=ID_MAX)):
    run, results = eval_reads.run_results(viewer=api_user(request), run_id=run_id)
    return s.run_out(run, results)


# --- the provinces' collected reports (XLSX) ---------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 5 * 1024 * 1024


@router.get(
    "/base-report-imports/template.xlsx",
    response=READ_ERRORS,
    auth=login_required,
    openapi_extra={"responses": {"200": {"content": {XLSX_TYPE: {}}, "description": "XLSX"}}},
    summary="年度报告导入模板（本省基地各一行）",
)
def import_template(request: HttpRequest, year: int = Query(..., ge=2000, le=2100)):
    user = api_user(request)
    require(user, "base_report.check", None)
    response = HttpResponse(imports.reports_template_xlsx(actor=user, year=year), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="base-reports-{year}.xlsx"'
    return response


@router.post(
    "/base-report-imports",
    response={200: s.BaseImportOut, 201: s.BaseImportOut, **ERRORS},
    summary="导入省级汇总的年度报告（XLSX，全部通过才保存，导入后为省级已审核；422 时 details.rows 为逐行错误）",
)
def import_reports(request: HttpRequest, file: File[UploadedFile], dry_run: bool = Query(False)):
    user = api_user_required(request)
    require(user, "base_report.check", None)
    if file.size is not None and file.size > MAX_UPLOAD:
        raise ValidationFailed(
            _("文件过大（上限 5 MB）。"), code="invalid_file", details={"file": [_("文件过大（上限 5 MB）。")]}
        )
    result = imports.reports_import(actor=user, content=file.read(), dry_run=dry_run)
    errors = [e.as_dict() for e in result.errors]
    if errors and not dry_run:
        raise ValidationFailed(
            _("导入文件有错误，未保存任何记录。"), code="import_rows_invalid", details={"rows": errors}
        )
    body = {"rows": result.rows, "saved": len(result.saved), "ids": result.saved, "dry_run": dry_run, "errors": errors}
    return Status(200 if dry_run else 201, body)
