"""The incubators' annual reports: derived figures equal to the tenant records (present on 31
December, entries and graduations in the year), frozen on submission; the workflow from each
state (allowed, else 409); who may fill, check, accept, read."""

import datetime as dt
from decimal import Decimal

import pytest

from nesta.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.zones.models import IncubatorReport, ReportStatus
from nesta.zones.selectors import incubators as reads
from nesta.zones.services import incubator_reports as services
from nesta.zones.services.incubators import tenant_update
from tests.zones import test_incubator_support as support
from tests.zones.test_incubator_support import IncubatorReportFactory, TenantFactory

pytestmark = pytest.mark.django_db
world = support.world
D = dt.date


@pytest.fixture
def tenants(world):
    """Incubator A's tenants around 2024 (each line says whether it counts for 2024)."""
    a = world["a"]
    rows = [
        # present on 2024-12-31, entered earlier, private
        dict(entered_on=D(2022, 5, 1), employees=12, revenue=1_000_000, is_private_tech=True),
        # present, entered in 2024 (new), not private
        dict(entered_on=D(2024, 3, 1), employees=8, revenue=500_000),
        # entered on 31 December 2024: present and new
        dict(entered_on=D(2024, 12, 31), employees=3, revenue=0, is_private_tech=True),
        # graduated in 2024: a graduate, not present
        dict(entered_on=D(2021, 1, 1), graduated_on=D(2024, 6, 30), employees=50, revenue=9_000_000),
        # graduated on 1 January 2025: still present on 2024-12-31
        dict(
            entered_on=D(2021, 1, 1), graduated_on=D(2025, 1, 1), employees=20, revenue=2_000_000, is_private_tech=True
        ),  # fmt: skip
        # left in 2024: neither present nor a graduate
        dict(entered_on=D(2023, 1, 1), left_on=D(2024, 8, 1), employees=5, revenue=100_000),
        # entered in 2025: not yet
        dict(entered_on=D(2025, 2, 1), founded_on=D(2024, 1, 1), employees=7, revenue=70_000),
    ]
    out = [TenantFactory(incubator=a, **r) for r in rows]
    TenantFactory(incubator=world["b"], entered_on=D(2024, 1, 1))  # another incubator's
    return out


def test_derived_figures_equal_the_tenant_records(world, tenants, django_assert_num_queries):
    with django_assert_num_queries(1):
        f = reads.tenant_figures(incubator_id=world["a"].pk, year=2024)
    assert (f.tenants, f.new_tenants, f.graduates, f.private_tenants) == (4, 2, 1, 3)
    assert f.tenant_employees == 12 + 8 + 3 + 20
    assert f.tenant_revenue == Decimal("3500000.00")
    # the records behind them, by hand from the same rows
    listed = reads.year_tenants(incubator_id=world["a"].pk, year=2024)
    assert {t.pk for t in listed["present"]} == {tenants[i].pk for i in (0, 1, 2, 4)}
    assert {t.pk for t in listed["entered"]} == {tenants[1].pk, tenants[2].pk}
    assert [t.pk for t in listed["graduated"]] == [tenants[3].pk]
    assert reads.tenant_figures(incubator_id=world["a"].pk, year=2019).tenants == 0


def test_flows_per_year(world, tenants):
    flows = {f.year: f for f in reads.tenant_flows(incubator_id=world["a"].pk)}
    assert min(flows) == 2021 and max(flows) == 2025
    assert (flows[2024].entered, flows[2024].graduated, flows[2024].left) == (2, 1, 1)
    assert (flows[2025].entered, flows[2025].graduated) == (1, 1)
    assert flows[2022].entered == 1 and flows[2022].graduated == 0


def _create(actor, incubator, year=2024, **data):
    data = {"space_occupied_m2": 6000, "staff": 12, "mentors": 8, "investment_raised": "20000000", **data}
    return services.report_create(actor=actor, incubator_id=incubator.pk, year=year, data=data)


def test_the_incubators_people_fill_their_own_report(world):
    for who in ("province", "office", "b_admin", "committee", "outsider"):
        with pytest.raises(PermissionDenied):
            _create(world[who], world["a"])
    report = _create(world["member"], world["a"])
    assert report.status == ReportStatus.DRAFT and report.tenants is None
    assert AuditLog.objects.get(action="incubator_report.created").changes["mentors"] == [None, 8]
    with pytest.raises(Conflict) as exc:
        _create(world["admin"], world["a"])
    assert exc.value.code == "report_exists"
    with pytest.raises(ValidationFailed) as exc:
        _create(world["admin"], world["a"], year=2025, space_occupied_m2=10_001)  # more than the 10,000 m²
    assert exc.value.code == "space_inconsistent"
    with pytest.raises(ValidationFailed) as exc:
        _create(world["admin"], world["a"], year=2999)
    assert "year" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        _create(world["admin"], world["a"], year=2023, income="-5")
    assert "income" in exc.value.details
    assert IncubatorReport.objects.count() == 1


