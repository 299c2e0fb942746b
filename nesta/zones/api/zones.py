"""The zones' figures over the API: the seven zones with their latest year, one zone, its years,
a year's figures (create or update), the seven side by side, the office's targets and the
private tech enterprises' shares. Thin: each endpoint calls one service or selector."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from nesta.core.api_auth import api_user, api_user_required
from nesta.core.errors import ValidationFailed
from nesta.core.schemas import ErrorOut
from nesta.zones.schemas import zones as s
from nesta.zones.selectors import zones as reads
from nesta.zones.selectors.private import private_shares
from nesta.zones.services import zones as services

router = Router(tags=["zones"])
ID_MAX = s.ID_MAX
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
YEAR = {"ge": s.YEAR_MIN, "le": s.YEAR_MAX}


def _detail(zone_id: int) -> dict[str, Any]:
    zone = reads.zone_get(zone_id=zone_id)
    years = reads.zone_years(zone_id=zone.pk)
    out = s.zone_out(zone, years[-1] if years else None)
    out["years"] = [r.year for r in years]
    out["targets"] = [s.target_out(p) for p in reads.zone_targets(zone_id=zone.pk)]
    return out


@router.get("/zones", response={200: list[s.ZoneOut], **READ_ERRORS}, summary="国家高新区及其最新年度指标")
def list_zones(request: HttpRequest):
    api_user(request)
    return [s.zone_out(z.zone, z.latest) for z in reads.zones_with_latest()]


@router.get(
    "/zones/comparison",
    response={200: s.ZoneComparisonOut, **READ_ERRORS},
    summary="七个高新区同年对比：各指标排名、分省合计、区域合计与民营科技企业占比",
)
def zones_comparison(request: HttpRequest, year: int | None = Query(None, **YEAR)):
    api_user(request)
    return s.comparison_out(reads.comparison(year=year))


@router.get("/zone-indicators", response=list[s.ZoneIndicatorOut], summary="高新区年度指标目录")
def list_zone_indicators(request: HttpRequest):
    return s.indicators_out()


@router.get(
    "/zones/{zone_id}", response={200: s.ZoneDetailOut, **READ_ERRORS}, summary="高新区详情、已填报年度与二次创业目标"
)
def get_zone(request: HttpRequest, zone_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    return _detail(zone_id)


@router.get(
    "/zones/{zone_id}/indicators",
    response={200: s.ZoneIndicatorsOut, **READ_ERRORS},
    summary=f"高新区历年指标（from–to，至多 {reads.RANGE_MAX} 年；默认最近 20 年）",
)
def zone_indicators(
    request: HttpRequest,
    zone_id: int = Path(..., ge=1, le=ID_MAX),
    from_year: int | None = Query(None, alias="from", **YEAR),
    to_year: int | None = Query(None, alias="to", **YEAR),
):
    api_user(request)
    zone = reads.zone_get(zone_id=zone_id)
    end = to_year if to_year is not None else min(timezone.localdate().year, s.YEAR_MAX)
    start = from_year if from_year is not None else max(s.YEAR_MIN, end - 19)
    if start > end:
        message = _("起始年度不能晚于截止年度。")
        raise ValidationFailed(message, code="invalid_range", details={"from": [message]})
    if end - start + 1 > reads.RANGE_MAX:
        message = _("一次最多查询 %(n)d 年。") % {"n": reads.RANGE_MAX}
        raise ValidationFailed(message, code="range_too_wide", details={"from": [message]})
    rows = reads.zone_years(zone_id=zone.pk, start=start, end=end)
    return {
        "zone": s.ref(zone),
        "from_year": start,
        "to_year": end,
        "indicators": s.indicators_out(),
        "years": [s.year_out(r) for r in rows],
    }


@router.put(
    "/zones/{zone_id}/indicators/{year}",
    response={200: s.ZoneYearOut, 201: s.ZoneYearOut, **ERRORS},
    summary="填报或修改高新区某年度指标（所给指标替换原值，未给的保持不变；高新区管委会、所在省、办公室）",
)
def put_zone_year(
    request: HttpRequest,
    payload: s.ZoneYearIn,  # type: ignore[valid-type]
    zone_id: int = Path(..., ge=1, le=ID_MAX),
    year: int = Path(..., **YEAR),
):
    user = api_user_required(request)
    data = payload.model_dump(exclude_unset=True)
    data = {k: v for k, v in data.items() if v is not None}
    row, created = services.zone_year_save(actor=user, zone_id=zone_id, year=year, data=data)
    return Status(201 if created else 200, s.year_out(row))


@router.get(
    "/zones/{zone_id}/targets",
    response={200: list[s.ZoneTargetOut], **READ_ERRORS},
    summary="高新区二次创业目标及其进度",
)
def list_targets(request: HttpRequest, zone_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    zone = reads.zone_get(zone_id=zone_id)
    return [s.target_out(p) for p in reads.zone_targets(zone_id=zone.pk)]


@router.post(
    "/zones/{zone_id}/targets",
    response={200: s.ZoneTargetOut, 201: s.ZoneTargetOut, **ERRORS},
    summary="设定二次创业目标（办公室；同一指标同一目标年度再设即替换，200）",
)
def set_target(request: HttpRequest, payload: s.ZoneTargetIn, zone_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    target, created = services.target_set(actor=user, zone_id=zone_id, data=payload.model_dump())
    progress = next(p for p in reads.zone_targets(zone_id=target.zone_id) if p.target.pk == target.pk)
    return Status(201 if created else 200, s.target_out(progress))


@router.delete("/zone-targets/{target_id}", response={204: None, **ERRORS}, summary="删除二次创业目标（办公室）")
def delete_target(request: HttpRequest, target_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    services.target_remove(actor=user, target_id=target_id)
    return Status(204, None)


@router.get(
    "/zones/{zone_id}/private-share",
    response={200: s.ZonePrivateShareOut, **READ_ERRORS},
    summary="民营科技企业占比：区内企业、在孵企业、技术合同、立项资助（默认最新填报年度）",
)
def zone_private_share(
    request: HttpRequest, zone_id: int = Path(..., ge=1, le=ID_MAX), year: int | None = Query(None, **YEAR)
):
    api_user(request)
    zone = reads.zone_get(zone_id=zone_id)
    if year is None:
        years = reads.zone_years(zone_id=zone.pk)
        year = years[-1].year if years else timezone.localdate().year - 1
    share = private_shares(year=year, zone_ids=[zone.pk])[zone.pk]
    return {"zone": s.ref(zone), "year": year, "shares": s.private_out(share)}
