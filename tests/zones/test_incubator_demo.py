"""The incubators' demo at a small scale: every demo incubator and science park registered (a
returnee park among them), 10–40 tenants each with consistent dates and a 60–80 % private share
overall, three years of reports whose frozen figures equal the tenant records, an administrator
for each incubator, last year's evaluation run by the office; a second run does nothing."""

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_incubators_demo(reference):
    from nesta.accounts.models import RoleAssignment, User
    from nesta.demo.providers import load_demo_directory
    from nesta.demo.zones import accounts, incubators
    from nesta.directory.models import Organization
    from nesta.zones.models import Incubator, IncubatorReport, IncubatorResult, Tenant
    from nesta.zones.selectors.incubators import tenant_figures
    from tests.factories import UserFactory, grant

    def ctx_office_exists() -> bool:
        return User.objects.filter(username="office").exists()

    said: list[str] = []
    load_demo_directory(60, 2026, said.append)
    if not ctx_office_exists():
        grant(UserFactory(username="office"), "office")
    ctx = accounts.load(2026, said.append)
    incubators.load(ctx, said.append)
    orgs = Organization.objects.filter(
        reference_key__startswith="demo-org-", kind__in=("incubator", "university_science_park")
    )
    all_incubators = list(Incubator.objects.select_related("organization", "zone"))
    assert len(all_incubators) == orgs.count() >= 2
    kinds = {i.kind for i in all_incubators}
    assert "returnee_park" in kinds
    for i in all_incubators:
        if i.organization.kind == "university_science_park":
            assert i.kind == "science_park"
        if i.zone is not None:
            assert i.zone.kind == "high_tech_zone" and i.zone.province_id == i.organization.province_id
        n = Tenant.objects.filter(incubator=i).count()
        assert 10 <= n <= 40
        assert RoleAssignment.objects.filter(role="org_admin", organization=i.organization).exists()
    tenants = list(Tenant.objects.all())
    assert 0.55 <= sum(t.is_private_tech for t in tenants) / len(tenants) <= 0.85
    today = timezone.localdate()
    for t in tenants:
        assert t.founded_on <= t.entered_on <= today
        assert not (t.graduated_on and t.left_on)
        assert (t.graduated_on or t.entered_on) >= t.entered_on and (t.graduated_on or today) <= today
    last = today.year - 1
    reports = list(IncubatorReport.objects.select_related("incubator"))
    assert {r.year for r in reports} == {last - 2, last - 1, last}
    assert all(r.status == "accepted" for r in reports if r.year < last)
    for r in reports:
        assert r.space_occupied_m2 <= r.incubator.space_m2
        if r.status != "draft":
            assert r.derived_at is not None
            assert tenant_figures(incubator_id=r.incubator_id, year=r.year).as_fields() == {
                k: getattr(r, k)
                for k in (
                    "tenants",
                    "new_tenants",
                    "graduates",
                    "tenant_employees",
                    "tenant_revenue",
                    "private_tenants",
                )
            }
    accepted = sum(r.year == last and r.status == "accepted" for r in reports)
    assert IncubatorResult.objects.count() == accepted > 0

    again: list[str] = []
    incubators.load(ctx, again.append)
    assert "zones: demo incubators present, nothing to do" in again
