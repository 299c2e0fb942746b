"""What an application must satisfy to be submitted (the lifecycle's guard on `submit`), and
whether a call's scope covers it. Each refusal has its code:

    call_not_open            the call is not accepting applications now (status or window)
    out_of_scope             the applicant's province or the application's field is outside the call
    application_incomplete   what is missing or wrong, field by field (details); when only one thing
                             is wrong its own code: lead_required, budget_missing,
                             budget_mismatch, request_over_max, missing_form_fields,
                             indirect_cost_exceeds_cap, too_many_avoid_requests
"""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.errors import DomainError, ValidationFailed
from nesta.programmes.models import Application, Call, CallStatus
from nesta.programmes.rules.budget_table import budget_error, summarize
from nesta.programmes.rules.form_fields import missing_fields


def call_accepting(call: Call, now: datetime) -> bool:
    return call.status == CallStatus.OPEN and call.opens_at <= now <= call.closes_at


def scope_provinces(call: Call) -> set[str]:
    """The province codes the call accepts (empty: every province)."""
    codes = {r.code for r in call.provinces.all()}
    if not codes and call.owner_province is not None:
        codes = {call.owner_province.code}
    return codes


def field_in_scope(call: Call, field: Any) -> bool:
    """A field is in scope when the call names no field, or names it or one of its ancestors."""
    allowed = {n.pk for n in call.fields.all()}
    if not allowed:
        return True
    node, depth = field, 0
    while node is not None and depth < 10:
        if node.pk in allowed:
            return True
        node, depth = node.parent, depth + 1
    return False


def scope_error(call: Call, province_code: str, field: Any) -> ValidationFailed | None:
    provinces = scope_provinces(call)
    if provinces and province_code not in provinces:
        msg = _("申报单位所在省份不在该指南的申报范围内。")
        return ValidationFailed(msg, code="out_of_scope", details={"province": [msg]})
    if field is not None and not field_in_scope(call, field):
        msg = _("所属领域不在该指南支持的领域内。")
        return ValidationFailed(msg, code="out_of_scope", details={"field": [msg]})
    return None


def completeness_errors(app: Application) -> list[tuple[str, str, str]]:
    """[(code, field, message)] of everything that keeps the application from being complete."""
    call = app.call
    problems: list[tuple[str, str, str]] = []
    team = list(app.team.all())
    if not any(m.is_lead for m in team):
        problems.append(("lead_required", "team", _("请填写项目负责人。")))
    items = list(app.budget_items.all())
    if not items:
        problems.append(("budget_missing", "budget", _("请填写预算表。")))
    else:
        summary = summarize(items)
        error = budget_error(summary)
        if error is not None:
            problems.append((error.code, "budget", str(error.message)))
        if summary.grant_total != app.requested_amount:
            problems.append(
                (
                    "budget_mismatch",
                    "budget",
                    _("预算表专项资金合计 %(g)s 元与申请资助 %(r)s 元不一致。")
                    % {"g": f"{summary.grant_total:,.2f}", "r": f"{app.requested_amount:,.2f}"},
                )
            )
    if app.requested_amount > call.max_request:
        problems.append(("request_over_max", "requested_amount", _("申请资助超过指南规定的单项上限。")))
    for spec in missing_fields(call.form_fields or [], app.form_data or {}):
        problems.append(("missing_form_fields", f"form_data.{spec['name']}", _("请填写：%(l)s") % {"l": spec["label"]}))
    if app.avoid_requests.count() > call.max_avoid:
        problems.append(("too_many_avoid_requests", "avoid_requests", _("申请回避的专家超过指南允许的人数。")))
    if app.start_date and app.end_date and app.end_date <= app.start_date:
        problems.append(("invalid_dates", "end_date", _("计划结束应晚于计划开始。")))
    return problems


def submission_error(app: Application, now: datetime | None = None) -> DomainError | None:
    """The first reason `app` may not be submitted now, or None."""
    now = now or timezone.now()
    call = app.call
    if not call_accepting(call, now):
        return ValidationFailed(
            _("该指南当前不在受理期内。"), code="call_not_open", details={"call": [_("该指南当前不在受理期内。")]}
        )
    scope = scope_error(call, app.province.code, app.field)
    if scope is not None:
        return scope
    problems = completeness_errors(app)
    if not problems:
        return None
    details: dict[str, list[Any]] = {}
    for _code, field, message in problems:
        details.setdefault(field, []).append(message)
    codes = {p[0] for p in problems}
    code = problems[0][0] if len(codes) == 1 else "application_incomplete"
    return ValidationFailed(_("申请尚不完整，不能提交：%(m)s") % {"m": problems[0][2]}, code=code, details=details)
