"""Writes of the incubators' register and their tenant firms.

`incubator.manage` (the office anywhere, a province for incubators in its province) registers an
incubator — a directory organisation of kind 创业中心/孵化器 or 大学科技园 — and changes its kind,
level, zone, host, space and services. `tenant.manage` (also the incubator's own people) records
its tenants: dates consistent (founded ≤ entered ≤ graduated/left, none in the future), one of
graduated or left at most, counts and money bounded.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.models import TaxonomyNode
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text, local_date, money_yuan, row_id
from nesta.directory.models import Organization, OrganizationKind
from nesta.zones.incubator_indicators import SERVICES
from nesta.zones.models import Incubator, IncubatorKind, IncubatorLevel, Tenant

INCUBATOR_FIELDS = [
    "organization", "kind", "level", "zone", "host", "established_on", "space_m2", "services", "is_active",
    "manager_name",
]  # fmt: skip
TENANT_FIELDS = [
    "organization", "name", "founded_on", "field", "is_private_tech", "employees", "revenue", "space_m2",
    "entered_on", "graduated_on", "left_on",
]  # fmt: skip
SPACE_MAX = 10_000_000  # m² (the model's constraint)
EMPLOYEES_MAX = 1_000_000
MONEY_MAX = Decimal(10) ** 14  # 元: a tenant's revenue or an incubator's income above 10^14 is a typo
EARLIEST_INCUBATOR = date(1980, 1, 1)
EARLIEST_FOUNDED = date(1950, 1, 1)
# the directory kind an incubator's own organisation must have, by incubator kind
ORG_KINDS = {
    IncubatorKind.SCIENCE_PARK: {OrganizationKind.UNIVERSITY_SCIENCE_PARK},
    IncubatorKind.BUSINESS_CENTER: {OrganizationKind.INCUBATOR},
    IncubatorKind.RETURNEE_PARK: {OrganizationKind.INCUBATOR, OrganizationKind.UNIVERSITY_SCIENCE_PARK},
    IncubatorKind.OTHER: {OrganizationKind.INCUBATOR, OrganizationKind.UNIVERSITY_SCIENCE_PARK},
}


def _fail(field: str, message: str, code: str = "invalid_incubator") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def _organization(value: Any, field: str) -> Organization:
    pk = row_id(value)
    org = Organization.objects.select_related("province").filter(pk=pk).first() if pk else None
    if org is None:
        raise _fail(field, _("未找到该机构。"), "unknown_organization")
    return org


def _choice(value: Any, field: str, choices: Any) -> str:
    if value not in choices.values:
        raise _fail(field, _("应为以下之一：%(c)s") % {"c": "、".join(choices.values)})
    return str(value)


def _bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(field, _("应为是或否。"))
    return value


def _services(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > len(SERVICES):
        raise _fail("services", _("应为服务内容代码的列表。"))
    out: list[str] = []
    for key in value:
        if key not in SERVICES:
            raise _fail("services", _("未知的服务内容：%(k)s") % {"k": str(key)[:30]}, "unknown_service")
        if key not in out:
            out.append(key)
    return out


def _incubator_values(data: dict[str, Any], *, incubator: Incubator | None) -> dict[str, Any]:
    creating = incubator is None
    out: dict[str, Any] = {}
    if creating:
        out["organization"] = _organization(data.get("organization"), "organization")
    if creating or "kind" in data:
        out["kind"] = _choice(data.get("kind"), "kind", IncubatorKind)
    if creating or "level" in data:
        out["level"] = _choice(data.get("level", IncubatorLevel.PROVINCIAL), "level", IncubatorLevel)
    if creating or "established_on" in data:
        out["established_on"] = local_date(
            data.get("established_on"),
            field="established_on",
            earliest=EARLIEST_INCUBATOR,
            latest=timezone.localdate(),
        )
    if creating or "space_m2" in data:
        out["space_m2"] = bounded_int(data.get("space_m2"), field="space_m2", minimum=1, maximum=SPACE_MAX)
    if "services" in data:
        out["services"] = _services(data.get("services"))
    if "is_active" in data:
        out["is_active"] = _bool(data.get("is_active"), "is_active")
    if "manager_name" in data:
        out["manager_name"] = clean_text(data.get("manager_name"), field="manager_name", max_length=50, multiline=False)
    organization = out.get("organization") or (incubator.organization if incubator else None)
    assert organization is not None
    if "zone" in data:
        if data.get("zone") in (None, ""):
            out["zone"] = None
        else:
            zone = _organization(data.get("zone"), "zone")
            if zone.kind != OrganizationKind.HIGH_TECH_ZONE:
                raise _fail("zone", _("所在高新区应为国家高新区。"), "invalid_zone")
            if zone.province_id != organization.province_id:
                raise _fail("zone", _("所在高新区应与孵化器在同一省份。"), "invalid_zone")
            out["zone"] = zone
    if "host" in data:
        if data.get("host") in (None, ""):
            out["host"] = None
        else:
            host = _organization(data.get("host"), "host")
            if host.pk == organization.pk:
                raise _fail("host", _("依托单位不能是孵化器本身。"), "invalid_host")
            out["host"] = host
    kind = out.get("kind") or (incubator.kind if incubator else None)
    if kind and organization.kind not in ORG_KINDS[IncubatorKind(kind)]:
        raise _fail(
            "organization" if creating else "kind",
            _("孵化器本身应是机构名录中类型为“创业中心/孵化器”或“大学科技园”的机构（大学科技园对应“大学科技园”）。"),
            "organization_kind_mismatch",
        )
    return out


def incubator_register(*, actor: Any, data: dict[str, Any]) -> Incubator:
    values = _incubator_values(data, incubator=None)
    incubator = Incubator(**values)
    require(actor, "incubator.manage", incubator.permission_target())
    with write_transaction():
        if Incubator.objects.filter(organization=values["organization"]).exists():
            raise Conflict(_("该机构已登记为孵化器。"), code="incubator_exists", details={"field": "organization"})
        try:
            incubator.save()
        except IntegrityError:  # a concurrent registration of the same organisation
            raise Conflict(
                _("该机构已登记为孵化器。"), code="incubator_exists", details={"field": "organization"}
            ) from None
        audit_record(
            actor=actor,
            action="incubator.created",
            instance=incubator,
            changes=diff({}, snapshot(incubator, INCUBATOR_FIELDS)),
        )
    return incubator


def incubator_update(*, actor: Any, incubator_id: int, data: dict[str, Any]) -> Incubator:
    """Change an incubator's particulars (not its organisation: register the other one instead)."""
    with write_transaction():
        incubator = (
            Incubator.objects.select_for_update(of=("self",))
            .select_related("organization__province")
            .filter(pk=incubator_id)
            .first()
        )
        if incubator is None:
            raise NotFound(_("未找到该孵化器。"))
        require(actor, "incubator.manage", incubator.permission_target())
        values = _incubator_values(data, incubator=incubator)
        before = snapshot(incubator, INCUBATOR_FIELDS)
        for name, value in values.items():
            setattr(incubator, name, value)
        incubator.save()
        changes = diff(before, snapshot(incubator, INCUBATOR_FIELDS))
        if changes:
            audit_record(actor=actor, action="incubator.updated", instance=incubator, changes=changes)
    return incubator


