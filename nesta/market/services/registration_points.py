"""Writes of registration points (技术合同登记点), by the operator (`registration_point.manage`
on the point's province).

A point is run by a technology-market organisation, in one city; its 2-digit code is unique in
that city and makes the middle of every number it gives (province + city + point). Once a point
has registered a contract its city and code are fixed: the numbers already given name them, and
a changed code would let another point give the same numbers again.
"""

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import NotAuthenticated, NotFound
from nesta.core.models import Region
from nesta.core.permissions import Target, require
from nesta.core.transactions import write_transaction
from nesta.directory.models import Organization, OrganizationKind
from nesta.market.models import RegistrationPoint, TechContract
from nesta.market.services.contract_rules import Problems, text

DECISION_DAYS_MAX = 180
FIELDS = ("organization_id", "name", "city", "point_code", "decision_days", "is_active")


def _clean(data: dict[str, Any], point: RegistrationPoint | None) -> dict[str, Any]:
    """The point's values from `data` (on update, the given keys only, the rest kept)."""
    p = Problems()
    current = {
        "organization_id": point.organization_id if point else None,
        "name": point.name if point else "",
        "city": point.city.code if point else "",
        "point_code": point.point_code if point else "",
        "decision_days": point.decision_days if point else 30,
        "is_active": point.is_active if point else True,
    }
    given = {**current, **{k: v for k, v in data.items() if k in FIELDS}}
    values: dict[str, Any] = {}
    org_id = given.get("organization_id")
    if org_id in (None, ""):
        p.add("organization_id", "organization_required", _("请选择登记机构。"))
    else:
        org = None
        if isinstance(org_id, int) and not isinstance(org_id, bool) and 0 < org_id < 2**31:
            org = Organization.objects.filter(pk=org_id).first()
        elif isinstance(org_id, Organization):
            org = org_id
        if org is None:
            p.add("organization_id", "organization_unknown", _("机构不存在。"))
        elif org.kind != OrganizationKind.TECHNOLOGY_MARKET:
            p.add("organization_id", "organization_not_technology_market", _("登记机构须为技术市场类机构。"))
        values["organization"] = org
    values["name"] = text(p, given, "name", 120)
    city_code = str(getattr(given.get("city"), "code", given.get("city")) or "").strip()
    if not city_code:
        p.add("city", "city_required", _("请选择所在城市。"))
    else:
        city = Region.objects.select_related("parent").filter(code=city_code[:6], level="city").first()
        if city is None:
            p.add("city", "city_unknown", _("不是三省的地级市代码。"))
        else:
            values["city"], values["province"] = city, city.parent
    code = given.get("point_code")
    if not isinstance(code, str) or not re.fullmatch(r"\d\d", code) or code == "00":
        p.add("point_code", "point_code_invalid", _("应为两位数字 01–99。"))
    else:
        values["point_code"] = code
    days = given.get("decision_days")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= DECISION_DAYS_MAX:
        p.add("decision_days", "decision_days_out_of_range", _("认定期限应为 1–%(n)d 日。") % {"n": DECISION_DAYS_MAX})
    else:
        values["decision_days"] = days
    if not isinstance(given.get("is_active"), bool):
        p.add("is_active", "is_active_invalid", _("应为 true 或 false。"))
    else:
        values["is_active"] = given["is_active"]
    if not p.has("city") and not p.has("point_code"):
        clash = RegistrationPoint.objects.filter(city=values["city"], point_code=values["point_code"])
        if point is not None:
            clash = clash.exclude(pk=point.pk)
        if clash.exists():
            p.add(
                "point_code", "point_code_taken", _("该城市已有代码为 %(c)s 的登记点。") % {"c": values["point_code"]}
            )
        moved = point is not None and (values["city"].pk != point.city_id or values["point_code"] != point.point_code)
        if moved and TechContract.objects.filter(point=point, number__isnull=False).exists():
            p.add("point_code", "point_code_locked", _("该登记点已登记过合同，不能修改城市或代码。"))
    p.raise_if_any()
    return values


def _require(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()
    # anywhere at all, before the input is read; the point's own province is checked after
    require(actor, "registration_point.manage")


def registration_point_create(*, actor: Any, data: dict[str, Any]) -> RegistrationPoint:
    _require(actor)
    values = _clean(data, None)
    require(actor, "registration_point.manage", Target(province_code=values["province"].code))
    with write_transaction():
        point = RegistrationPoint.objects.create(**values)
        audit_record(
            actor=actor,
            action="registration_point.created",
            instance=point,
            changes={k: [None, v] for k, v in snapshot(point).items() if v not in (None, "")},
        )
    return point


def registration_point_update(*, actor: Any, point_id: int, data: dict[str, Any]) -> RegistrationPoint:
    _require(actor)
    with write_transaction():
        point = (
            RegistrationPoint.objects.select_for_update(of=("self",))
            .select_related("province", "city")
            .filter(pk=point_id)
            .first()
        )
        if point is None:
            raise NotFound(_("未找到该登记点。"))
        require(actor, "registration_point.manage", point)
        values = _clean(data, point)
        require(actor, "registration_point.manage", Target(province_code=values["province"].code))
        before = snapshot(point)
        for key, value in values.items():
            setattr(point, key, value)
        point.save()
        changes = diff(before, snapshot(point))
        if changes:
            audit_record(actor=actor, action="registration_point.updated", instance=point, changes=changes)
    return point
