"""Task contract, milestone reports, mid-term check and acceptance: permissions per role, the
schedule cap, states, audit rows."""

from decimal import Decimal

import pytest

from nesta.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.programmes.models import Acceptance, Application, ApplicationStatus, Milestone, Project, ReportStatus
from nesta.programmes.services import projects as services
from tests.programmes.projects.conftest import PDF, contract_data, funded

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def test_office_signs_the_contract_and_the_application_runs(people, application):
    p = services.project_create(actor=people["office"], application_id=application.pk, data=contract_data())
    application.refresh_from_db()
    assert application.status == S.IN_PROGRESS and application.started_at is not None
    assert p.grant_amount == Decimal("1000000.00") and p.signed_at is not None
    assert [m.title for m in p.milestones.order_by("sort_order")] == ["工艺仿真平台", "中期检查", "中试验证"]
    assert AuditLog.objects.filter(action="project.contract_signed", object_id=str(p.pk)).exists()
    assert AuditLog.objects.filter(action="application.contract_signed", object_id=str(application.pk)).exists()


def test_the_province_signs_for_its_own_province_only(people, application):
    with pytest.raises(PermissionDenied):
        services.project_create(actor=people["other_province"], application_id=application.pk, data=contract_data())
    p = services.project_create(actor=people["province"], application_id=application.pk, data=contract_data())
    assert p.pk


@pytest.mark.parametrize("who", ["finance", "applicant", "stranger", "expert"])
def test_others_cannot_sign(people, application, who):
    with pytest.raises(PermissionDenied):
        services.project_create(actor=people[who], application_id=application.pk, data=contract_data())
    assert not Project.objects.exists()


def test_schedule_over_the_grant_is_a_coded_422_and_leaves_nothing(people, application):
    data = contract_data()
    data["milestones"][2]["payment_amount"] = "300000.01"
    with pytest.raises(ValidationFailed) as exc:
        services.project_create(actor=people["office"], application_id=application.pk, data=data)
    assert exc.value.code == "schedule_over_grant"
    application.refresh_from_db()
    assert application.status == S.FUNDED and not Project.objects.exists() and not Milestone.objects.exists()


def test_contract_needs_a_funded_application_and_a_unique_number(people, application):
    services.project_create(actor=people["office"], application_id=application.pk, data=contract_data())
    with pytest.raises(Conflict) as exc:
        services.project_create(actor=people["office"], application_id=application.pk, data=contract_data())
    assert exc.value.code == "invalid_state"
    other = funded(people["org"])
    with pytest.raises(Conflict) as exc:
        services.project_create(actor=people["office"], application_id=other.pk, data=contract_data())
    assert exc.value.code == "duplicate_contract_number"
    other.refresh_from_db()
    assert other.status == S.FUNDED
    in_review = funded(people["org"], status=S.IN_REVIEW, awarded_amount=None)
    with pytest.raises(Conflict):
        services.project_create(
            actor=people["office"], application_id=in_review.pk, data=contract_data(contract_number="X-2")
        )


@pytest.mark.parametrize(
    "change, field",
    [
        ({"contract_number": "bad\x00no"}, "contract_number"),
        ({"contract_number": "有 空格"}, "contract_number"),
        ({"end_date": "2025-01-01"}, "end_date"),
        ({"start_date": "1899-01-01"}, "start_date"),
        ({"milestones": [{"title": "x", "due_date": "2030-01-01"}]}, "milestones.0.due_date"),
        ({"milestones": [{"title": "", "due_date": "2026-05-01"}]}, "milestones.0.title"),
        (
            {"milestones": [{"title": "x", "due_date": "2026-05-01", "payment_amount": "-1"}]},
            "milestones.0.payment_amount",
        ),
        ({"milestones": "nope"}, "milestones"),
    ],
)
def test_contract_input_is_checked(people, application, change, field):
    with pytest.raises(ValidationFailed) as exc:
        services.project_create(actor=people["office"], application_id=application.pk, data=contract_data(**change))
    assert field in exc.value.details


