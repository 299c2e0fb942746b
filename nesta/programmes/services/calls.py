"""Writes of calls (申报指南): create, edit, the lifecycle's steps and the closing job.

The office runs national calls; a province may run its own (owner_province = its province):
`call.manage` on the call's target decides. A draft may change everything; an open call only its
texts, a later close date and its budget (applicants rely on the rest); a closed call its review
rounds until the review starts; later nothing.

Criteria weights sum to 1; review rounds are 通讯评审 (order 1, k reviewers each) and optionally a
会议评审 (order 2) for those above a cut-off. Acceptance rounds (order ≥ 3) belong to the projects
part and are left alone here.
"""

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.models import Region, TaxonomyNode
from nesta.core.permissions import Role, Target, can, grants_of, require
from nesta.core.transactions import write_transaction
from nesta.core.validators import aware_datetime, bounded_int, clean_text, money_yuan
from nesta.programmes.lifecycles.call import CALL
from nesta.programmes.models import Call, CallStatus, Criterion, CriterionScale, Programme, ReviewRound, RoundKind
from nesta.programmes.rules.form_fields import clean_form_fields

S = CallStatus
ID_MAX = 2_147_483_647
WINDOW_MAX = timedelta(days=400)
CRITERIA_MAX = 12
TILT_GROUPS = {"private_tech": "民营科技企业"}
FIELDS = (
    "programme", "code", "title", "summary", "year", "owner_province", "fields", "provinces", "opens_at",
    "closes_at", "budget", "max_request", "form_fields", "criteria", "rounds", "blind", "max_avoid",
    "tilt_group", "tilt_share",
)  # fmt: skip
OPEN_FIELDS = {"title", "summary", "closes_at", "budget"}
CLOSED_FIELDS = {"rounds"}


def _fail(field: str, message: str, code: str = "invalid_call") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def _recode(exc: ValidationFailed, code: str = "invalid_call") -> ValidationFailed:
    return ValidationFailed(exc.message, code=code, details=exc.details)


def call_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= ID_MAX:
        raise NotFound(_("未找到该指南。"))
    return value


# --- checking the input ---------------------------------------------------------------------------


def _programme(value: Any) -> Programme:
    if isinstance(value, Programme):
        return value
    qs = Programme.objects.all()
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX:
        found = qs.filter(pk=value).first()
    elif isinstance(value, str) and 0 < len(value) <= 40:
        found = qs.filter(code=value).first()
    else:
        found = None
    if found is None:
        raise _fail("programme", _("未知的科技计划。"), "unknown_programme")
    return found


def _province(value: Any, field: str) -> Region | None:
    if value in (None, ""):
        return None
    if isinstance(value, Region):
        return value
    if not isinstance(value, str) or len(value) != 6 or not value.isdigit():
        raise _fail(field, _("未知的省份代码。"), "unknown_region")
    region = Region.objects.filter(code=value, level=Region.Level.PROVINCE).first()
    if region is None:
        raise _fail(field, _("未知的省份代码。"), "unknown_region")
    return region


def _codes(value: Any, field: str, limit: int) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or len(value) > limit:
        raise _fail(field, _("应为不超过 %(n)d 项的列表。") % {"n": limit})
    if not all(isinstance(c, str) and 0 < len(c) <= 60 for c in value):
        raise _fail(field, _("应为代码的列表。"))
    return list(dict.fromkeys(value))


def _fields(value: Any) -> list[TaxonomyNode]:
    codes = _codes(value, "fields", 50)
    nodes = list(TaxonomyNode.objects.filter(code__in=codes))
    if len(nodes) != len(codes):
        missing = sorted(set(codes) - {n.code for n in nodes})
        raise _fail("fields", _("未知的领域：%(c)s") % {"c": ", ".join(missing[:5])}, "unknown_field")
    return nodes


def _provinces(value: Any) -> list[Region]:
    codes = _codes(value, "provinces", 40)
    regions = list(Region.objects.filter(code__in=codes, level=Region.Level.PROVINCE))
    if len(regions) != len(codes):
        raise _fail("provinces", _("未知的省份代码。"), "unknown_region")
    return regions


