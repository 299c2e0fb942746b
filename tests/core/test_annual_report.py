"""The annual-report machinery (core.annual_report): one workflow table for a permission prefix,
the columns every report shares, the writes skeleton (typed figures checked one by one, edits only
while a draft or returned, submit runs the app's checks and freezes the app's derived figures, a
return needs a reason and tells the creator) and the page's head include. The bases and the
incubators are its two users: their tables differ only in the prefix."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from nesta.bases.lifecycles import REPORT
from nesta.bases.models import Base, BaseReport
from nesta.core.annual_report.lifecycle import annual_report_lifecycle
from nesta.core.annual_report.models import EDITABLE, AnnualReport, AnnualReportStatus
from nesta.core.annual_report.services import AnnualReportWrites, report_error
from nesta.core.errors import Conflict, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.zones.lifecycles import INCUBATOR_REPORT
from nesta.zones.models import IncubatorReport
from tests.bases.conftest import people  # noqa: F401 — the fixture
from tests.bases.factories import BaseReportFactory

S = AnnualReportStatus
STEPS = {  # name: (sources, target, stamp, permission's action)
    "submit": ({S.DRAFT, S.RETURNED}, S.SUBMITTED, "submitted_at", "fill"),
    "check": ({S.SUBMITTED}, S.CHECKED, "checked_at", "check"),
    "return": ({S.SUBMITTED}, S.RETURNED, "returned_at", "check"),
    "accept": ({S.CHECKED}, S.ACCEPTED, "accepted_at", "accept"),
    "send_back": ({S.CHECKED}, S.RETURNED, "returned_at", "accept"),
}
EVENTS = {
    "submit": "submitted",
    "check": "checked",
    "return": "returned",
    "accept": "accepted",
    "send_back": "sent_back",
}


def _scratch(prefix: str = "demo_report", **kwargs):
    return annual_report_lifecycle(
        BaseReport, prefix=prefix, subject=lambda r: "某基地", related=(), events={}, register=False, **kwargs
    )


def test_the_table_speaks_of_its_prefix():
    table = _scratch("pilot_report")
    assert {t.name: (set(t.sources), t.target, t.timestamp, t.permission) for t in table.transitions} == {
        name: (sources, target, stamp, f"pilot_report.{action}")
        for name, (sources, target, stamp, action) in STEPS.items()
    }
    assert {t.name: t.event for t in table.transitions} == {n: f"pilot_report.{e}" for n, e in EVENTS.items()}
    # returns need a reason; only returns and acceptance tell anyone
    assert {t.name for t in table.transitions if t.needs_input} == {"return", "send_back"}
    assert {t.name for t in table.transitions if t.notify} == {"return", "send_back", "accept"}


def _shape(table, prefix):
    return [
        (t.name, t.sources, t.target, t.timestamp, t.permission.replace(prefix, "P"), t.event.replace(prefix, "P"),
         str(t.label), str(t.verb), str(t.confirm or ""), str(t.done or ""), t.style, t.needs_input, bool(t.notify))
        for t in table.transitions
    ]  # fmt: skip


def test_the_bases_and_the_incubators_run_the_same_workflow():
    assert _shape(REPORT, "base_report") == _shape(INCUBATOR_REPORT, "incubator_report")
    assert REPORT.transition("submit").permission == "base_report.fill"
    assert INCUBATOR_REPORT.transition("accept").event == "incubator_report.accepted"


def test_the_shared_columns_are_the_same_on_both_reports():
    shared = [f.name for f in AnnualReport._meta.get_fields()]
    assert {"year", "status", "status_note", "summary", "derived_at", "submitted_at", "created_by"} <= set(shared)
    for name in shared:
        base, incubator = BaseReport._meta.get_field(name), IncubatorReport._meta.get_field(name)
        assert base.deconstruct()[1:] == incubator.deconstruct()[1:], name
    assert BaseReport._meta.get_field("status").choices == list(S.choices)
    assert set(EDITABLE) == {"draft", "returned"}


def _writes(**kwargs):
    spec = {
        "lifecycle": REPORT,
        "prefix": "base_report",
        "owner_model": Base,
        "owner_field": "base",
        "owner_related": ("host__province", "organization"),
        "typed": [SimpleNamespace(key="papers", money=False), SimpleNamespace(key="rd_spend", money=True)],
        "derive": lambda report: {},
        "owner_not_found": "无",
        "exists": "已有 %(y)d",
    }
    return AnnualReportWrites(**(spec | kwargs))


def test_the_writes_refuse_a_table_of_another_prefix():
    with pytest.raises(ValueError):
        _writes(prefix="incubator_report")


def test_each_given_figure_is_checked_and_the_absent_ones_are_left():
    writes = _writes(count_max=1000)
    assert writes.clean({"papers": "12", "rd_spend": "1.50", "summary": "  总结 "}) == {
        "papers": 12,
        "rd_spend": Decimal("1.50"),
        "summary": "总结",
    }
    assert writes.clean({"papers": None}) == {}
    for bad in ({"papers": 1001}, {"papers": -1}, {"papers": 1.5}, {"rd_spend": "-1"}, {"rd_spend": "0.001"}):
        with pytest.raises(ValidationFailed) as exc:
            writes.clean(bad)
        assert set(exc.value.details) == set(bad)


@pytest.mark.django_db
def test_the_skeleton_runs_the_apps_hooks(people):  # noqa: F811
    checks = []
    writes = _writes(
        derive=lambda report: {"contracts": 7, "funding_awarded": 1234}, consistent=lambda report: checks.append(1)
    )
    report = writes.create(actor=people["member"], owner_id=people["base"].pk, year=2024, data={"papers": 5})
    assert report.status == S.DRAFT and report.created_by == people["member"] and report.contracts is None
    assert AuditLog.objects.filter(action="base_report.created", object_id=str(report.pk)).exists()
    with pytest.raises(Conflict) as exc:
        writes.create(actor=people["member"], owner_id=people["base"].pk, year=2024, data={})
    assert exc.value.code == "report_exists" and exc.value.message == "已有 2024"

    done = writes.run("submit", actor=people["member"], report_id=report.pk)
    assert (done.status, done.contracts, done.funding_awarded) == (S.SUBMITTED, 7, 1234)
    assert done.derived_at is not None and len(checks) == 3  # on each create, and on submit
    with pytest.raises(Conflict) as exc:
        writes.update(actor=people["member"], report_id=report.pk, data={"papers": 6})
    assert exc.value.code == "invalid_state" and exc.value.details["allowed"] == list(EDITABLE)

    with pytest.raises(ValidationFailed):
        writes.run("return", actor=people["province"], report_id=report.pk, reason="  ")
    writes.run("return", actor=people["province"], report_id=report.pk, reason="论文数与附件不符")
    note = Notification.objects.get(user=people["member"])
    assert note.kind == "base_report_returned" and note.body == "论文数与附件不符"
    assert people["base"].organization.name[:60] in note.title

    edited = writes.update(actor=people["member"], report_id=report.pk, data={"papers": 6})
    assert edited.papers == 6 and edited.status == S.RETURNED
    again = writes.run("submit", actor=people["member"], report_id=report.pk)
    assert again.status == S.SUBMITTED and again.status_note == ""


@pytest.mark.django_db
def test_the_apps_check_refuses_before_anything_is_written(people):  # noqa: F811
    def consistent(report):
        if report.papers > 100:
            raise report_error("papers", "太多", "too_many")

    writes = _writes(consistent=consistent)
    with pytest.raises(ValidationFailed) as exc:
        writes.create(actor=people["member"], owner_id=people["base"].pk, year=2024, data={"papers": 101})
    assert exc.value.code == "too_many" and exc.value.details == {"papers": ["太多"]}
    assert not BaseReport.objects.exists()
    report = BaseReportFactory(base=people["base"], papers=101, created_by=people["member"])
    with pytest.raises(ValidationFailed):
        writes.run("submit", actor=people["member"], report_id=report.pk)
    report.refresh_from_db()
    assert report.status == S.DRAFT and report.derived_at is None


def _head(editable, buttons):
    owner = SimpleNamespace(organization=SimpleNamespace(name="沈阳材料实验室"), get_absolute_url="/bases/1/")
    report = SimpleNamespace(year=2024, status_note="请补充附件")
    return render_to_string(
        "core/_annual_report_head.html",
        {"owner": owner, "report": report, "back": "返回基地", "editable": editable, "edit_url": "/r/1/edit/",
         "buttons": buttons},
    )  # fmt: skip


def test_the_head_shows_the_note_the_edit_link_and_the_steps():
    button = SimpleNamespace(name="return", url="/r/1/return/", text="省级退回修改", style="danger", confirm="",
                             needs_input=True)  # fmt: skip
    html = _head(True, [button])
    assert "沈阳材料实验室 2024 年度报告" in html and 'href="/bases/1/">返回基地</a>' in html
    assert 'href="/r/1/edit/" data-testid="edit-report"' in html and "请补充附件" in html
    assert 'data-testid="report-return"' in html and 'name="reason"' in html
    html = _head(False, [])
    assert "edit-report" not in html and "report-actions" not in html
