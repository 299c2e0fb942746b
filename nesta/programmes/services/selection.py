"""The funding decision: a selection run (the optimised award list within the budget beside
rank-until-budget, numerics/selection.py) stored as a SelectionRun, and the office's confirmation,
which funds the chosen applications and rejects the rest of the call's applications in expert
review in one transaction, then marks the call decided.

Minimum shares are of the budget: {"by": province|field|tilt, "value": code, "share": 0..1}. A call
with a tilt (Call.tilt_group, tilt_share) reserves that share for the tilt group (民营科技企业,
Application.is_private_tech) unless the run says use_tilt=False. The office may adjust the list
when confirming — add or remove applications, each with a reason — but never beyond the budget
(422 over_budget).
"""

import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text, money_yuan
from nesta.programmes.lifecycles.application import APPLICATION
from nesta.programmes.lifecycles.call import CALL
from nesta.programmes.models import Application, ApplicationStatus, Call, CallStatus, SelectionRun
from nesta.programmes.numerics.selection import MinShare, select
from nesta.programmes.selectors.scores import KINDS, call_scores
from nesta.programmes.selectors.selection import GROUPS, candidates

SHARES_MAX = 12
SEED_MAX = 2**31 - 1
TIME_LIMIT_MAX = 10
REASON_MAX = 300
REJECT_NOTE = gettext_noop("经专家评审与综合平衡，未列入本批立项资助名单。")


@dataclass(frozen=True)
class SelectionInput:
    budget: Any = None  # 元; default the call's budget
    min_shares: list[dict[str, Any]] = field(default_factory=list)
    score: str = "quality"  # quality | z | raw
    rank_rule: str = "stop"  # stop | skip
    lottery: bool = False
    seed: Any = None
    tolerance: Any = 0.5  # points: candidates within this of the cut-off are tied
    time_limit: Any = 8
    use_tilt: bool = True
    amounts: dict[Any, Any] = field(default_factory=dict)  # {application id: proposed amount (元)}


@dataclass(frozen=True)
class Adjustment:
    application_id: Any
    reason: Any


def _fail(field_name: str, message: str, code: str) -> ValidationFailed:
    return ValidationFailed(details={field_name: [message]}, code=code)


def _call_for_update(call_id: Any) -> Call:
    if isinstance(call_id, bool) or not isinstance(call_id, int) or not 0 < call_id <= SEED_MAX:
        raise NotFound(_("未找到该指南。"))
    call = Call.objects.select_for_update(of=("self",)).select_related("owner_province").filter(pk=call_id).first()
    if call is None:
        raise NotFound(_("未找到该指南。"))
    return call


def _reviewing(call: Call) -> None:
    if call.status != CallStatus.REVIEWING:
        raise Conflict(
            _("该指南当前状态为“%(s)s”，不能进行立项遴选。") % {"s": call.get_status_display()},
            code="invalid_state",
            details={"status": call.status, "allowed": [CallStatus.REVIEWING]},
        )


def _shares(call: Call, data: SelectionInput) -> list[MinShare]:
    raw = data.min_shares or []
    if not isinstance(raw, list) or len(raw) > SHARES_MAX:
        raise _fail("min_shares", _("最低比例至多 %(n)d 条。") % {"n": SHARES_MAX}, "invalid_shares")
    out: list[MinShare] = []
    totals: dict[str, float] = {}
    for k, item in enumerate(raw):
        name = f"min_shares.{k}"
        if not isinstance(item, dict) or item.get("by") not in GROUPS:
            raise _fail(name, _("分组应为 province（省份）、field（领域）或 tilt（倾斜对象）。"), "invalid_shares")
        value = clean_text(item.get("value", ""), field=name, max_length=60, required=True, multiline=False)
        share = item.get("share")
        if isinstance(share, bool) or not isinstance(share, (int, float, str, Decimal)):
            raise _fail(name, _("比例应为 0 到 1 之间的数。"), "invalid_shares")
        try:
            share_f = float(share)
        except ValueError:
            raise _fail(name, _("比例应为 0 到 1 之间的数。"), "invalid_shares") from None
        if not 0 <= share_f <= 1:
            raise _fail(name, _("比例应为 0 到 1 之间的数。"), "invalid_shares")
        totals[item["by"]] = totals.get(item["by"], 0.0) + share_f
        out.append(MinShare(item["by"], value, share_f))
    if call.tilt_group and call.tilt_share and data.use_tilt and not any(s.by == "tilt" for s in out):
        out.append(MinShare("tilt", "1", float(call.tilt_share)))
        totals["tilt"] = totals.get("tilt", 0.0) + float(call.tilt_share)
    if any(total > 1 + 1e-9 for total in totals.values()):
        raise _fail("min_shares", _("同一分组的最低比例之和不能超过 100%。"), "invalid_shares")
    return out


