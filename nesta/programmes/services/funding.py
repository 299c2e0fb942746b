"""Writes of the programmes and their budget lines (the office's, `programme.manage`).

A budget line is planned money for one year, optionally for one programme, one province and one
priority area (FundingPlanLine). Lines are disjoint allocations: the plan of any filter is the sum
of the lines inside it, and a line with no programme (or province, or area) is money not yet
allocated to one. The database's unique constraint treats NULLs as distinct, so the uniqueness of
(year, programme, province, field) — NULLs included — is checked here, under the write lock.
"""

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.inputs import Actor
from nesta.core.models import Region, TaxonomyNode
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text, money_yuan
from nesta.programmes.models import FundingPlanLine, Programme

YEAR_MIN, YEAR_MAX = 2000, 2100
ID_MAX = 2_147_483_647
LINE_MONEY_MAX = Decimal(10) ** 14  # DecimalField(16, 2)
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
PROGRAMME_FIELDS = ("code", "name", "name_en", "summary", "seed_section", "sort_order", "fields")
LINE_FIELDS = ("year", "programme", "province", "field", "baseline_amount", "additional_amount", "note")


def _fail(field: str, message: Any, code: str = "validation_error") -> ValidationFailed:
    return ValidationFailed(details={field: [message]}, code=code)


# --- programmes ----------------------------------------------------------------------------------


