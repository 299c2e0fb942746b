"""The incubators over the API: the public directory and its management, tenant firms, annual
reports with their workflow, and the evaluation. Thin: each endpoint calls one service or selector."""

import inspect
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.lifecycle import Transition
from nesta.core.schemas import ErrorOut
from nesta.zones.incubator_indicators import ALL as ALL_INDICATORS
from nesta.zones.lifecycles import INCUBATOR_REPORT
from nesta.zones.schemas import incubators as s
from nesta.zones.selectors import incubator_evaluation as eval_reads
from nesta.zones.selectors import incubators as reads
from nesta.zones.services import incubator_evaluation as eval_services
from nesta.zones.services import incubator_reports as report_services
from nesta.zones.services import incubators as services

router = Router(tags=["zones"])
ID_MAX = s.ID_MAX
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get(
    "/incubators",
    response={200: s.IncubatorPageOut, **READ_ERRORS},
    summary="孵化器名录（创业中心、大学科技园、海外学子创业园等）",
)
def list_incubators(request: HttpRequest, query: Query[s.IncubatorQuery]):
    api_user(request)
    page = reads.incubator_page(
        zone_id=query.zone,
        kind=query.kind.value if query.kind else None,
        level=query.level.value if query.level else None,
        province=query.province,
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [s.incubator_out(i) for i in page.items], "next_cursor": page.next_cursor, "total": page.total}


@router.post("/incubators", response={201: s.IncubatorOut, **ERRORS}, summary="登记孵化器（办公室；省科技厅限本省）")
def create_incubator(request: HttpRequest, payload: s.IncubatorIn):
    user = api_user_required(request)
    incubator = services.incubator_register(actor=user, data=payload.model_dump(mode="json"))
    return Status(201, s.incubator_out(reads.incubator_get(incubator_id=incubator.pk)))


