"""What the database itself refuses: a base hosting itself, a second report for a year, years and
money out of range, more senior staff than staff."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from nesta.bases.models import BaseReport
from tests.bases.factories import BaseFactory, BaseReportFactory

pytestmark = pytest.mark.django_db


def _refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_base_is_not_its_own_host(reference):
    base = BaseFactory()
    base.host = base.organization
    _refused(base.save)


def test_established_date_in_range(reference):
    base = BaseFactory()
    base.established_on = dt.date(1900, 1, 1)
    _refused(base.save)


def test_one_report_per_base_and_year(reference):
    report = BaseReportFactory()
    _refused(lambda: BaseReport.objects.create(base=report.base, year=report.year))
    assert BaseReport.objects.create(base=report.base, year=report.year - 1).pk


@pytest.mark.parametrize("year", [1999, 2101])
def test_report_year_in_range(reference, year):
    base = BaseFactory()
    _refused(lambda: BaseReport.objects.create(base=base, year=year))


@pytest.mark.parametrize("field", ["rd_spend", "funding_national", "transfer_income"])
def test_money_is_never_negative(reference, field):
    base = BaseFactory()
    _refused(lambda: BaseReport.objects.create(base=base, year=2025, **{field: Decimal("-0.01")}))


@pytest.mark.parametrize("field", ["senior_staff", "doctorate_staff"])
def test_no_more_senior_or_doctoral_staff_than_staff(reference, field):
    base = BaseFactory()
    _refused(lambda: BaseReport.objects.create(base=base, year=2025, fixed_staff=10, **{field: 11}))
    assert BaseReport.objects.create(base=base, year=2025, fixed_staff=10, **{field: 10}).pk


def test_the_target_is_the_host_and_its_province(reference):
    base = BaseFactory(host__province_code="220000", host__city_code="220100")
    target = BaseReportFactory(base=base).permission_target()
    assert (target.organization_id, target.province_code) == (base.host_id, "220000")
