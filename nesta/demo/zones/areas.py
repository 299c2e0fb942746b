"""Area-adjustment requests at every stage (issue 11 item 7): 大连 approved in 2025 (submitted →
province's opinion → office's approval), 长春 endorsed by Jilin and awaiting the office ("in
progress"), 哈尔滨 returned by Heilongjiang with its reason, 沈阳 a draft. Filed by each zone's
committee account, given an opinion by the province's account, decided by the office — all through
the services, so the history (audit rows) and the filer's notifications exist; each step is dated
when it happened (working hours, Asia/Shanghai), never after now."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from nesta.demo.timeline import after, working_time
from nesta.demo.zones.accounts import ZonesContext

D = Decimal


@dataclass(frozen=True)
class Spec:
    zone_key: str
    stage: str  # draft / returned / endorsed / approved
    title: str
    current: Decimal  # used when the zone has no planned area in its figures
    uses: tuple[Decimal, Decimal, Decimal]  # innovation, incubation, industrialisation (added to the current)
    location: str
    justification: str


SPECS = (
    Spec(
        "zone-dalian",
        "approved",
        "大连高新区七贤岭—黄泥川片区扩区申请",
        D("35.60"),
        (D("4.20"), D("2.40"), D("5.80")),
        "东至大连理工大学科技园，西至黄泥川，南至滨海路，北至旅顺南路",
        "软件和信息服务、集成电路设计企业持续入驻，七贤岭片区可供地不足 0.5 平方公里；拟将黄泥川片区纳入，"
        "用于软件园三期、孵化器集群和数字产业化示范基地建设。",
    ),
    Spec(
        "zone-changchun",
        "endorsed",
        "长春高新区北区（生物医药园）扩区申请",
        D("49.00"),
        (D("3.00"), D("2.50"), D("9.50")),
        "长东北核心区，东至伊通河，西至长德大街，南至北远达大街，北至长春龙嘉机场高速",
        "生物医药、光电信息产业项目集中落地，现有建成区用地饱和；扩区用于疫苗与基因药物产业化示范、"
        "光电子器件中试及孵化用地。",
    ),
    Spec(
        "zone-harbin",
        "returned",
        "哈尔滨高新区松北科技创新城扩区申请",
        D("34.80"),
        (D("6.00"), D("3.00"), D("11.00")),
        "松花江北岸，东至松北大道，西至前进路，南至世茂大道，北至规划三环路",
        "承接哈工大、哈工程科技成果转化项目，建设机器人、新材料产业化示范区及科技企业孵化器。",
    ),
    Spec(
        "zone-shenyang",
        "draft",
        "沈阳高新区浑南科技城扩区申请",
        D("27.50"),
        (D("3.50"), D("1.50"), D("6.00")),
        "浑南区，东至东陵区界，西至浑河，南至沈本产业大道，北至全运路",
        "集成电路装备、工业软件企业集聚，拟扩区建设浑南科技城产业化示范用地与中试基地。（草稿，待管委会审定后提交）",
    ),
)

RETURN_REASON = "扩区范围涉及松花江滩地，请补充用地预审意见和规划环评结论，并说明与城市总体规划的衔接后重新提交。"
OPINIONS = {
    "220000": "经审核，扩区范围符合吉林省国土空间规划和长东北开发开放先导区总体规划，同意报送。",
    "210000": "经审核，扩区范围符合辽宁省国土空间规划，用地手续齐全，同意报送。",
}
DECISION = "原则同意调整扩区。请严格按批准范围开发建设，优先保障技术创新和孵化用地，年度统计中如实报告建成面积。"


def load(ctx: ZonesContext, say: Any) -> dict[str, Any]:
    from nesta.zones.models import AreaRequest

    if AreaRequest.objects.exists():
        return {}
    if ctx.office is None:
        say("zones.areas: no office account, no area requests")
        return {}
    rng = random.Random(ctx.seed * 7 + 11)
    now = timezone.now()
    by_key = {z.reference_key: z for z in ctx.zones}
    made = 0
    for spec in SPECS:
        zone = by_key.get(spec.zone_key)
        filer = ctx.committee.get(zone.pk) if zone else None
        province = ctx.provinces.get(zone.province.code) if zone else None
        if zone is None or filer is None or (spec.stage != "draft" and province is None):
            continue
        _file(rng, spec, zone, filer, province, ctx.office, now)
        made += 1
    if made:
        say(f"zones: {made} area requests (approved, awaiting the office, returned, draft)")
    return {"area requests": made}


def _file(rng: random.Random, spec: Spec, zone: Any, filer: Any, province: Any, office: Any, now: datetime) -> None:
    from nesta.zones.selectors.areas import zone_planned_area
    from nesta.zones.services.areas import area_request_create, area_request_run

    current = zone_planned_area(zone.pk) or spec.current
    innovation, incubation, industrialisation = spec.uses
    data = {
        "title": spec.title,
        "current_area": current,
        "requested_area": current + innovation + incubation + industrialisation,
        # the requested area by use: the zone's present land stays with industrialisation
        "area_innovation": innovation,
        "area_incubation": incubation,
        "area_industrialisation": current + industrialisation,
        "location": spec.location,
        "justification": spec.justification,
    }
    if spec.stage == "approved":
        filed = working_time(rng, date(2025, 3, rng.randint(3, 20)), not_after=now)
    else:
        filed = working_time(rng, (now - timedelta(days={"endorsed": 75, "returned": 40}.get(spec.stage, 9))).date(),
                             not_after=now)  # fmt: skip
    req = area_request_create(actor=filer, zone_id=zone.pk, data=data)
    moments = [filed]
    if spec.stage != "draft":
        submitted = after(rng, filed, days=(1, 6))
        area_request_run("submit", actor=filer, request_id=req.pk, now=submitted)
        moments.append(submitted)
        step = after(rng, submitted, days=(12, 30))
        if spec.stage == "returned":
            area_request_run("return", actor=province, request_id=req.pk, data={"reason": RETURN_REASON}, now=step)
        else:
            opinion = OPINIONS.get(zone.province.code, OPINIONS["210000"])
            area_request_run("endorse", actor=province, request_id=req.pk, now=step,
                             data={"province_supports": True, "province_opinion": opinion})  # fmt: skip
        moments.append(step)
        if spec.stage == "approved":
            decided = after(rng, step, days=(60, 110))
            approved = data["requested_area"] - spec.uses[2] / 2  # part of the industrial land held back
            area_request_run("approve", actor=office, request_id=req.pk, now=decided,
                             data={"approved_area": approved, "decision_note": DECISION})  # fmt: skip
            moments.append(decided)
    _date_history(req.pk, filer, moments)


def _date_history(request_id: int, filer: Any, moments: list[datetime]) -> None:
    """The request's rows dated when each step happened (the services stamp the load minute):
    its audit rows in order, the record's created/updated times, the filer's notifications."""
    from nesta.core.models import AuditLog, Notification
    from nesta.zones.models import AreaRequest

    rows = list(
        AuditLog.objects.filter(object_type="zones.arearequest", object_id=str(request_id))
        .order_by("id")
        .values_list("id", flat=True)
    )
    for row_id, moment in zip(rows, moments, strict=False):
        AuditLog.objects.filter(pk=row_id).update(created_at=moment)
    AreaRequest.objects.filter(pk=request_id).update(created_at=moments[0], updated_at=moments[-1])
    # each notification follows a step after the submission (opinion, return, decision)
    told = max(0, len(moments) - 2)
    notes = list(
        Notification.objects.filter(user=filer, kind__startswith="area_request")
        .order_by("-id")
        .values_list("id", flat=True)[:told]
    )
    for note_id, moment in zip(reversed(notes), moments[2:], strict=False):
        Notification.objects.filter(pk=note_id).update(created_at=moment)