def _weight(raw: Any, where: str) -> Decimal:
    """A weight in [0, 1] with at most three decimals."""
    try:
        if isinstance(raw, bool) or raw is None:
            raise ValueError
        weight = Decimal(str(raw).strip()[:20])
        if not weight.is_finite():
            raise ValueError
    except (ValueError, ArithmeticError):
        raise _fail(where, _("权重应为 0 到 1 之间的数。")) from None
    exponent = weight.normalize().as_tuple().exponent
    if not Decimal(0) <= weight <= 1 or (isinstance(exponent, int) and exponent < -3):
        raise _fail(where, _("权重应为 0 到 1 之间、最多三位小数的数。"))
    return weight.quantize(Decimal("0.001"))


def _criteria(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not 1 <= len(value) <= CRITERIA_MAX:
        raise _fail("criteria", _("评审指标应有 1 到 %(n)d 项。") % {"n": CRITERIA_MAX})
    out: list[dict[str, Any]] = []
    codes: set[str] = set()
    total = Decimal(0)
    for i, raw in enumerate(value):
        where = f"criteria.{i}"
        if not isinstance(raw, dict):
            raise _fail(where, _("应为对象。"))
        code = raw.get("code")
        if (
            not isinstance(code, str)
            or not code
            or len(code) > 30
            or not code.replace("-", "").replace("_", "").isalnum()
            or not code.isascii()
        ):
            raise _fail(f"{where}.code", _("指标代码应为字母、数字、连字符（最多 30 个）。"))
        if code in codes:
            raise _fail(f"{where}.code", _("指标代码重复。"))
        codes.add(code)
        try:
            name = clean_text(raw.get("name"), field=f"{where}.name", max_length=60, required=True, multiline=False)
            description = clean_text(raw.get("description", ""), field=f"{where}.description", max_length=300)
            max_score = bounded_int(raw.get("max_score", 100), field=f"{where}.max_score", minimum=1, maximum=1000)
        except ValidationFailed as exc:
            raise _recode(exc) from None
        weight = _weight(raw.get("weight"), f"{where}.weight")
        scale = raw.get("scale", CriterionScale.SCORE)
        if scale not in CriterionScale.values:
            raise _fail(f"{where}.scale", _("未知的评分方式。"))
        total += weight
        out.append({"code": code, "name": name, "description": description, "weight": weight, "scale": scale,
                    "max_score": max_score, "sort_order": i})  # fmt: skip
    if total != Decimal(1):
        raise _fail(
            "criteria", _("评审指标权重之和应为 1（现为 %(t)s）。") % {"t": total.normalize()}, "criteria_weights"
        )
    return out


def _rounds(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not 1 <= len(value) <= 2:
        raise _fail("rounds", _("评审轮次应为通讯评审，可再加一轮会议评审。"), "invalid_rounds")
    out: list[dict[str, Any]] = []
    for i, raw in enumerate(value):
        where = f"rounds.{i}"
        if not isinstance(raw, dict):
            raise _fail(where, _("应为对象。"), "invalid_rounds")
        kind = raw.get("kind")
        expected = RoundKind.CORRESPONDENCE if i == 0 else RoundKind.PANEL
        if kind != expected:
            raise _fail(f"{where}.kind", _("第一轮应为通讯评审，第二轮应为会议评审。"), "invalid_rounds")
        try:
            k = bounded_int(
                raw.get("reviewers_per_application", 5),
                field=f"{where}.reviewers_per_application",
                minimum=1,
                maximum=15,
            )
            min_load = bounded_int(raw.get("min_load", 0), field=f"{where}.min_load", minimum=0, maximum=500)
            max_load = bounded_int(raw.get("max_load", 10), field=f"{where}.max_load", minimum=1, maximum=500)
            cutoff_count = raw.get("cutoff_count")
            if cutoff_count is not None:
                cutoff_count = bounded_int(cutoff_count, field=f"{where}.cutoff_count", minimum=1, maximum=100000)
            cutoff_score = raw.get("cutoff_score")
            if cutoff_score is not None:
                cutoff_score = money_yuan(cutoff_score, field=f"{where}.cutoff_score", maximum=Decimal(1001))
            opens = raw.get("opens_at")
            closes = raw.get("closes_at")
            opens = aware_datetime(opens, field=f"{where}.opens_at") if opens not in (None, "") else None
            closes = aware_datetime(closes, field=f"{where}.closes_at") if closes not in (None, "") else None
        except ValidationFailed as exc:
            raise _recode(exc, "invalid_rounds") from None
        if min_load > max_load:
            raise _fail(f"{where}.min_load", _("最少评审数不能大于最多评审数。"), "invalid_rounds")
        if opens and closes and closes <= opens:
            raise _fail(f"{where}.closes_at", _("评审截止应晚于评审开始。"), "invalid_rounds")
        if kind == RoundKind.PANEL and cutoff_count is None and cutoff_score is None:
            raise _fail(f"{where}.cutoff_count", _("会议评审须设进入会评的项数或分数线。"), "invalid_rounds")
        if kind == RoundKind.CORRESPONDENCE and (cutoff_count is not None or cutoff_score is not None):
            raise _fail(f"{where}.cutoff_count", _("通讯评审没有进入线。"), "invalid_rounds")
        out.append({"kind": kind, "order": i + 1, "reviewers_per_application": k, "min_load": min_load,
                    "max_load": max_load, "cutoff_count": cutoff_count, "cutoff_score": cutoff_score,
                    "opens_at": opens, "closes_at": closes})  # fmt: skip
    return out


def _scalars(data: dict[str, Any], current: Call) -> dict[str, Any]:
    """Every plain field of `data` checked, against the call's other values where they relate."""
    clean: dict[str, Any] = {}
    try:
        if "title" in data:
            clean["title"] = clean_text(data["title"], field="title", max_length=160, required=True, multiline=False)
        if "summary" in data:
            clean["summary"] = clean_text(data["summary"], field="summary", max_length=8000)
        if "year" in data:
            clean["year"] = bounded_int(data["year"], field="year", minimum=2000, maximum=2100)
        for name in ("opens_at", "closes_at"):
            if name in data:
                clean[name] = aware_datetime(data[name], field=name)
        for name in ("budget", "max_request"):
            if name in data:
                amount = money_yuan(data[name], field=name)
                if amount is not None and amount <= 0:
                    raise _fail(name, _("金额应大于零。"))
                clean[name] = amount
        if "max_avoid" in data:
            clean["max_avoid"] = bounded_int(data["max_avoid"], field="max_avoid", minimum=0, maximum=10)
        if "blind" in data:
            if not isinstance(data["blind"], bool):
                raise _fail("blind", _("应为真或假。"))
            clean["blind"] = data["blind"]
        if "code" in data and data["code"] not in (None, ""):
            code = data["code"]
            if (
                not isinstance(code, str)
                or not code.isascii()
                or not 0 < len(code) <= 40
                or not code.replace("-", "").replace("_", "").isalnum()
            ):
                raise _fail("code", _("指南编号应为字母、数字、连字符（最多 40 个）。"))
            clean["code"] = code.lower()
        if "tilt_group" in data or "tilt_share" in data:
            group = data.get("tilt_group", current.tilt_group) or ""
            share = data.get("tilt_share", current.tilt_share)
            if group and group not in TILT_GROUPS:
                raise _fail("tilt_group", _("未知的倾斜对象。"))
            if group:
                share = money_yuan(share, field="tilt_share", maximum=Decimal("1.0001"))
                if share is None or share <= 0 or share > 1:
                    raise _fail("tilt_share", _("倾斜比例应在 0 到 1 之间。"))
            else:
                share = None
            clean["tilt_group"], clean["tilt_share"] = group, share
    except ValidationFailed as exc:
        raise _recode(exc) from None
    opens = clean.get("opens_at", current.opens_at)
    closes = clean.get("closes_at", current.closes_at)
    if opens and closes:
        if closes <= opens:
            raise _fail("closes_at", _("受理截止应晚于受理开始。"), "invalid_window")
        if closes - opens > WINDOW_MAX:
            raise _fail("closes_at", _("受理期不能超过 400 天。"), "invalid_window")
    budget = clean.get("budget", current.budget)
    max_request = clean.get("max_request", current.max_request)
    if budget is not None and max_request is not None and max_request > budget:
        raise _fail("max_request", _("单项申请上限不能超过指南预算。"), "max_request_over_budget")
    return clean


def _owner_province(actor: Any, data: dict[str, Any]) -> Region | None:
    """The given province, or — for a province's staff who may not run national calls — theirs."""
    if "owner_province" in data:
        return _province(data["owner_province"], "owner_province")
    if can(actor, "call.manage", Target()):
        return None
    codes = [g.province_code for g in grants_of(actor) if g.role == Role.PROVINCE and g.province_code]
    return _province(codes[0], "owner_province") if codes else None


def audit_snapshot(call: Call) -> dict[str, Any]:
    data = snapshot(call)
    data.pop("reference_key", None)
    data["form_fields"] = call.form_fields
    data["criteria"] = [f"{c.code}:{c.weight}:{c.scale}" for c in call.criteria.all()]
    data["rounds"] = [
        f"{r.kind}:k={r.reviewers_per_application}:{r.min_load}-{r.max_load}" for r in call.rounds.filter(order__lte=2)
    ]
    return data


def _save_related(call: Call, criteria: list[dict[str, Any]] | None, rounds: list[dict[str, Any]] | None) -> None:
    if criteria is not None:
        call.criteria.all().delete()
        Criterion.objects.bulk_create([Criterion(call=call, **c) for c in criteria])
    if rounds is not None:
        call.rounds.filter(order__lte=2).delete()
        ReviewRound.objects.bulk_create([ReviewRound(call=call, **r) for r in rounds])


def _input(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed(details={"__all__": [_("应为对象。")]})
    unknown = sorted(str(k)[:30] for k in data if k not in FIELDS)
    if unknown:
        raise ValidationFailed(_("未知的字段：%(f)s") % {"f": ", ".join(unknown[:5])}, code="unknown_fields",
                               details={k: [_("未知的字段。")] for k in unknown[:5]})  # fmt: skip
    return data


def call_create(*, actor: Any, data: dict[str, Any]) -> Call:
    """A new draft call. Required: programme, title, year, opens_at, closes_at, budget,
    max_request, criteria. 401/403 before 422."""
    data = _input(data)
    if not getattr(actor, "is_authenticated", False):
        require(actor, "call.manage")
    with write_transaction():
        owner = _owner_province(actor, data)
        require(actor, "call.manage", Target(province_code=owner.code if owner else None))
        missing = [
            n
            for n in ("programme", "title", "year", "opens_at", "closes_at", "budget", "max_request", "criteria")
            if data.get(n) in (None, "", [])
        ]
        if missing:
            raise ValidationFailed(_("请填写必填项。"), code="required",
                                   details={n: [_("此字段为必填项。")] for n in missing})  # fmt: skip
        programme = _programme(data["programme"])
        blank = Call(  # type: ignore[misc]
            programme=programme, owner_province=owner, opens_at=None, closes_at=None, budget=None, max_request=None
        )
        clean = _scalars(data, blank)
        form_fields = clean_form_fields(data.get("form_fields"))
        criteria = _criteria(data["criteria"])
        rounds = _rounds(data.get("rounds") or [{"kind": RoundKind.CORRESPONDENCE}])
        fields = _fields(data.get("fields"))
        provinces = _provinces(data.get("provinces"))
        clean.setdefault("code", f"{clean['year']}-{uuid.uuid4().hex[:8]}")
        if Call.objects.filter(code=clean["code"]).exists():
            raise Conflict(_("指南编号已存在。"), code="duplicate_code", details={"field": "code"})
        call = Call(programme=programme, owner_province=owner, form_fields=form_fields, status=S.DRAFT,
                    created_by=actor, **clean)  # fmt: skip
        try:
            call.save()
        except IntegrityError:
            raise Conflict(_("指南编号已存在。"), code="duplicate_code", details={"field": "code"}) from None
        call.fields.set(fields)
        call.provinces.set(provinces)
        _save_related(call, criteria, rounds)
        audit_record(actor=actor, action="call.created", instance=call, changes=diff({}, audit_snapshot(call)))
    return call


def call_update(*, actor: Any, call_id_: int, data: dict[str, Any]) -> Call:
    """Change the given fields (PATCH); what may change depends on the call's state."""
    data = _input(data)
    with write_transaction():
        call = CALL.load_for_update(call_id(call_id_))
        require(actor, "call.manage", call)
        if "owner_province" in data or "programme" in data:
            raise ValidationFailed(_("科技计划和组织省份不能修改。"), code="field_fixed",
                                   details={k: [_("不能修改。")] for k in ("owner_province", "programme") if k in data})  # fmt: skip
        allowed = {S.DRAFT: set(FIELDS), S.OPEN: OPEN_FIELDS | CLOSED_FIELDS, S.CLOSED: CLOSED_FIELDS}.get(
            call.status, set()
        )
        locked = sorted(k for k in data if k not in allowed)
        if locked:
            raise Conflict(
                _("指南当前状态为“%(s)s”，不能修改：%(f)s") % {"s": call.get_status_display(), "f": ", ".join(locked)},
                code="call_locked",
                details={"status": call.status, "fields": locked},
            )
        before = audit_snapshot(call)
        clean = _scalars(data, call)
        if call.status == S.OPEN and "closes_at" in clean and clean["closes_at"] < call.closes_at:
            raise _fail("closes_at", _("受理中的指南只能推迟截止时间。"), "closes_earlier")
        if call.status == S.OPEN and "budget" in clean and clean["budget"] < call.max_request:
            raise _fail("budget", _("指南预算不能低于单项申请上限。"), "max_request_over_budget")
        for name, value in clean.items():
            setattr(call, name, value)
        if "form_fields" in data:
            call.form_fields = clean_form_fields(data["form_fields"])
        criteria = _criteria(data["criteria"]) if "criteria" in data else None
        rounds = _rounds(data["rounds"]) if "rounds" in data else None
        if "code" in clean and Call.objects.filter(code=clean["code"]).exclude(pk=call.pk).exists():
            raise Conflict(_("指南编号已存在。"), code="duplicate_code", details={"field": "code"})
        call.save()
        if "fields" in data:
            call.fields.set(_fields(data["fields"]))
        if "provinces" in data:
            call.provinces.set(_provinces(data["provinces"]))
        _save_related(call, criteria, rounds)
        changes = diff(before, audit_snapshot(call))
        if changes:
            audit_record(actor=actor, action="call.updated", instance=call, changes=changes)
    return call


def call_run(name: str, *, actor: Any, call_id_: int, now: datetime | None = None, system: bool = False) -> Call:
    """Take a step of the call lifecycle (publish, close, review, archive)."""
    try:
        t = CALL.transition(name)
    except LookupError:
        raise NotFound(_("未知的操作。")) from None
    return CALL.run(t.name, actor=actor, obj_id=call_id(call_id_), now=now, system=system)


CLOSE_BATCH = 200


def calls_close_due(now: datetime | None = None) -> int:
    """The periodic job: every open call whose closes_at has passed is closed (each in its own
    short transaction; a call changed meanwhile is skipped). Returns how many."""
    now = now or timezone.now()
    ids = list(
        Call.objects.filter(status=S.OPEN, closes_at__lt=now)
        .order_by("closes_at", "pk")
        .values_list("pk", flat=True)[:CLOSE_BATCH]
    )
    done = 0
    for pk in ids:
        try:
            CALL.run("close", actor=None, obj_id=pk, system=True, now=now)
        except (Conflict, NotFound):
            continue
        done += 1
    return done
