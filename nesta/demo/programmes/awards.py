"""The demo's decisions and funded projects: the award list of a reviewed call computed and
confirmed by the platform's own selection (services.selection: the integer programme beside
rank-until-budget, then fund / reject through the lifecycle), re-dated to the day the office
decided; then per funded application its task contract (任务书), milestones, milestone reports
and the payments against its budget lines (bulk), as far as the calendar has come."""

import random
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from nesta.demo.programmes import texts as T
from nesta.demo.programmes.base import Context, at
from nesta.demo.timeline import stamps_as_given

PCT = (Decimal("0.4"), Decimal("0.3"), Decimal("0.3"))


def decide(ctx: Context, call: Any, *, decided: datetime) -> dict[str, int]:
    from nesta.programmes.models import Application, ApplicationStatus, Call, SelectionRun
    from nesta.programmes.services.selection import SelectionInput, selection_confirm, selection_run

    run = selection_run(actor=ctx.office, call_id=call.pk, data=SelectionInput(lottery=False))
    selection_confirm(actor=ctx.office, run_id=run.pk, note="经专家评审与办公室会议研究确定")
    SelectionRun.objects.filter(pk=run.pk).update(created_at=decided - timedelta(days=6))
    apps = Application.objects.filter(call=call)
    apps.filter(status__in=[ApplicationStatus.FUNDED, ApplicationStatus.NOT_FUNDED]).update(
        decided_at=decided, updated_at=decided
    )
    Call.objects.filter(pk=call.pk).update(decided_at=decided, updated_at=decided)
    return {
        "funded": apps.filter(status=ApplicationStatus.FUNDED).count(),
        "not_funded": apps.filter(status=ApplicationStatus.NOT_FUNDED).count(),
    }


