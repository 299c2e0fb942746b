"""Factories and fixtures of the incubators' tests (imported by the test_incubator_* modules; no
tests of its own)."""

import datetime as dt

import factory
import pytest

from nesta.zones.models import Incubator, IncubatorReport, Tenant
from tests.factories import OrganizationFactory, UserFactory, grant


class IncubatorFactory(factory.django.DjangoModelFactory):
    """A provincial 创业中心 in 沈阳 with 10,000 m² (pass zone= for its zone)."""

    class Meta:
        model = Incubator

    organization = factory.SubFactory(
        OrganizationFactory, kind="incubator", name=factory.Sequence(lambda n: f"沈阳科技创业服务中心{n}")
    )
    kind = "business_center"
    level = "provincial"
    established_on = dt.date(2005, 5, 1)
    space_m2 = 10_000
    services = ["space", "mentoring"]


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    incubator = factory.SubFactory(IncubatorFactory)
    name = factory.Sequence(lambda n: f"沈阳华信科技有限公司{n}")
    founded_on = dt.date(2020, 3, 1)
    entered_on = dt.date(2021, 4, 1)
    employees = 10
    revenue = 1_000_000
    space_m2 = 100


class IncubatorReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncubatorReport

    incubator = factory.SubFactory(IncubatorFactory)
    year = 2025


@pytest.fixture
def world(zones, zone_people, jilin):
    """Incubator A (Liaoning, the 沈阳 zone) with its admin and member; incubator B (Jilin); the
    provinces, the office, an outsider."""
    a = IncubatorFactory(zone=zones["shenyang"])
    b = IncubatorFactory(
        organization__province_code="220000",
        organization__city_code="220100",
        organization__kind="university_science_park",
        organization__name="吉林大学国家大学科技园",
        kind="science_park",
        level="national",
        zone=zones["changchun"],
    )
    return {
        "a": a,
        "b": b,
        "admin": grant(UserFactory(organization=a.organization), "org_admin", organization=a.organization),
        "member": grant(UserFactory(organization=a.organization), "member", organization=a.organization),
        "b_admin": grant(UserFactory(organization=b.organization), "org_admin", organization=b.organization),
        "province": zone_people["province"],
        "jilin": zone_people["jilin"],
        "office": zone_people["office"],
        "outsider": zone_people["outsider"],
        "committee": zone_people["committee"],
    }
