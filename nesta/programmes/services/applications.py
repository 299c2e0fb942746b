"""Writes of applications: create and edit (draft or returned), the team, the budget table, the
avoid requests, the lifecycle's steps (numbering on submit, the formal check's checklist).

The applicant organisation's people (`application.create` / `application.change` on the
application's province and organisation) fill in and submit; the province recommends; the office
checks. The province is copied from the organisation when the application is created.
"""

from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.lifecycle import Transition
from nesta.core.models import Region, TaxonomyNode
from nesta.core.permissions import Target, require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text, local_date, money_yuan
from nesta.directory.models import ExpertProfile, Organization, Person
from nesta.programmes.lifecycles.application import APPLICATION
from nesta.programmes.models import (
    Application,
    ApplicationStatus,
    AvoidRequest,
    BudgetItem,
    Call,
    TeamMember,
)
from nesta.programmes.rules.budget_table import budget_error, clean_budget, summarize
from nesta.programmes.rules.form_fields import clean_form_data
from nesta.programmes.rules.formal_check import CHECKLIST
from nesta.programmes.rules.submission import call_accepting, scope_error

S = ApplicationStatus
ID_MAX = 2_147_483_647
EDITABLE = (S.DRAFT, S.RETURNED)
TEAM_MAX = 50
REASON_MAX = 1000
FIELDS = (
    "call", "organization", "title", "summary", "keywords", "field", "requested_amount", "start_date",
    "end_date", "form_data", "team", "budget", "avoid_requests",
)  # fmt: skip
PROVINCE_ABBR = {"210000": "LN", "220000": "JL", "230000": "HL", "150000": "NM"}


def _fail(field: str, message: str, code: str = "invalid_application") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def application_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= ID_MAX:
        raise NotFound(_("未找到该申请。"))
    return value


def _pk(value: Any, field: str) -> int:
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and value.isdigit() and len(value) < 12)
    ):
        raise _fail(field, _("应为 id。"))
    pk = int(value)
    if not 0 < pk <= ID_MAX:
        raise _fail(field, _("应为 id。"))
    return pk


def _input(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed(details={"__all__": [_("应为对象。")]})
    unknown = sorted(str(k)[:30] for k in data if k not in FIELDS)
    if unknown:
        raise ValidationFailed(_("未知的字段：%(f)s") % {"f": ", ".join(unknown[:5])}, code="unknown_fields",
                               details={k: [_("未知的字段。")] for k in unknown[:5]})  # fmt: skip
    return data


# --- the parts of an application --------------------------------------------------------------


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    try:
        if "title" in data:
            clean["title"] = clean_text(data["title"], field="title", max_length=160, required=True, multiline=False)
        if "summary" in data:
            clean["summary"] = clean_text(data["summary"], field="summary", max_length=8000, required=True)
        if "keywords" in data:
            clean["keywords"] = clean_text(data["keywords"], field="keywords", max_length=300, multiline=False)
        if "requested_amount" in data:
            amount = money_yuan(data["requested_amount"], field="requested_amount")
            if amount is None or amount <= 0:
                raise _fail("requested_amount", _("申请资助应大于零。"))
            clean["requested_amount"] = amount
        for name in ("start_date", "end_date"):
            if name in data:
                clean[name] = local_date(data[name], field=name) if data[name] not in (None, "") else None
        if "field" in data:
            code = data["field"]
            node = (
                TaxonomyNode.objects.select_related("parent__parent").filter(code=code).first()
                if isinstance(code, str) and len(code) <= 60
                else None
            )
            if node is None:
                raise _fail("field", _("未知的领域。"), "unknown_field")
            clean["field"] = node
    except ValidationFailed as exc:
        raise ValidationFailed(
            exc.message, code=exc.code if exc.code != "validation_error" else "invalid_application", details=exc.details
        ) from None
    return clean


def _team(value: Any) -> list[TeamMember]:
    if not isinstance(value, list) or len(value) > TEAM_MAX:
        raise _fail("team", _("项目组成员应为不超过 %(n)d 人的列表。") % {"n": TEAM_MAX}, "invalid_team")
    out: list[TeamMember] = []
    leads = 0
    people: dict[int, Person] = {}
    orgs: dict[int, Organization] = {}
    person_ids = [
        _pk(m["person"], f"team.{i}.person")
        for i, m in enumerate(value)
        if isinstance(m, dict) and m.get("person") not in (None, "")
    ]
    org_ids = [
        _pk(m["organization"], f"team.{i}.organization")
        for i, m in enumerate(value)
        if isinstance(m, dict) and m.get("organization") not in (None, "")
    ]
    people = Person.objects.in_bulk(person_ids)
    orgs = Organization.objects.in_bulk(org_ids)
    keys = {"name", "person", "organization", "organization_name", "title", "role", "is_lead", "months"}
    for i, raw in enumerate(value):
        where = f"team.{i}"
        if not isinstance(raw, dict) or set(raw) - keys:
            raise _fail(where, _("成员应为对象（姓名、单位、职称、分工、是否负责人、投入月数）。"), "invalid_team")
        try:
            name = clean_text(raw.get("name"), field=f"{where}.name", max_length=50, required=True, multiline=False)
            org_name = clean_text(
                raw.get("organization_name", ""), field=f"{where}.organization_name", max_length=120, multiline=False
            )
            title = clean_text(raw.get("title", ""), field=f"{where}.title", max_length=40, multiline=False)
            role = clean_text(raw.get("role", ""), field=f"{where}.role", max_length=100, multiline=False)
            months = bounded_int(raw.get("months", 0), field=f"{where}.months", minimum=0, maximum=600)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code="invalid_team", details=exc.details) from None
        is_lead = raw.get("is_lead", False)
        if not isinstance(is_lead, bool):
            raise _fail(f"{where}.is_lead", _("应为真或假。"), "invalid_team")
        leads += is_lead
        person = people.get(int(raw["person"])) if raw.get("person") not in (None, "") else None
        if raw.get("person") not in (None, "") and person is None:
            raise _fail(f"{where}.person", _("人员不存在。"), "invalid_team")
        org = orgs.get(int(raw["organization"])) if raw.get("organization") not in (None, "") else None
        if raw.get("organization") not in (None, "") and org is None:
            raise _fail(f"{where}.organization", _("机构不存在。"), "invalid_team")
        out.append(TeamMember(person=person, name=name, organization=org, organization_name=org_name or (org.name if org else ""),
                              title=title, role=role, is_lead=is_lead, months=months, sort_order=i))  # fmt: skip
    if leads > 1:
        raise _fail("team", _("项目负责人只能有一位。"), "invalid_team")
    return out