def test_submit_freezes_the_tenant_figures(world, tenants):
    report = _create(world["admin"], world["a"])
    live = reads.report_derived(report)
    assert live["tenants"] == 4 and report.tenants is None
    services.report_run("submit", actor=world["admin"], report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.tenants, report.new_tenants, report.graduates) == ("submitted", 4, 2, 1)
    assert report.tenant_revenue == Decimal("3500000.00") and report.derived_at is not None
    # a later correction of a tenant does not move a submitted report's figures
    tenant_update(actor=world["admin"], tenant_id=tenants[0].pk, data={"graduated_on": "2024-11-30"})
    assert reads.report_derived(IncubatorReport.objects.get(pk=report.pk))["tenants"] == 4
    assert reads.tenant_figures(incubator_id=world["a"].pk, year=2024).tenants == 3


STATES = ("draft", "submitted", "checked", "accepted", "returned")
ALLOWED = {
    "submit": ({"draft", "returned"}, "admin", "submitted"),
    "check": ({"submitted"}, "province", "checked"),
    "return": ({"submitted"}, "province", "returned"),
    "accept": ({"checked"}, "office", "accepted"),
    "send_back": ({"checked"}, "office", "returned"),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", list(ALLOWED))
def test_each_transition_from_each_state(world, name, state):
    sources, who, target = ALLOWED[name]
    report = IncubatorReportFactory(incubator=world["a"], status=state, created_by=world["admin"])
    reason = "入孵企业名单与营业收入不一致" if name in ("return", "send_back") else ""
    if state in sources:
        services.report_run(name, actor=world[who], report_id=report.pk, reason=reason)
        report.refresh_from_db()
        assert report.status == target
        event = {"send_back": "sent_back", "return": "returned", "check": "checked"}.get(name, f"{name}ted")
        event = {"submit": "submitted", "accept": "accepted"}.get(name, event)
        assert AuditLog.objects.filter(action=f"incubator_report.{event}", object_id=str(report.pk)).exists()
    else:
        with pytest.raises(Conflict) as exc:
            services.report_run(name, actor=world[who], report_id=report.pk, reason=reason)
        assert exc.value.code == "invalid_state" and exc.value.details["status"] == state


@pytest.mark.parametrize(
    "name,state,refused",
    [
        ("submit", "draft", ("province", "office", "b_admin", "jilin")),
        ("check", "submitted", ("admin", "member", "jilin", "b_admin")),
        ("return", "submitted", ("admin", "jilin")),
        ("accept", "checked", ("province", "admin", "jilin")),
        ("send_back", "checked", ("province", "admin")),
    ],
)
def test_who_may_take_each_step(world, name, state, refused):
    report = IncubatorReportFactory(incubator=world["a"], status=state)
    for who in refused:
        with pytest.raises(PermissionDenied):
            services.report_run(name, actor=world[who], report_id=report.pk, reason="原因")


def test_a_return_needs_a_reason_and_tells_the_filler(world):
    from nesta.core.models import Notification

    report = IncubatorReportFactory(incubator=world["a"], status="submitted", created_by=world["admin"])
    with pytest.raises(ValidationFailed):
        services.report_run("return", actor=world["province"], report_id=report.pk, reason="  ")
    services.report_run("return", actor=world["province"], report_id=report.pk, reason="场地面积有误")
    report.refresh_from_db()
    assert (report.status, report.status_note) == ("returned", "场地面积有误")
    assert Notification.objects.filter(user=world["admin"], kind="incubator_report_returned").exists()
    services.report_update(actor=world["admin"], report_id=report.pk, data={"space_occupied_m2": 5000})
    services.report_run("submit", actor=world["admin"], report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.status_note, report.space_occupied_m2) == ("submitted", "", 5000)


def test_a_submitted_report_cannot_be_edited(world):
    report = IncubatorReportFactory(incubator=world["a"], status="submitted")
    with pytest.raises(Conflict):
        services.report_update(actor=world["admin"], report_id=report.pk, data={"staff": 3})
    with pytest.raises(NotFound):
        services.report_run("teleport", actor=world["admin"], report_id=report.pk)


def test_who_reads_reports(world):
    a_report = IncubatorReportFactory(incubator=world["a"])
    b_report = IncubatorReportFactory(incubator=world["b"])
    visible = {who: set(reads.reports_visible(world[who]).values_list("pk", flat=True)) for who in world if
               who not in ("a", "b")}  # fmt: skip
    assert visible["admin"] == visible["member"] == visible["province"] == {a_report.pk}
    assert visible["b_admin"] == visible["jilin"] == {b_report.pk}
    assert visible["office"] == {a_report.pk, b_report.pk}
    assert visible["outsider"] == visible["committee"] == set()
    assert reads.incubator_reports(viewer=world["outsider"], incubator=world["a"]) == []