def _amounts(data: SelectionInput, apps: dict[int, Application]) -> dict[int, Decimal]:
    raw = data.amounts or {}
    if not isinstance(raw, dict):
        raise _fail("amounts", _("拟资助金额格式有误。"), "invalid_amount")
    out: dict[int, Decimal] = {}
    for key, value in raw.items():
        try:
            app_id = int(key)
        except (TypeError, ValueError):
            raise _fail("amounts", _("拟资助金额格式有误。"), "invalid_amount") from None
        app = apps.get(app_id)
        if app is None:
            raise _fail(f"amounts.{app_id}", _("该申请不在本指南的专家评审中。"), "not_a_candidate")
        amount = money_yuan(value, field=f"amounts.{app_id}")
        assert amount is not None
        if amount <= 0 or amount > app.requested_amount:
            raise _fail(f"amounts.{app_id}", _("拟资助金额应大于 0 且不超过申请金额。"), "invalid_amount")
        out[app_id] = amount
    return out


def _float(value: Any, field_name: str, low: float, high: float, code: str) -> float:
    if isinstance(value, bool):
        raise _fail(field_name, _("应为数字。"), code)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _fail(field_name, _("应为数字。"), code) from None
    if not low <= number <= high:
        raise _fail(field_name, _("应在 %(a)s 到 %(b)s 之间。") % {"a": low, "b": high}, code)
    return number


def _outcomes(shares: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "by": s.by,
            "value": s.value,
            "share": s.share,
            "required": str(s.required),
            "achieved": str(s.achieved),
            "available": str(s.available),
            "met": s.met,
        }
        for s in shares
    ]