def _avoid(value: Any, call: Call) -> list[AvoidRequest]:
    if not isinstance(value, list):
        raise _fail("avoid_requests", _("应为列表。"), "invalid_avoid_requests")
    if len(value) > call.max_avoid:
        msg = _("最多可申请回避 %(n)d 位专家。") % {"n": call.max_avoid}
        raise _fail("avoid_requests", msg, "too_many_avoid_requests")
    out: list[AvoidRequest] = []
    ids: list[int] = []
    for i, raw in enumerate(value):
        where = f"avoid_requests.{i}"
        if not isinstance(raw, dict) or set(raw) - {"expert", "reason"}:
            raise _fail(where, _("应为对象（专家、理由）。"), "invalid_avoid_requests")
        pk = _pk(raw.get("expert"), f"{where}.expert")
        if pk in ids:
            raise _fail(f"{where}.expert", _("同一专家只需申请一次。"), "invalid_avoid_requests")
        ids.append(pk)
        try:
            reason = clean_text(
                raw.get("reason"), field=f"{where}.reason", max_length=300, required=True, multiline=False
            )
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code="invalid_avoid_requests", details=exc.details) from None
        out.append(AvoidRequest(expert_id=pk, reason=reason))
    pool = set(ExpertProfile.objects.filter(person_id__in=ids).values_list("person_id", flat=True))
    for i, pk in enumerate(ids):
        if pk not in pool:
            raise _fail(f"avoid_requests.{i}.expert", _("该人员不在专家库中。"), "invalid_avoid_requests")
    return out


def _replace_children(app: Application, team: Any, budget: Any, avoid: Any) -> None:
    if team is not None:
        app.team.all().delete()
        for m in team:
            m.application = app
        TeamMember.objects.bulk_create(team)
    if budget is not None:
        app.budget_items.all().delete()
        BudgetItem.objects.bulk_create(
            [
                BudgetItem(application=app, category=b.category, from_grant=b.from_grant, amount=b.amount, note=b.note)
                for b in budget
            ]
        )
    if avoid is not None:
        app.avoid_requests.all().delete()
        for a in avoid:
            a.application = app
        AvoidRequest.objects.bulk_create(avoid)