def _split(amount: Decimal, lines: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """`amount` over the budget categories in proportion, the rest on the largest line (分 exact)."""
    total = sum(a for _c, a in lines) or Decimal(1)
    parts = [(c, (amount * a / total).quantize(Decimal("0.01"), rounding=ROUND_DOWN)) for c, a in lines]
    rest = amount - sum(p for _c, p in parts)
    biggest = max(range(len(parts)), key=lambda i: parts[i][1])
    parts[biggest] = (parts[biggest][0], parts[biggest][1] + rest)
    return [(c, p) for c, p in parts if p > 0]


def projects(
    ctx: Context,
    call: Any,
    rng: random.Random,
    *,
    signed_from: date,
    closed: bool = False,
) -> dict[str, int]:
    """Task contracts for the call's funded applications, with milestones, reports and payments."""
    from nesta.programmes.models import (
        Acceptance,
        Application,
        ApplicationStatus,
        BudgetItem,
        Milestone,
        MilestoneReport,
        Payment,
        Project,
    )

    S = ApplicationStatus
    apps = list(
        Application.objects.filter(call=call, status=S.FUNDED).select_related("province", "call").order_by("pk")
    )
    grant_lines: dict[int, list[tuple[str, Decimal]]] = {}
    for b in BudgetItem.objects.filter(application__in=apps, from_grant=True).order_by("pk"):
        grant_lines.setdefault(b.application_id, []).append((b.category, b.amount))
    abbr = {"210000": "LN", "220000": "JL", "230000": "HL"}
    made: list[Any] = []
    for i, app in enumerate(apps):
        signed = at(signed_from + timedelta(days=rng.randint(0, 25)), rng)
        if signed > ctx.now:
            continue
        start = signed.date().replace(day=1) + timedelta(days=31)
        start = start.replace(day=1)
        end = date(start.year + 2, start.month, 1) - timedelta(days=1)
        made.append(
            Project(
                application=app,
                contract_number=f"RW-{call.year}-{abbr.get(app.province.code, 'XX')}-{call.pk:03d}{i + 1:03d}",
                goals="完成关键技术攻关，形成样机或示范线，申请发明专利不少于3项，实现新增销售收入。",
                deliverables="技术报告、样机（示范线）、发明专利申请、第三方测试报告",
                grant_amount=app.awarded_amount,
                start_date=start,
                end_date=end,
                signed_at=signed,
                created_by=ctx.office,
            )
        )
    Project.objects.bulk_create(made)
    made = list(Project.objects.filter(application__call=call).select_related("application__province").order_by("pk"))
    milestones: list[Any] = []
    for p in made:
        span = (p.end_date - p.start_date).days
        for k, ((title, deliverables), pct) in enumerate(zip(T.MILESTONES, PCT, strict=True)):
            milestones.append(
                Milestone(
                    project=p,
                    title=title,
                    due_date=p.start_date + timedelta(days=span * (k + 1) // 3),
                    deliverables=deliverables,
                    payment_amount=(p.grant_amount * pct).quantize(Decimal("0.01")) if k < 2 else Decimal(0),
                    is_mid_term=k == 1,
                    sort_order=k,
                )
            )
    Milestone.objects.bulk_create(milestones)
    ms = list(Milestone.objects.filter(project__in=made).order_by("project_id", "sort_order"))
    by_project: dict[int, list[Any]] = {}
    for m in ms:
        by_project.setdefault(m.project_id, []).append(m)
    # the last tranche is what the first two leave
    for p in made:
        last = by_project[p.pk][-1]
        last.payment_amount = p.grant_amount - sum(m.payment_amount for m in by_project[p.pk][:-1])
    Milestone.objects.bulk_update([by_project[p.pk][-1] for p in made], ["payment_amount"])

    reports, payments, accepted_all = [], [], []
    mid_term: list[Any] = []
    for p in made:
        app = p.application
        lines = grant_lines.get(app.pk) or [("business", p.grant_amount)]
        # the first tranche at signing
        tranche_days = [(None, p.signed_at.date() + timedelta(days=rng.randint(7, 20)))]
        all_accepted = True
        for m in by_project[p.pk]:
            submitted = at(m.due_date - timedelta(days=rng.randint(0, 10)), rng)
            if submitted > ctx.now:
                all_accepted = False
                continue
            reviewed = submitted + timedelta(days=rng.randint(5, 20), hours=rng.randint(0, 5))
            done = reviewed <= ctx.now
            reports.append(
                MilestoneReport(
                    milestone=m,
                    text=T.REPORT_TEXT.format(m=m.title),
                    attachment_name=f"{m.title}-进展报告.pdf",
                    attachment_type="application/pdf",
                    status="accepted" if done else "submitted",
                    review_note="报告内容完整，同意通过。" if done else "",
                    submitted_by=ctx.users_by_org.get(app.organization_id),
                    reviewed_by=ctx.provinces.get(app.province.code) if done else None,
                    submitted_at=submitted,
                    reviewed_at=reviewed if done else None,
                )
            )
            all_accepted = all_accepted and done
            if done and m.sort_order == 0:
                tranche_days.append((m, reviewed.date() + timedelta(days=rng.randint(5, 15))))
            if done and m.is_mid_term:
                mid_term.append((p, reviewed))
        accepted = None
        if closed and all_accepted:
            moment = at(p.end_date + timedelta(days=rng.randint(20, 60)), rng)
            if moment <= ctx.now:
                accepted = moment
                tranche_days.append((by_project[p.pk][-1], moment.date() + timedelta(days=rng.randint(5, 15))))
        accepted_all.append((p, accepted))
        first = by_project[p.pk]
        for n, (after, day) in enumerate(tranche_days):
            if day > ctx.today:
                continue
            amount = first[n].payment_amount if n < len(first) else Decimal(0)
            if amount <= 0:
                continue
            for category, part in _split(amount, lines):
                payments.append(
                    Payment(
                        project=p,
                        milestone=first[n],
                        category=category,
                        amount=part,
                        paid_on=day,
                        reference=f"ZF{day:%Y%m%d}{p.pk:04d}{n}",
                        note="按任务书拨付" if after is None else f"{after.title}后拨付",
                        programme_id=call.programme_id,
                        province_id=app.province_id,
                        year=call.year,
                        recorded_by=ctx.finance,
                    )
                )
    MilestoneReport.objects.bulk_create(reports, batch_size=1000)
    Payment.objects.bulk_create(payments, batch_size=2000)
    for p, moment in mid_term:
        Project.objects.filter(pk=p.pk).update(
            mid_term_note="中期检查：进展符合任务书要求，同意继续执行。", mid_term_at=moment
        )
    # application states: signed → in progress; the old call's projects accepted and closed
    acceptances, closed_ids, running_ids = [], [], []
    for p, accepted in accepted_all:
        if accepted is not None:
            acceptances.append(
                Acceptance(
                    project=p,
                    result="passed",
                    note="完成任务书规定的各项考核指标，经费使用规范，同意通过验收。",
                    panel_score=Decimal(rng.randint(80, 94)),
                    decided_by=ctx.office,
                    decided_at=accepted,
                )
            )
            closed_ids.append((p.application_id, accepted))
        else:
            running_ids.append(p.application_id)
    Acceptance.objects.bulk_create(acceptances)
    signed_at = {p.application_id: p.signed_at for p in made}
    with stamps_as_given(Application):
        rows = list(Application.objects.filter(pk__in=[a for a, _d in closed_ids] + running_ids))
        closing = dict(closed_ids)
        for app in rows:
            app.started_at = signed_at[app.pk]
            if app.pk in closing:
                app.status = S.CLOSED
                app.acceptance_at = closing[app.pk] - timedelta(days=15)
                app.closed_at = closing[app.pk]
                app.updated_at = closing[app.pk]
            else:
                app.status = S.IN_PROGRESS
                app.updated_at = signed_at[app.pk]
        Application.objects.bulk_update(rows, ["status", "started_at", "acceptance_at", "closed_at", "updated_at"])
    return {
        "projects": len(made),
        "milestone_reports": len(reports),
        "payments": len(payments),
        "closed": len(closed_ids),
    }