def _programme_values(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "code" in data or creating:
        code = clean_text(data.get("code"), field="code", max_length=40, required=True, multiline=False)
        if not _CODE.match(code):
            raise _fail("code", _("代码只能包含小写字母、数字和连字符。"))
        out["code"] = code
    if "name" in data or creating:
        out["name"] = clean_text(data.get("name"), field="name", max_length=80, required=True, multiline=False)
    for name, limit, multiline in (("name_en", 160, False), ("summary", 4000, True), ("seed_section", 20, False)):
        if name in data:
            out[name] = clean_text(data.get(name), field=name, max_length=limit, multiline=multiline)
    if "sort_order" in data and data["sort_order"] is not None:
        out["sort_order"] = bounded_int(data["sort_order"], field="sort_order", maximum=32_000)
    if "fields" in data and data["fields"] is not None:
        out["fields"] = _taxonomy_nodes(data["fields"])
    return out


def _taxonomy_nodes(codes: Any) -> list[TaxonomyNode]:
    if not isinstance(codes, list | tuple) or len(codes) > 50 or not all(isinstance(c, str) for c in codes):
        raise _fail("fields", _("应为重点领域代码的列表（最多 50 个）。"))
    wanted = {c.strip() for c in codes}
    nodes = list(TaxonomyNode.objects.filter(code__in=wanted))
    missing = wanted - {n.code for n in nodes}
    if missing:
        raise _fail("fields", _("未知的领域代码：%(c)s") % {"c": "、".join(sorted(missing))[:200]})
    return nodes


def _save_programme(programme: Programme, values: dict[str, Any]) -> None:
    nodes = values.pop("fields", None)
    if "code" in values and Programme.objects.filter(code=values["code"]).exclude(pk=programme.pk).exists():
        raise Conflict(
            _("计划代码“%(c)s”已被使用。") % {"c": values["code"]},
            code="duplicate_code",
            details={"field": "code"},
        )
    for name, value in values.items():
        setattr(programme, name, value)
    programme.save()
    if nodes is not None:
        programme.fields.set(nodes)


def programme_create(*, actor: Actor, data: dict[str, Any]) -> Programme:
    require(actor, "programme.manage")
    values = _programme_values(data, creating=True)
    with write_transaction():
        programme = Programme()
        _save_programme(programme, values)
        audit_record(actor=actor, action="programme.created", instance=programme, changes=diff({}, snapshot(programme)))
    return programme


def programme_update(*, actor: Actor, programme_id: int, data: dict[str, Any]) -> Programme:
    require(actor, "programme.manage")
    values = _programme_values(data, creating=False)
    with write_transaction():
        programme = Programme.objects.select_for_update().filter(pk=programme_id).first()
        if programme is None:
            raise NotFound(_("未找到该科技计划。"))
        before = snapshot(programme)
        _save_programme(programme, values)
        changes = diff(before, snapshot(programme))
        if changes:
            audit_record(actor=actor, action="programme.updated", instance=programme, changes=changes)
    return programme


# --- budget lines ----------------------------------------------------------------------------------


def _programme_ref(value: Any) -> Programme | None:
    """A programme by code or id (None: not allocated to one)."""
    if value in (None, ""):
        return None
    if isinstance(value, Programme):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX:
        found = Programme.objects.filter(pk=value).first()
    elif isinstance(value, str) and len(value) <= 40:
        found = Programme.objects.filter(code=value.strip()).first()
    else:
        found = None
    if found is None:
        raise _fail("programme", _("未知的科技计划：%(v)s") % {"v": str(value)[:40]}, code="unknown_programme")
    return found


def _province_ref(value: Any) -> Region | None:
    if value in (None, ""):
        return None
    if isinstance(value, Region):
        return value
    code = value.strip() if isinstance(value, str) else value
    region = Region.objects.filter(code=code, level=Region.Level.PROVINCE).first() if isinstance(code, str) else None
    if region is None or not re.fullmatch(r"\d{6}", code):
        raise _fail("province", _("未知的省份代码：%(v)s") % {"v": str(value)[:20]}, code="unknown_province")
    return region


def _field_ref(value: Any) -> TaxonomyNode | None:
    if value in (None, ""):
        return None
    if isinstance(value, TaxonomyNode):
        return value
    node = TaxonomyNode.objects.filter(code=value.strip(), parent=None).first() if isinstance(value, str) else None
    if node is None:
        raise _fail("field", _("未知的重点领域：%(v)s") % {"v": str(value)[:40]}, code="unknown_field")
    return node


def _line_values(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "year" in data or creating:
        out["year"] = bounded_int(data.get("year"), field="year", minimum=YEAR_MIN, maximum=YEAR_MAX)
    if "programme" in data:
        out["programme"] = _programme_ref(data["programme"])
    if "province" in data:
        out["province"] = _province_ref(data["province"])
    if "field" in data:
        out["field"] = _field_ref(data["field"])
    if "baseline_amount" in data or creating:
        out["baseline_amount"] = money_yuan(
            data.get("baseline_amount"), field="baseline_amount", maximum=LINE_MONEY_MAX
        )
    if "additional_amount" in data:
        out["additional_amount"] = money_yuan(
            data.get("additional_amount"), field="additional_amount", maximum=LINE_MONEY_MAX, required=False
        ) or Decimal("0.00")
    if "note" in data:
        out["note"] = clean_text(data.get("note"), field="note", max_length=200, multiline=False)
    return out


def _check_unique(line: FundingPlanLine) -> None:
    clash = FundingPlanLine.objects.filter(
        year=line.year, programme=line.programme_id, province=line.province_id, field=line.field_id
    ).exclude(pk=line.pk)
    if clash.exists():
        raise Conflict(
            _("该年度、计划、省份和领域的预算额度已存在，请修改原有额度。"),
            code="duplicate_budget_line",
            details={"field": "year", "existing": clash.values_list("pk", flat=True).first()},
        )


def budget_line_create(*, actor: Actor, data: dict[str, Any]) -> FundingPlanLine:
    require(actor, "programme.manage")
    values = _line_values(data, creating=True)
    with write_transaction():
        line = FundingPlanLine(**values)
        _check_unique(line)
        line.save()
        audit_record(actor=actor, action="budget_line.created", instance=line, changes=diff({}, snapshot(line)))
    return line


def budget_line_update(*, actor: Actor, line_id: int, data: dict[str, Any]) -> FundingPlanLine:
    require(actor, "programme.manage")
    values = _line_values(data, creating=False)
    with write_transaction():
        line = FundingPlanLine.objects.select_for_update().filter(pk=line_id).first()
        if line is None:
            raise NotFound(_("未找到该预算额度。"))
        before = snapshot(line)
        for name, value in values.items():
            setattr(line, name, value)
        _check_unique(line)
        line.save()
        changes = diff(before, snapshot(line))
        if changes:
            audit_record(actor=actor, action="budget_line.updated", instance=line, changes=changes)
    return line