def audit_snapshot(app: Application) -> dict[str, Any]:
    data = snapshot(app)
    for stamp in ("reference_key", "formal_check"):
        data.pop(stamp, None)
    data["form_data"] = app.form_data
    data["team"] = [f"{m.name}{'（负责人）' if m.is_lead else ''}" for m in app.team.all()]
    data["budget"] = [f"{b.category}:{'grant' if b.from_grant else 'own'}:{b.amount}" for b in app.budget_items.all()]
    data["avoid_requests"] = sorted(a.expert_id for a in app.avoid_requests.all())
    return data


def _apply(app: Application, data: dict[str, Any], call: Call) -> tuple[Any, Any, Any]:
    """Check `data` and set it on `app`; returns the children to write (or None to keep)."""
    for name, value in _scalars(data).items():
        setattr(app, name, value)
    if "form_data" in data:
        app.form_data = clean_form_data(call.form_fields or [], data["form_data"])
    team = _team(data["team"]) if "team" in data else None
    budget = None
    if "budget" in data:
        budget = clean_budget(data["budget"])
        error = budget_error(summarize(budget))
        if error is not None:
            raise error
        app.self_funding = summarize(budget).own_total
    avoid = _avoid(data["avoid_requests"], call) if "avoid_requests" in data else None
    if app.start_date and app.end_date and app.end_date <= app.start_date:
        raise _fail("end_date", _("计划结束应晚于计划开始。"), "invalid_dates")
    return team, budget, avoid


def application_create(*, actor: Any, data: dict[str, Any], now: datetime | None = None) -> Application:
    """A new draft application to an open call, for the actor's organisation (or the one given).
    Required: call, title, summary, field, requested_amount."""
    data = _input(data)
    now = now or timezone.now()
    if not getattr(actor, "is_authenticated", False):
        require(actor, "application.create")
    with write_transaction():
        org_value = data.get("organization") or getattr(actor, "organization_id", None)
        if org_value in (None, ""):
            raise _fail("organization", _("请选择申报单位。"), "organization_required")
        org = Organization.objects.select_related("province").filter(pk=_pk(org_value, "organization")).first()
        if org is None:
            raise _fail("organization", _("机构不存在。"), "unknown_organization")
        require(actor, "application.create", Target(province_code=org.province.code, organization_id=org.pk))
        missing = [n for n in ("call", "title", "summary", "field", "requested_amount") if data.get(n) in (None, "")]
        if missing:
            raise ValidationFailed(
                _("请填写必填项。"), code="required", details={n: [_("此字段为必填项。")] for n in missing}
            )
        call = Call.objects.select_related("owner_province").filter(pk=_pk(data["call"], "call")).first()
        if call is None:
            raise _fail("call", _("未找到该指南。"), "unknown_call")
        if not call_accepting(call, now):
            raise Conflict(_("该指南当前不在受理期内。"), code="call_not_open", details={"status": call.status})
        app = Application(call=call, organization=org, province=org.province, applicant=actor, status=S.DRAFT,
                          is_private_tech=org.is_private_tech_enterprise)  # fmt: skip
        team, budget, avoid = _apply(app, data, call)
        scope = scope_error(call, org.province.code, app.field)
        if scope is not None:
            raise scope
        app.save()
        _replace_children(app, team, budget, avoid)
        audit_record(actor=actor, action="application.created", instance=app, changes=diff({}, audit_snapshot(app)))
    return app


def application_update(*, actor: Any, application_id_: int, data: dict[str, Any]) -> Application:
    """Change the given parts (PATCH) of a draft or returned application; call and organisation
    never change. A list (team, budget, avoid_requests) given replaces the stored one."""
    data = _input(data)
    with write_transaction():
        app = APPLICATION.load_for_update(application_id(application_id_))
        require(actor, "application.change", app)
        fixed = sorted(k for k in ("call", "organization") if k in data)
        if fixed:
            raise ValidationFailed(
                _("申报指南和申报单位不能修改。"), code="field_fixed", details={k: [_("不能修改。")] for k in fixed}
            )
        if app.status not in EDITABLE:
            raise Conflict(
                _("申请当前状态为“%(s)s”，不能修改。") % {"s": app.get_status_display()},
                code="application_locked",
                details={"status": app.status},
            )
        before = audit_snapshot(app)
        team, budget, avoid = _apply(app, data, app.call)
        if "field" in data:
            scope = scope_error(app.call, app.province.code, app.field)
            if scope is not None:
                raise scope
        app.save()
        _replace_children(app, team, budget, avoid)
        changes = diff(before, audit_snapshot(app))
        if changes:
            audit_record(actor=actor, action="application.updated", instance=app, changes=changes)
    return app


# --- the lifecycle ---------------------------------------------------------------------------


