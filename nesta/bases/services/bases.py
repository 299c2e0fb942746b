"""Writes of the bases' register: register a base, change its particulars, take a status step.

`base.manage` on the base's target (its host organisation and that organisation's province): the
office anywhere, a province for hosts in its province — at the host it moves to as well.
"""

from datetime import date
from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.bases.lifecycles import BASE
from nesta.bases.models import DIRECTORY_KIND, Base, BaseLevel, BaseStatus, BaseStatusChange, BaseType
from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.models import TaxonomyNode
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text, local_date, row_id
from nesta.directory.models import Organization, OrganizationKind, Person

FIELDS = ("organization", "host", "base_type", "level", "field", "established_on", "director")
EARLIEST = date(1950, 1, 1)
REASON_MAX = 1000
# bases are hosted by universities, institutes and enterprises, not by other bases or authorities
NOT_HOSTS = {OrganizationKind.ENGINEERING_CENTER, OrganizationKind.KEY_LABORATORY, OrganizationKind.GOVERNMENT}


def _fail(field: str, message: str, code: str = "invalid_base") -> ValidationFailed:
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


def _values(data: dict[str, Any], *, base: Base | None) -> dict[str, Any]:
    creating = base is None
    out: dict[str, Any] = {}
    if creating or "base_type" in data:
        out["base_type"] = _choice(data.get("base_type"), "base_type", BaseType)
    if creating or "level" in data:
        out["level"] = _choice(data.get("level"), "level", BaseLevel)
    if creating or "organization" in data:
        out["organization"] = _organization(data.get("organization"), "organization")
    if creating or "host" in data:
        host = _organization(data.get("host"), "host")
        if host.kind in NOT_HOSTS:
            raise _fail("host", _("依托单位应为高校、科研院所或企业。"), "invalid_host")
        out["host"] = host
    if creating or "field" in data:
        code = clean_text(data.get("field"), field="field", max_length=60, required=True, multiline=False)
        node = TaxonomyNode.objects.filter(code=code).first()
        if node is None:
            raise _fail("field", _("未知的领域代码。"), "unknown_field")
        out["field"] = node
    if creating or "established_on" in data:
        out["established_on"] = local_date(
            data.get("established_on"), field="established_on", earliest=EARLIEST, latest=timezone.localdate()
        )
    if "director" in data:
        pk = data.get("director")
        if pk in (None, ""):
            out["director"] = None
        else:
            person = Person.objects.filter(pk=row_id(pk) or 0).first()
            if person is None:
                raise _fail("director", _("未找到该人员。"), "unknown_person")
            out["director"] = person
    base_type = out.get("base_type", base.base_type if base else None)
    organization = out.get("organization", base.organization if base else None)
    if organization is not None and base_type and organization.kind != DIRECTORY_KIND[BaseType(base_type)]:
        raise _fail(
            "organization",
            _("基地本身应是机构名录中类型为“%(k)s”的机构。") % {"k": DIRECTORY_KIND[BaseType(base_type)].label},
            "organization_kind_mismatch",
        )
    host_now = out.get("host", base.host if base else None)
    if organization is not None and host_now is not None and organization.pk == host_now.pk:
        raise _fail("host", _("依托单位不能是基地本身。"), "invalid_host")
    return out


def base_create(*, actor: Any, data: dict[str, Any]) -> Base:
    values = _values(data, base=None)
    base = Base(status=BaseStatus.BUILDING, **values)
    require(actor, "base.manage", base.permission_target())
    with write_transaction():
        if Base.objects.filter(organization=values["organization"]).exists():
            raise Conflict(_("该机构已登记为创新基地。"), code="base_exists", details={"field": "organization"})
        try:
            base.save()
        except IntegrityError:  # a concurrent registration of the same organisation
            raise Conflict(
                _("该机构已登记为创新基地。"), code="base_exists", details={"field": "organization"}
            ) from None
        BaseStatusChange.objects.create(
            base=base, from_status="", to_status=base.status, changed_on=base.established_on, actor=_user(actor)
        )
        audit_record(actor=actor, action="base.created", instance=base, changes=diff({}, snapshot(base, list(FIELDS))))
    return base


def base_update(*, actor: Any, base_id: int, data: dict[str, Any]) -> Base:
    with write_transaction():
        base = (
            Base.objects.select_for_update().select_related("host__province", "organization").filter(pk=base_id).first()
        )
        if base is None:
            raise NotFound(_("未找到该创新基地。"))
        require(actor, "base.manage", base.permission_target())
        values = _values(data, base=base)
        before = snapshot(base, list(FIELDS))
        for name, value in values.items():
            setattr(base, name, value)
        if "host" in values:  # moving to another host needs the permission there too
            require(actor, "base.manage", base.permission_target())
        if (
            "organization" in values
            and Base.objects.filter(organization=values["organization"]).exclude(pk=base.pk).exists()
        ):
            raise Conflict(_("该机构已登记为创新基地。"), code="base_exists", details={"field": "organization"})
        base.save()
        changes = diff(before, snapshot(base, list(FIELDS)))
        if changes:
            audit_record(actor=actor, action="base.updated", instance=base, changes=changes)
    return base


def base_run(name: str, *, actor: Any, base_id: int, reason: Any = "", effective_on: Any = None) -> Base:
    """A status step of the base lifecycle; 整改 and 撤销 need a reason. The history row is written
    in the same transaction, dated `effective_on` (default: today, local)."""
    try:
        t = BASE.transition(name)
    except LookupError:
        raise NotFound(_("未知的操作。")) from None
    note = clean_text(reason, field="reason", max_length=REASON_MAX, required=t.needs_input)
    on = local_date(effective_on, field="effective_on", earliest=EARLIEST) if effective_on else timezone.localdate()

    previous: dict[str, str] = {}

    def remember(base: Base, transition: Any) -> None:
        previous["status"] = base.status

    def record(base: Base, transition: Any) -> None:
        BaseStatusChange.objects.create(
            base=base,
            from_status=previous["status"],
            to_status=transition.target,
            reason=note,
            changed_on=on,
            actor=_user(actor),
        )

    return BASE.run(name, actor=actor, obj_id=base_id, prepare=remember, effect=record, status_note=note)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