# --- tenants ------------------------------------------------------------------------------------


def _optional_date(value: Any, field: str, earliest: date) -> date | None:
    if value in (None, ""):
        return None
    return local_date(value, field=field, earliest=earliest, latest=timezone.localdate())


def _tenant_values(data: dict[str, Any], *, tenant: Tenant | None) -> dict[str, Any]:
    creating = tenant is None
    out: dict[str, Any] = {}
    today = timezone.localdate()
    if creating or "name" in data:
        out["name"] = clean_text(data.get("name"), field="name", max_length=120, required=True, multiline=False)
    if creating or "founded_on" in data:
        out["founded_on"] = local_date(
            data.get("founded_on"), field="founded_on", earliest=EARLIEST_FOUNDED, latest=today
        )
    if creating or "entered_on" in data:
        out["entered_on"] = local_date(
            data.get("entered_on"), field="entered_on", earliest=EARLIEST_INCUBATOR, latest=today
        )
    for name in ("graduated_on", "left_on"):
        if name in data:
            out[name] = _optional_date(data.get(name), name, EARLIEST_INCUBATOR)
    if "is_private_tech" in data:
        out["is_private_tech"] = _bool(data.get("is_private_tech"), "is_private_tech")
    for name, maximum in (("employees", EMPLOYEES_MAX), ("space_m2", SPACE_MAX)):
        if name in data and data[name] is not None:
            out[name] = bounded_int(data[name], field=name, maximum=maximum)
    if "revenue" in data and data["revenue"] is not None:
        out["revenue"] = money_yuan(data["revenue"], field="revenue", maximum=MONEY_MAX)
    if "field" in data:
        code = data.get("field")
        if code in (None, ""):
            out["field"] = None
        else:
            code = clean_text(code, field="field", max_length=60, multiline=False)
            node = TaxonomyNode.objects.filter(code=code).first()
            if node is None:
                raise _fail("field", _("未知的领域代码。"), "unknown_field")
            out["field"] = node
    if "organization" in data:
        out["organization"] = (
            None if data.get("organization") in (None, "") else _organization(data.get("organization"), "organization")
        )
    return out