def number_prefix(app: Application) -> str:
    code = app.province.code
    return f"{app.call.year}-{PROVINCE_ABBR.get(code, code[:2])}-"


def assign_number(app: Application) -> str:
    """The next number of the application's year and province (2026-LN-000123): the province's
    row is locked first, so two submissions never take the same number, and a rolled-back one
    leaves no gap (the number is derived from the committed ones)."""
    Region.objects.select_for_update().filter(pk=app.province_id).first()
    prefix = number_prefix(app)
    last = Application.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    n = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{n:06d}"


def _reason(value: Any, *, required: bool, what: str) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _fail("reason", _("原因应为文本。"), "invalid_reason")
    try:
        text = clean_text(value, field="reason", max_length=REASON_MAX)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, code="invalid_reason", details=exc.details) from None
    if required and not text:
        raise _fail("reason", what, "reason_required")
    return text


def clean_checklist(value: Any) -> dict[str, dict[str, Any]]:
    """The formal check's items: {code: {"ok": bool, "reason": str}}; a failed item needs its reason."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail("checklist", _("形式审查清单应为对象。"), "invalid_checklist")
    out: dict[str, dict[str, Any]] = {}
    for code, item in value.items():
        if code not in CHECKLIST:
            raise _fail("checklist", _("未知的审查项：%(c)s") % {"c": str(code)[:30]}, "invalid_checklist")
        if not isinstance(item, dict) or not isinstance(item.get("ok"), bool) or set(item) - {"ok", "reason"}:
            raise _fail(f"checklist.{code}", _("每项应为 {ok: 真或假, reason: 原因}。"), "invalid_checklist")
        try:
            reason = clean_text(item.get("reason", ""), field=f"checklist.{code}", max_length=300, multiline=False)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code="invalid_checklist", details=exc.details) from None
        if not item["ok"] and not reason:
            raise _fail(
                f"checklist.{code}", _("“%(l)s”不符合时须说明原因。") % {"l": CHECKLIST[code]}, "reason_required"
            )
        out[code] = {"ok": item["ok"], "reason": reason}
    return out


def application_run(
    name: str,
    *,
    actor: Any,
    application_id_: int,
    reason: Any = "",
    checklist: Any = None,
    now: datetime | None = None,
) -> Application:
    """Take transition `name` of the application lifecycle. not_recommend needs a reason; return
    needs a checklist with at least one failed item and its reason; pass_check records the
    checklist (all items passed; none given = all passed). Submit numbers the application."""
    try:
        t = APPLICATION.transition(name)
    except LookupError:
        raise NotFound(_("未知的操作。")) from None
    if not t.offered:
        raise NotFound(_("未知的操作。"))
    now = now or timezone.now()
    fields: dict[str, Any] = {}
    items: dict[str, dict[str, Any]] = {}
    if t.name == "submit":
        fields["status_note"] = ""  # the returned step's reason is answered by submitting again
    elif t.name == "not_recommend":
        fields["status_note"] = _reason(reason, required=True, what=_("请说明不予推荐的原因。"))
    elif t.name in ("recommend", "withdraw", "pass_check"):
        fields["status_note"] = _reason(reason, required=False, what="")
    if t.name in ("return", "pass_check"):
        items = clean_checklist(checklist)
        failed = {c: i for c, i in items.items() if not i["ok"]}
        if t.name == "return":
            if not failed:
                msg = _("退回修改须至少列明一项不符合的审查项及原因。")
                raise _fail("checklist", msg, "failed_item_required")
            note = _reason(reason, required=False, what="")
            lines = [f"{CHECKLIST[c]}：{i['reason']}" for c, i in failed.items()]
            fields["status_note"] = "；".join([*lines, *([note] if note else [])])[:REASON_MAX]
        elif failed:
            msg = _("有不符合的审查项，请退回修改而不是通过。")
            raise _fail("checklist", msg, "check_items_failed")
        else:
            items = {c: items.get(c, {"ok": True, "reason": ""}) for c in CHECKLIST}

    def prepare(app: Application, tr: Transition) -> None:
        if tr.name == "submit" and not app.number:
            app.number = assign_number(app)
        if tr.name in ("return", "pass_check"):
            app.formal_check = {
                "items": items,
                "result": "returned" if tr.name == "return" else "passed",
                "by": getattr(actor, "pk", None),
                "at": now.isoformat(),
            }

    return APPLICATION.run(
        t.name, actor=actor, obj_id=application_id(application_id_), now=now, prepare=prepare, **fields
    )