def test_applicant_reports_and_office_reviews(people, project):
    m = project.milestones.order_by("sort_order").first()
    att = services.attachment_check("进展报告.pdf", PDF)
    r = services.milestone_report_submit(
        actor=people["applicant"], project_id=project.pk, milestone_id=m.pk, text="完成仿真平台搭建。", attachment=att
    )
    assert r.status == ReportStatus.SUBMITTED and r.attachment_name == "进展报告.pdf"
    # a second report while one waits is refused
    with pytest.raises(Conflict):
        services.milestone_report_submit(
            actor=people["applicant"], project_id=project.pk, milestone_id=m.pk, text="再报"
        )
    for who in ("stranger", "finance", "other_province"):
        with pytest.raises(PermissionDenied):
            services.milestone_report_submit(actor=people[who], project_id=project.pk, milestone_id=m.pk, text="x")
    for who in ("applicant", "finance", "other_province"):
        with pytest.raises(PermissionDenied):
            services.milestone_report_review(actor=people[who], report_id=r.pk, accept=True)
    with pytest.raises(ValidationFailed):
        services.milestone_report_review(actor=people["province"], report_id=r.pk, accept=False, note="")
    r = services.milestone_report_review(actor=people["province"], report_id=r.pk, accept=False, note="缺少测试数据")
    assert r.status == ReportStatus.RETURNED and r.review_note == "缺少测试数据"
    r2 = services.milestone_report_submit(
        actor=people["applicant"], project_id=project.pk, milestone_id=m.pk, text="补充数据"
    )
    r2 = services.milestone_report_review(actor=people["office"], report_id=r2.pk, accept=True)
    assert r2.status == ReportStatus.ACCEPTED
    with pytest.raises(Conflict):
        services.milestone_report_review(actor=people["office"], report_id=r2.pk, accept=True)
    events = list(AuditLog.objects.filter(action__startswith="milestone.").values_list("action", flat=True))
    assert events.count("milestone.reported") == 2 and events.count("milestone.report_reviewed") == 2


def test_report_on_another_projects_milestone_is_404(people, project):
    other_app = funded(people["org"])
    other = services.project_create(
        actor=people["office"], application_id=other_app.pk, data=contract_data(contract_number="ZX2026-002")
    )
    m = other.milestones.first()
    with pytest.raises(NotFound):
        services.milestone_report_submit(actor=people["applicant"], project_id=project.pk, milestone_id=m.pk, text="x")


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("report.pdf", b"MZ\x90\x00 not a pdf", "invalid_attachment"),
        ("report.exe", b"MZ\x90\x00", "invalid_attachment"),
        ("report.pdf", b"", "invalid_attachment"),
        ("report.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "file_too_large"),
        ("../../etc/pa<ss>.pdf", PDF, "invalid_attachment"),
        ("a\x00.pdf", PDF, "validation_error"),
    ],
)
def test_attachments_are_checked_by_their_bytes(name, content, code):
    with pytest.raises(ValidationFailed) as exc:
        services.attachment_check(name, content)
    assert exc.value.code == code


def test_mid_term_note_by_office_or_province(people, project):
    with pytest.raises(PermissionDenied):
        services.project_mid_term(actor=people["finance"], project_id=project.pk, note="x")
    p = services.project_mid_term(actor=people["province"], project_id=project.pk, note="进度符合任务书要求。")
    assert p.mid_term_note == "进度符合任务书要求。" and p.mid_term_at is not None
    assert AuditLog.objects.filter(action="project.mid_term", object_id=str(project.pk)).exists()


def test_acceptance_request_and_decisions(people, project):
    with pytest.raises(PermissionDenied):
        services.acceptance_request(actor=people["stranger"], project_id=project.pk)
    services.acceptance_request(actor=people["applicant"], project_id=project.pk)
    app = Application.objects.get(pk=project.application_id)
    assert app.status == S.ACCEPTANCE
    # finance records payments but never decides acceptance
    with pytest.raises(PermissionDenied):
        services.acceptance_decide(actor=people["finance"], project_id=project.pk, result="passed", note="好")
    with pytest.raises(ValidationFailed) as exc:
        services.acceptance_decide(actor=people["office"], project_id=project.pk, result="extended", note="延期")
    assert "extended_until" in exc.value.details
    with pytest.raises(ValidationFailed):
        services.acceptance_decide(
            actor=people["office"], project_id=project.pk, result="extended", note="延期", extended_until="2027-01-01"
        )
    with pytest.raises(ValidationFailed):
        services.acceptance_decide(actor=people["office"], project_id=project.pk, result="maybe", note="x")
    a = services.acceptance_decide(
        actor=people["office"], project_id=project.pk, result="extended", note="中试未完成", extended_until="2028-06-30"
    )
    project.refresh_from_db()
    app.refresh_from_db()
    assert a.result == "extended" and str(project.end_date) == "2028-06-30" and app.status == S.IN_PROGRESS
    services.acceptance_request(actor=people["applicant"], project_id=project.pk)
    a = services.acceptance_decide(
        actor=people["province"], project_id=project.pk, result="passed", note="通过验收", panel_score="88.5"
    )
    app.refresh_from_db()
    assert app.status == S.CLOSED and app.closed_at is not None and a.panel_score == Decimal("88.50")
    assert Acceptance.objects.filter(project=project).count() == 2
    assert AuditLog.objects.filter(action="acceptance.decided").count() == 2
    with pytest.raises(Conflict):
        services.acceptance_decide(actor=people["office"], project_id=project.pk, result="failed", note="x")


def test_failed_acceptance(people, project):
    services.acceptance_request(actor=people["applicant"], project_id=project.pk)
    services.acceptance_decide(actor=people["office"], project_id=project.pk, result="failed", note="未达到考核指标")
    app = Application.objects.get(pk=project.application_id)
    assert app.status == S.FAILED and app.status_note == "未达到考核指标"