def selection_run(*, actor: Any, call_id: int, data: SelectionInput) -> SelectionRun:
    """Compute the award list of a call in review and store it (not yet a decision)."""
    call = (
        Call.objects.select_related("owner_province").filter(pk=call_id).first() if isinstance(call_id, int) else None
    )
    if call is None:
        raise NotFound(_("未找到该指南。"))
    require(actor, "application.decide", call)
    _reviewing(call)
    budget = call.budget if data.budget in (None, "") else money_yuan(data.budget, field="budget")
    assert budget is not None
    if budget <= 0:
        raise _fail("budget", _("预算应大于 0。"), "invalid_budget")
    if budget > call.budget:
        raise _fail(
            "budget", _("遴选预算不能超过指南预算 %(b)s 元。") % {"b": f"{call.budget:,.2f}"}, "budget_above_call"
        )
    if data.score not in KINDS:
        raise _fail("score", _("评分口径应为 quality、z 或 raw。"), "invalid_score_kind")
    if data.rank_rule not in ("stop", "skip"):
        raise _fail("rank_rule", _("排序规则应为 stop 或 skip。"), "invalid_rank_rule")
    tolerance = _float(data.tolerance, "tolerance", 0, 10, "invalid_tolerance")
    time_limit = _float(data.time_limit, "time_limit", 1, TIME_LIMIT_MAX, "invalid_time_limit")
    seed = None
    if data.lottery:
        seed = (
            secrets.randbelow(SEED_MAX)
            if data.seed in (None, "")
            else bounded_int(data.seed, field="seed", minimum=0, maximum=SEED_MAX)
        )
    shares = _shares(call, data)
    scores = call_scores(actor=actor, call_id=call.pk)
    in_review = {
        r.application.pk: r.application for r in scores.rows if r.application.status == ApplicationStatus.IN_REVIEW
    }
    amounts = _amounts(data, in_review)
    pool = candidates(scores, data.score, amounts)
    if not pool:
        raise _fail("call", _("该指南还没有完成评审的申请，无法遴选。"), "no_candidates")
    result = select(
        pool,
        budget,
        shares,
        rank_rule=data.rank_rule,
        time_limit=time_limit,
        workers=1,
        lottery_seed=seed,
        tolerance=tolerance,
    )
    if result.status == "infeasible":
        raise ValidationFailed(
            _("在预算内无法同时满足各项最低比例，请调整比例或预算。"),
            code="selection_infeasible",
            details={"min_shares": [_("无法同时满足。")], "shares": _outcomes(result.optimal.shares)},
        )
    params = {
        "budget": str(budget),
        "min_shares": [{"by": s.by, "value": s.value, "share": s.share} for s in shares],
        "score": data.score,
        "rank_rule": data.rank_rule,
        "lottery": bool(data.lottery),
        "seed": seed,
        "tolerance": tolerance,
        "time_limit": time_limit,
        "amounts": {str(k): str(v) for k, v in amounts.items()},
        "round": scores.round.pk if scores.round else None,
    }
    stored = {
        "status": result.status,
        "selected": result.optimal.selected,
        "total_score": result.optimal.total_score,
        "total_cost": str(result.optimal.total_cost),
        "shares": _outcomes(result.optimal.shares),
        "rank_list": {
            "rule": result.rank_rule,
            "selected": result.rank.selected,
            "total_score": result.rank.total_score,
            "total_cost": str(result.rank.total_cost),
            "shares": _outcomes(result.rank.shares),
        },
        "only_optimal": result.only_optimal,
        "only_rank": result.only_rank,
        "lottery": result.lottery,
        "bound": result.objective_bound,
        "seconds": round(result.wall_seconds, 3),
        "unit": str(result.unit),
        "scores": {str(c.id): c.score for c in pool},
        "costs": {str(c.id): str(c.cost) for c in pool},
        "unscored": [a.pk for a in scores.unscored],
        "tied": (result.lottery or {}).get("tied", []),
        "drawn": (result.lottery or {}).get("drawn", []),
    }
    with write_transaction():
        run = SelectionRun.objects.create(call=call, budget=budget, params=params, result=stored, created_by=actor)
        audit_record(
            actor=actor,
            action="selection.run",
            instance=run,
            changes={
                "status": [None, result.status],
                "selected": [None, len(result.optimal.selected)],
                "total_cost": [None, str(result.optimal.total_cost)],
                "seed": [None, seed],
            },
        )
    return run


def _adjustments(items: Any, field_name: str) -> list[tuple[int, str]]:
    if not items:
        return []
    if not isinstance(items, (list, tuple)) or len(items) > 500:
        raise _fail(field_name, _("调整条目格式有误。"), "invalid_adjustment")
    out = []
    for k, item in enumerate(items):
        app_id = item.application_id if isinstance(item, Adjustment) else (item or {}).get("application_id")
        reason = item.reason if isinstance(item, Adjustment) else (item or {}).get("reason")
        app_id = bounded_int(app_id, field=f"{field_name}.{k}.application_id", minimum=1, maximum=SEED_MAX)
        try:
            text = clean_text(reason, field=f"{field_name}.{k}.reason", max_length=REASON_MAX, required=True)
        except ValidationFailed as exc:
            raise ValidationFailed(details=exc.details, code="reason_required") from None
        out.append((app_id, text))
    return out


