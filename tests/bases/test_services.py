"""The bases' services: who may register and change a base, what the register refuses, the status
history, the report's figures and the derived figures frozen on submission."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nesta.bases.models import Base, BaseReport, BaseStatus, ReportStatus
from nesta.bases.services import bases as base_services
from nesta.bases.services import reports as report_services
from nesta.core.errors import Conflict, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.instruments.models import UsageSession
from tests.bases.factories import BaseReportFactory
from tests.factories import InstrumentFactory, OrganizationFactory
from tests.market.factories import RegistrationPointFactory
from tests.market.statistics.helpers import registered_contract
from tests.programmes.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
LOCAL = dt.timezone(dt.timedelta(hours=8))


def _data(**over):
    lab = OrganizationFactory(kind="engineering_center", name="国家轧制技术及连轧自动化工程研究中心")
    host = OrganizationFactory(kind="university", name="东北大学")
    data = {
        "organization": lab.pk,
        "host": host.pk,
        "base_type": "engineering_center",
        "level": "national",
        "field": "machinery",
        "established_on": "2003-09-01",
    }
    data.update(over)
    return data


# --- the register --------------------------------------------------------------------------


def test_the_office_registers_a_base_with_its_first_history_row_and_audit(people):
    base = base_services.base_create(actor=people["office"], data=_data())
    assert base.status == BaseStatus.BUILDING
    (row,) = base.status_changes.all()
    assert (row.from_status, row.to_status, row.changed_on) == ("", "building", dt.date(2003, 9, 1))
    audit = AuditLog.objects.get(action="base.created", object_id=str(base.pk))
    assert audit.changes["level"] == [None, "national"]


def test_a_province_registers_only_for_hosts_in_its_province(people):
    assert base_services.base_create(actor=people["province"], data=_data()).pk
    jilin_host = OrganizationFactory(kind="university", province_code="220000", city_code="220100")
    with pytest.raises(PermissionDenied):
        base_services.base_create(actor=people["province"], data=_data(host=jilin_host.pk))
    with pytest.raises(PermissionDenied):
        base_services.base_create(actor=people["member"], data=_data())


@pytest.mark.parametrize(
    "over,field,code",
    [
        ({"base_type": "key_laboratory"}, "organization", "organization_kind_mismatch"),
        ({"field": "no-such-area"}, "field", "unknown_field"),
        ({"organization": 2_000_000_000}, "organization", "unknown_organization"),
        ({"level": "city"}, "level", "invalid_base"),
        ({"established_on": "1949-12-31"}, "established_on", "validation_error"),
        ({"established_on": "2999-01-01"}, "established_on", "validation_error"),
    ],
)
def test_the_register_refuses_what_cannot_be_a_base(people, over, field, code):
    with pytest.raises(ValidationFailed) as exc:
        base_services.base_create(actor=people["office"], data=_data(**over))
    assert field in exc.value.details and exc.value.code == code
    assert not Base.objects.filter(organization__name="国家轧制技术及连轧自动化工程研究中心").exists()


def test_a_host_must_be_a_university_institute_or_enterprise_and_not_the_base(people):
    data = _data()
    with pytest.raises(ValidationFailed) as exc:
        base_services.base_create(actor=people["office"], data={**data, "host": data["organization"]})
    assert exc.value.code == "invalid_host"


def test_an_organisation_is_registered_once(people):
    data = _data()
    base_services.base_create(actor=people["office"], data=data)
    with pytest.raises(Conflict) as exc:
        base_services.base_create(actor=people["office"], data=data)
    assert exc.value.code == "base_exists"


def test_moving_a_base_to_another_province_needs_the_permission_there(people):
    base = people["base"]
    jilin_host = OrganizationFactory(kind="university", province_code="220000", city_code="220100")
    with pytest.raises(PermissionDenied):
        base_services.base_update(actor=people["province"], base_id=base.pk, data={"host": jilin_host.pk})
    base.refresh_from_db()
    assert base.host.province.code == "210000"
    base_services.base_update(
        actor=people["office"], base_id=base.pk, data={"host": jilin_host.pk, "level": "provincial"}
    )
    assert AuditLog.objects.get(action="base.updated").changes["level"] == ["national", "provincial"]


def test_status_steps_write_the_history_and_need_reasons_where_they_matter(people):
    base = people["base"]  # operating
    with pytest.raises(ValidationFailed):
        base_services.base_run("rectify", actor=people["province"], base_id=base.pk, reason="")
    base_services.base_run(
        "rectify", actor=people["province"], base_id=base.pk, reason="年度考核不合格", effective_on="2026-03-01"
    )
    base_services.base_run("revoke", actor=people["office"], base_id=base.pk, reason="整改期满仍不合格")
    rows = list(base.status_changes.order_by("id").values_list("from_status", "to_status", "reason"))
    assert rows == [("operating", "rectifying", "年度考核不合格"), ("rectifying", "revoked", "整改期满仍不合格")]
    base.refresh_from_db()
    assert base.status == BaseStatus.REVOKED and base.status_note == "整改期满仍不合格"
    with pytest.raises(Conflict):
        base_services.base_run("restore", actor=people["office"], base_id=base.pk)


# --- reports -------------------------------------------------------------------------------


def test_the_host_fills_in_a_report_and_others_may_not(people):
    report = report_services.report_create(
        actor=people["member"], base_id=people["base"].pk, year=2025, data={"papers": 30, "rd_spend": "1200000.50"}
    )
    assert (report.papers, report.rd_spend, report.status) == (30, Decimal("1200000.50"), ReportStatus.DRAFT)
    for who in ("other_member", "province", "office"):
        with pytest.raises(PermissionDenied):
            report_services.report_create(actor=people[who], base_id=people["base"].pk, year=2024, data={})
    with pytest.raises(Conflict) as exc:
        report_services.report_create(actor=people["member"], base_id=people["base"].pk, year=2025, data={})
    assert exc.value.code == "report_exists"


@pytest.mark.parametrize(
    "data,field",
    [
        ({"papers": -1}, "papers"),
        ({"papers": 10_000_001}, "papers"),
        ({"papers": True}, "papers"),
        ({"rd_spend": "1e20"}, "rd_spend"),
        ({"rd_spend": "0.001"}, "rd_spend"),
        ({"summary": "总结\x00"}, "summary"),
        ({"fixed_staff": 10, "senior_staff": 11}, "senior_staff"),
    ],
)
def test_report_figures_are_bounded(people, data, field):
    with pytest.raises(ValidationFailed) as exc:
        report_services.report_create(actor=people["member"], base_id=people["base"].pk, year=2025, data=data)
    assert field in exc.value.details
    assert not BaseReport.objects.exists()


def test_a_report_year_cannot_be_in_the_future(people):
    with pytest.raises(ValidationFailed):
        report_services.report_create(
            actor=people["member"], base_id=people["base"].pk, year=timezone.localdate().year + 1, data={}
        )


def test_only_a_draft_or_returned_report_is_edited(people):
    report = BaseReportFactory(base=people["base"], status=ReportStatus.SUBMITTED)
    with pytest.raises(Conflict):
        report_services.report_update(actor=people["member"], report_id=report.pk, data={"papers": 1})
    report.status = ReportStatus.RETURNED
    report.save()
    assert report_services.report_update(actor=people["member"], report_id=report.pk, data={"papers": 1}).papers == 1
    assert AuditLog.objects.get(action="base_report.updated").changes["papers"] == [120, 1]


def test_submission_freezes_the_derived_figures_from_the_records(people):
    base = people["base"]
    lab = base.organization
    outsider = people["other_member"]
    sem = InstrumentFactory(owner=lab, original_value=2_000_000)
    start = dt.datetime(2025, 3, 3, 9, tzinfo=LOCAL)
    UsageSession.objects.create(
        instrument=sem, user=people["member"], started_at=start, ended_at=start + dt.timedelta(hours=3)
    )
    UsageSession.objects.create(
        instrument=sem, user=outsider, is_external=True, started_at=start + dt.timedelta(days=1),
        ended_at=start + dt.timedelta(days=1, hours=2, minutes=30),
    )  # fmt: skip
    # a session of another year and an unfinished one do not count
    UsageSession.objects.create(instrument=sem, user=outsider, started_at=dt.datetime(2024, 5, 1, 9, tzinfo=LOCAL),
                                ended_at=dt.datetime(2024, 5, 1, 12, tzinfo=LOCAL))  # fmt: skip
    UsageSession.objects.create(instrument=sem, user=outsider, started_at=start + dt.timedelta(days=2))
    point = RegistrationPointFactory()
    registered_contract(
        point, seller_organization=lab, when=dt.datetime(2025, 6, 1, 10, tzinfo=LOCAL), contract_amount="500000"
    )
    registered_contract(
        point, seller_organization=lab, when=dt.datetime(2025, 12, 31, 23, tzinfo=LOCAL), contract_amount="250000.5"
    )
    registered_contract(
        point, seller_organization=lab, when=dt.datetime(2026, 1, 1, 0, 30, tzinfo=LOCAL)
    )  # next year, local
    ApplicationFactory(organization=lab, status="in_progress", awarded_amount=Decimal("800000"),
                       decided_at=dt.datetime(2025, 7, 1, 9, tzinfo=LOCAL))  # fmt: skip
    ApplicationFactory(organization=lab, status="not_funded", decided_at=dt.datetime(2025, 7, 1, 9, tzinfo=LOCAL))

    report = BaseReportFactory(base=base, year=2025, created_by=people["member"])
    assert report.instrument_hours is None
    report = report_services.report_run("submit", actor=people["member"], report_id=report.pk)
    assert report.status == ReportStatus.SUBMITTED and report.derived_at is not None
    assert report.instrument_hours == Decimal("5.50")
    assert report.external_service_hours == Decimal("2.50")
    assert (report.contracts, report.contract_amount) == (2, Decimal("750000.50"))
    assert report.funding_awarded == Decimal("800000.00")
    # the figures stay as submitted when the records change afterwards
    registered_contract(point, seller_organization=lab, when=dt.datetime(2025, 8, 1, 10, tzinfo=LOCAL))
    report.refresh_from_db()
    assert report.contracts == 2


def test_a_return_needs_a_reason_and_a_resubmission_clears_it(people):
    report = BaseReportFactory(base=people["base"], status=ReportStatus.SUBMITTED, created_by=people["member"])
    with pytest.raises(ValidationFailed):
        report_services.report_run("return", actor=people["province"], report_id=report.pk, reason="  ")
    report = report_services.report_run(
        "return", actor=people["province"], report_id=report.pk, reason="专利数与附件不符"
    )
    assert (report.status, report.status_note) == (ReportStatus.RETURNED, "专利数与附件不符")
    report = report_services.report_run("submit", actor=people["member"], report_id=report.pk)
    assert (report.status, report.status_note) == (ReportStatus.SUBMITTED, "")