def _tenant_consistent(tenant: Tenant) -> None:
    if tenant.entered_on < tenant.founded_on:
        raise _fail("entered_on", _("入孵日期不能早于企业成立日期。"), "tenant_dates")
    if tenant.graduated_on is not None and tenant.left_on is not None:
        raise _fail("left_on", _("毕业与退出只能登记其一。"), "tenant_dates")
    for name, label in (("graduated_on", _("毕业日期")), ("left_on", _("退出日期"))):
        value = getattr(tenant, name)
        if value is not None and value < tenant.entered_on:
            raise _fail(name, _("%(f)s不能早于入孵日期。") % {"f": label}, "tenant_dates")


def _incubator_for(incubator_id: int) -> Incubator:
    incubator = Incubator.objects.select_related("organization__province").filter(pk=incubator_id).first()
    if incubator is None:
        raise NotFound(_("未找到该孵化器。"))
    return incubator


def tenant_create(*, actor: Any, incubator_id: int, data: dict[str, Any]) -> Tenant:
    incubator = _incubator_for(incubator_id)
    require(actor, "tenant.manage", incubator.permission_target())
    tenant = Tenant(incubator=incubator, **_tenant_values(data, tenant=None))
    _tenant_consistent(tenant)
    with write_transaction():
        tenant.save()
        audit_record(
            actor=actor, action="tenant.created", instance=tenant, changes=diff({}, snapshot(tenant, TENANT_FIELDS))
        )
    return tenant


def tenant_update(*, actor: Any, tenant_id: int, data: dict[str, Any]) -> Tenant:
    return _tenant_change(actor=actor, tenant_id=tenant_id, data=data, event="tenant.updated")


def _tenant_change(*, actor: Any, tenant_id: int, data: dict[str, Any], event: str, present: bool = False) -> Tenant:
    with write_transaction():
        tenant = (
            Tenant.objects.select_for_update(of=("self",))
            .select_related("incubator__organization__province")
            .filter(pk=tenant_id)
            .first()
        )
        if tenant is None:
            raise NotFound(_("未找到该在孵企业。"))
        require(actor, "tenant.manage", tenant.permission_target())
        if present and (tenant.graduated_on is not None or tenant.left_on is not None):
            raise Conflict(_("该企业已毕业或退出。"), code="tenant_not_present", details={"tenant": tenant_id})
        values = _tenant_values(data, tenant=tenant)
        before = snapshot(tenant, TENANT_FIELDS)
        for name, value in values.items():
            setattr(tenant, name, value)
        _tenant_consistent(tenant)
        tenant.save()
        changes = diff(before, snapshot(tenant, TENANT_FIELDS))
        if changes:
            audit_record(actor=actor, action=event, instance=tenant, changes=changes)
    return tenant


def tenant_graduate(*, actor: Any, tenant_id: int, on: Any = None) -> Tenant:
    """The tenant graduates (毕业) on `on` (default today): it no longer counts as a tenant after."""
    day = on if on not in (None, "") else timezone.localdate().isoformat()
    return _tenant_change(
        actor=actor, tenant_id=tenant_id, data={"graduated_on": day}, event="tenant.graduated", present=True
    )


def tenant_leave(*, actor: Any, tenant_id: int, on: Any = None) -> Tenant:
    """The tenant leaves without graduating (退出) on `on` (default today)."""
    day = on if on not in (None, "") else timezone.localdate().isoformat()
    return _tenant_change(actor=actor, tenant_id=tenant_id, data={"left_on": day}, event="tenant.left", present=True)
