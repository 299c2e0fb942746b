"""The demo contracts: points in the three provinces, two years of registrations on working days
and hours, nothing in the future, numbers gap-free per point and year, a queue with overdue
cases, statistics fed, idempotent."""

import os
from collections import defaultdict

import pytest
from django.utils import timezone

from nesta.core.validators import LOCAL
from nesta.demo.market import contracts as demo

SCALE, SEED = int(os.environ.get("DEMO_CONTRACTS_SCALE", "40")), 2026


@pytest.fixture
def loaded(reference):
    from nesta.demo.providers import load_demo_directory

    load_demo_directory(SCALE, SEED, lambda line: None)
    lines: list[str] = []
    counts = demo.load(SCALE, SEED, lines.append)
    return counts, lines


@pytest.mark.django_db
def test_demo_contracts(loaded):
    from nesta.market.models import ContractSerial, ContractStat, RegistrationPoint, TechContract

    counts, lines = loaded
    print(*lines, sep="\n")
    points = RegistrationPoint.objects.filter(reference_key__startswith="demo-point-")
    assert {p.province.code for p in points} == {"210000", "220000", "230000"}
    assert {p.city.code for p in points} >= {"210200", "210100", "220100", "230100"}
    assert all(p.organization.kind == "technology_market" for p in points)
    qs = TechContract.objects.filter(reference_key__startswith="demo-ctr-")
    assert counts["contracts"] == qs.count() > 100
    statuses = set(qs.values_list("status", flat=True))
    assert statuses == {"registered", "refused", "submitted", "withdrawn"} or statuses >= {
        "registered",
        "refused",
        "submitted",
    }
    now = timezone.now()
    registered = list(qs.filter(status="registered"))
    years = {timezone.localtime(c.registered_at).year for c in registered}
    assert years == {timezone.localdate().year - 1, timezone.localdate().year}
    by_key = defaultdict(list)
    for c in registered:
        local = c.registered_at.astimezone(LOCAL)
        assert c.registered_at <= now and c.submitted_at < c.registered_at
        assert local.weekday() < 5 and 8 <= local.hour <= 17
        assert c.technology_amount == c.contract_amount - sum(
            __import__("decimal").Decimal(x["amount"]) for x in c.non_technical_costs
        )
        assert c.number[:2] == f"{local.year % 100:02d}" and c.number[2:8] == c.point.number_prefix
        by_key[(c.point_id, local.year)].append(c.serial)
    for (point_id, year), serials in by_key.items():
        assert sorted(serials) == list(range(1, len(serials) + 1))
        assert ContractSerial.objects.get(point_id=point_id, year=year).last == len(serials)
    assert qs.filter(status="submitted", decision_due__lt=timezone.localdate()).exists()
    assert qs.filter(status="submitted", decision_due__gte=timezone.localdate()).exists()
    assert not qs.filter(submitted_at__gt=now).exists()
    assert ContractStat.objects.filter(dimension="type").exists()
    # idempotent
    assert demo.load(SCALE, SEED, lambda line: None) == {"contracts": 0}
    assert TechContract.objects.count() == counts["contracts"]


@pytest.mark.django_db
def test_demo_contracts_name_the_dealt_listings(reference):
    from nesta.demo.market import listings as demo_listings
    from nesta.demo.providers import load_demo_directory
    from nesta.market.models import Listing, TechContract

    load_demo_directory(SCALE, SEED, lambda line: None)
    demo_listings.load(SCALE, SEED, lambda line: None)
    demo.load(SCALE, SEED, lambda line: None)
    linked = TechContract.objects.filter(listing__isnull=False).select_related("listing", "point__province")
    assert linked.exists()
    for c in linked:
        assert c.status == "registered" and c.listing.status == "dealt"
        assert c.registered_at <= timezone.now() and c.seller_organization_id == c.listing.organization_id
        assert c.seller_region[:2] == c.point.province.code[:2]
    # every dealt achievement or service listing of the three provinces names one registered contract
    dealt = Listing.objects.filter(
        reference_key__startswith="demo-mkt-", status="dealt", kind__in=("achievement", "service")
    )
    assert set(dealt.values_list("pk", flat=True)) == set(linked.values_list("listing_id", flat=True))