def selection_confirm(*, actor: Any, run_id: int, add: Any = (), remove: Any = (), note: Any = "") -> SelectionRun:
    """Fund the run's list (with the office's adjustments, each with a reason), reject the call's
    other applications in review, mark the call decided — all or nothing."""
    adds = _adjustments(list(add or []), "add")
    removes = _adjustments(list(remove or []), "remove")
    note_text = clean_text(note, field="note", max_length=500)
    with write_transaction():
        run = (
            SelectionRun.objects.select_for_update(of=("self",)).filter(pk=run_id).first()
            if isinstance(run_id, int) and not isinstance(run_id, bool)
            else None
        )
        if run is None:
            raise NotFound(_("未找到该遴选测算。"))
        call = _call_for_update(run.call_id)
        require(actor, "application.decide", call)
        if run.confirmed:
            raise Conflict(_("该遴选结果已确认。"), code="already_confirmed")
        _reviewing(call)
        apps = {
            a.pk: a for a in Application.objects.filter(call=call, status=ApplicationStatus.IN_REVIEW).order_by("pk")
        }
        selected = [i for i in run.result.get("selected", [])]
        chosen = set(selected)
        reasons: dict[int, str] = {}
        for app_id, reason in removes:
            if app_id not in chosen:
                raise _fail("remove", _("申请 %(i)d 不在拟资助名单中。") % {"i": app_id}, "not_selected")
            chosen.discard(app_id)
            reasons[app_id] = reason
        for app_id, reason in adds:
            if app_id not in apps:
                raise _fail("add", _("申请 %(i)d 不在本指南的专家评审中。") % {"i": app_id}, "not_a_candidate")
            if app_id in chosen:
                raise _fail("add", _("申请 %(i)d 已在拟资助名单中。") % {"i": app_id}, "already_selected")
            chosen.add(app_id)
            reasons[app_id] = reason
        costs = {int(k): Decimal(v) for k, v in (run.result.get("costs") or {}).items()}
        missing = [i for i in chosen if i not in apps]
        if missing:
            raise Conflict(
                _("名单中有申请已不在专家评审阶段，请重新测算。"),
                code="stale_selection",
                details={"applications": missing},
            )
        amount = {i: costs.get(i, apps[i].requested_amount) for i in chosen}
        total = sum(amount.values(), Decimal("0"))
        if total > run.budget:
            raise ValidationFailed(
                _("调整后的资助总额 %(t)s 元超过预算 %(b)s 元。") % {"t": f"{total:,.2f}", "b": f"{run.budget:,.2f}"},
                code="over_budget",
                details={"total": str(total), "budget": str(run.budget)},
            )
        for app_id in sorted(chosen):
            APPLICATION.run(
                "fund",
                actor=actor,
                obj_id=app_id,
                awarded_amount=amount[app_id],
                decision_note=reasons.get(app_id, note_text)[:1000],
            )
        for app_id in sorted(set(apps) - chosen):
            APPLICATION.run(
                "reject", actor=actor, obj_id=app_id, status_note=reasons.get(app_id) or note_text or _(REJECT_NOTE)
            )
        CALL.run("decide", actor=actor, obj_id=call.pk)
        run.confirmed = True
        summary = "；".join(
            [*(f"+{i}：{r}" for i, r in adds), *(f"−{i}：{r}" for i, r in removes), *([note_text] if note_text else [])]
        )
        run.confirm_note = summary[:1000]
        run.result = {
            **run.result,
            "confirmed": {
                "funded": sorted(chosen),
                "total_cost": str(total),
                "added": [{"application_id": i, "reason": r} for i, r in adds],
                "removed": [{"application_id": i, "reason": r} for i, r in removes],
                "note": note_text,
            },
        }
        run.save(update_fields=["confirmed", "confirm_note", "result"])
        audit_record(
            actor=actor,
            action="selection.confirmed",
            instance=run,
            changes={
                "funded": [None, len(chosen)],
                "rejected": [None, len(set(apps) - chosen)],
                "total_cost": [None, str(total)],
                "added": [None, [i for i, _r in adds]],
                "removed": [None, [i for i, _r in removes]],
            },
        )
        return run