@router.get("/incubators/{incubator_id}", response={200: s.IncubatorOut, **READ_ERRORS}, summary="孵化器详情")
def get_incubator(request: HttpRequest, incubator_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    return s.incubator_out(reads.incubator_get(incubator_id=incubator_id))


@router.patch(
    "/incubators/{incubator_id}", response={200: s.IncubatorOut, **ERRORS}, summary="修改孵化器（只改所给字段）"
)
def update_incubator(request: HttpRequest, payload: s.IncubatorPatch, incubator_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    data = payload.model_dump(exclude_unset=True, mode="json")
    services.incubator_update(actor=user, incubator_id=incubator_id, data=data)
    return s.incubator_out(reads.incubator_get(incubator_id=incubator_id))


# --- tenants ------------------------------------------------------------------------------------


@router.get(
    "/incubators/{incubator_id}/tenants",
    response={200: s.TenantPageOut, **READ_ERRORS},
    summary="在孵企业（新登记在前，分页；营业收入仅孵化器本身、所在省与办公室可见）",
)
def list_tenants(request: HttpRequest, query: Query[s.TenantQuery], incubator_id: int = Path(..., ge=1, le=ID_MAX)):
    viewer = api_user(request)
    incubator = reads.incubator_get(incubator_id=incubator_id)
    figures = reads.may_see_tenant_figures(viewer, incubator)
    page = reads.tenant_page(
        incubator_id=incubator.pk,
        state=query.state.value if query.state else "",
        q=query.q,
        cursor=query.cursor,
        limit=query.limit,
    )
    items = [s.tenant_out(t, with_figures=figures) for t in page.items]
    return {"items": items, "next_cursor": page.next_cursor, "total": page.total}


@router.post(
    "/incubators/{incubator_id}/tenants",
    response={201: s.TenantOut, **ERRORS},
    summary="登记在孵企业（孵化器本身的人员、所在省、办公室）",
)
def create_tenant(request: HttpRequest, payload: s.TenantIn, incubator_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    tenant = services.tenant_create(actor=user, incubator_id=incubator_id, data=payload.model_dump(mode="json"))
    return Status(201, s.tenant_out(reads.tenant_get(tenant_id=tenant.pk), with_figures=True))


@router.patch(
    "/tenants/{tenant_id}",
    response={200: s.TenantOut, **ERRORS},
    summary="修改在孵企业（毕业或退出：填 graduated_on 或 left_on）",
)
def update_tenant(request: HttpRequest, payload: s.TenantPatch, tenant_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    services.tenant_update(actor=user, tenant_id=tenant_id, data=payload.model_dump(exclude_unset=True, mode="json"))
    return s.tenant_out(reads.tenant_get(tenant_id=tenant_id), with_figures=True)


# --- reports ------------------------------------------------------------------------------------


def _report(viewer: Any, report_id: int) -> dict[str, Any]:
    report = reads.report_get(viewer=viewer, report_id=report_id)
    return s.report_out(report, reads.report_derived(report))


@router.get(
    "/incubators/{incubator_id}/reports",
    response={200: list[s.IncubatorReportOut], **READ_ERRORS},
    auth=login_required,
    summary="孵化器的年度报告（孵化器本身、所在省与办公室可见；派生指标为提交时冻结的值，草稿为空）",
)
def list_reports(request: HttpRequest, incubator_id: int = Path(..., ge=1, le=ID_MAX)):
    incubator = reads.incubator_get(incubator_id=incubator_id)
    reports = reads.incubator_reports(viewer=api_user(request), incubator=incubator)
    return [s.report_out(r, s.frozen_derived(r)) for r in reports]


@router.post(
    "/incubators/{incubator_id}/reports",
    response={201: s.IncubatorReportOut, **ERRORS},
    summary="新建孵化器年度报告（孵化器本身的人员）",
)
def create_report(request: HttpRequest, payload: s.IncubatorReportIn, incubator_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    data = payload.model_dump()
    year = data.pop("year")
    report = report_services.report_create(actor=user, incubator_id=incubator_id, year=year, data=data)
    return Status(201, _report(user, report.pk))


@router.get(
    "/incubator-reports",
    response={200: s.IncubatorReportPageOut, **READ_ERRORS},
    auth=login_required,
    summary="可查看的孵化器年度报告（省科技厅待审核、办公室待采纳：按状态筛选），新的在前；派生指标为冻结值",
)
def list_all_reports(request: HttpRequest, query: Query[s.IncubatorReportQuery]):
    page = reads.report_page(
        viewer=api_user(request),
        status=query.status.value if query.status else None,
        year=query.year,
        cursor=query.cursor,
        limit=query.limit,
    )
    items = [s.report_out(r, s.frozen_derived(r)) for r in page.items]
    return {"items": items, "next_cursor": page.next_cursor, "total": page.total}


@router.get(
    "/incubator-reports/{report_id}",
    response={200: s.IncubatorReportOut, **READ_ERRORS},
    auth=login_required,
    summary="孵化器年度报告详情（草稿的派生指标按当前在孵企业记录实时计算）",
)
def get_report(request: HttpRequest, report_id: int = Path(..., ge=1, le=ID_MAX)):
    return _report(api_user(request), report_id)


@router.patch(
    "/incubator-reports/{report_id}",
    response={200: s.IncubatorReportOut, **ERRORS},
    summary="修改孵化器年度报告（草稿或退回修改时）",
)
def update_report(request: HttpRequest, payload: s.IncubatorReportPatch, report_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    report_services.report_update(actor=user, report_id=report_id, data=payload.model_dump(exclude_unset=True))
    return _report(user, report_id)


def _run_report(t: Transition, user: Any, report_id: int, payload: Any = None) -> dict[str, Any]:
    report_services.report_run(t.name, actor=user, report_id=report_id, reason=getattr(payload, "reason", ""))
    return _report(user, report_id)


def _payload(annotation: Any, default: Any) -> list[inspect.Parameter]:
    return [inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)]


transition_endpoints(
    router,
    INCUBATOR_REPORT,
    prefix="/incubator-reports",
    id_name="report_id",
    run=_run_report,
    response={200: s.IncubatorReportOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_incubator_report",
    module=__name__,
    inputs={t.name: _payload(s.IncubatorReportReasonIn | None, None) for t in INCUBATOR_REPORT.offered()},
)


# --- indicators and evaluation ------------------------------------------------------------------


@router.get(
    "/incubator-indicators",
    response=list[s.IncubatorIndicatorOut],
    summary="孵化器年度指标目录（填报项、由在孵企业记录派生项、比值项）",
)
def list_indicators(request: HttpRequest):
    return [
        {
            "key": i.key,
            "label": str(i.label),
            "unit": str(i.unit),
            "money": i.money,
            "derived": i.derived,
            "computed": i.compute is not None,
        }
        for i in ALL_INDICATORS
    ]


def _scheme(scheme: Any) -> dict[str, Any]:
    return s.scheme_out(scheme, getattr(eval_reads.latest_run(scheme), "pk", None))


@router.get(
    "/incubator-schemes",
    response={200: list[s.IncubatorSchemeOut], **READ_ERRORS},
    auth=login_required,
    summary="孵化器评估方案（办公室、省科技厅）",
)
def list_schemes(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)):
    return [_scheme(x) for x in eval_reads.scheme_list(viewer=api_user(request), year=year)]


@router.post(
    "/incubator-schemes", response={201: s.IncubatorSchemeOut, **ERRORS}, summary="新建孵化器评估方案（办公室）"
)
def create_scheme(request: HttpRequest, payload: s.IncubatorSchemeIn):
    user = api_user_required(request)
    scheme = eval_services.incubator_scheme_create(actor=user, data=payload.model_dump(mode="json"))
    return Status(201, _scheme(eval_reads.scheme_get(viewer=user, scheme_id=scheme.pk)))


@router.post(
    "/incubator-schemes/{scheme_id}/run",
    response={201: s.IncubatorRunOut, **ERRORS},
    summary="运行孵化器评估：得分、排名、建议及其依据（指标值、标准化值、权重、±10%权重敏感性）",
)
def run_scheme(request: HttpRequest, scheme_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    run = eval_services.incubator_evaluation_run(actor=user, scheme_id=scheme_id)
    found, results = eval_reads.run_results(viewer=user, run_id=run.pk)
    return Status(201, s.run_out(found, results))


@router.get(
    "/incubator-runs/{run_id}",
    response={200: s.IncubatorRunOut, **READ_ERRORS},
    auth=login_required,
    summary="孵化器评估运行结果（省科技厅只见本省孵化器）",
)
def get_run(request: HttpRequest, run_id: int = Path(..., ge=1, le=ID_MAX)):
    run, results = eval_reads.run_results(viewer=api_user(request), run_id=run_id)
    return s.run_out(run, results)
