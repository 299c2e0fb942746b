"""The zones' demo figures: the directory and zones providers at a small scale give the last
three full years of each of the seven zones (filled in by its committee), plausible magnitudes,
the office's targets for each zone with their progress; a second run does nothing."""

from decimal import Decimal

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

YI = Decimal(100_000_000)


def test_the_zones_demo_figures(reference):
    from nesta.core.models import AuditLog
    from nesta.demo import zones as zones_demo
    from nesta.demo.providers import load_demo_directory
    from nesta.directory.models import Organization
    from nesta.zones.models import ZoneTarget, ZoneYear
    from nesta.zones.selectors.zones import comparison, zone_targets

    said: list[str] = []
    load_demo_directory(20, 2026, said.append)
    zones_demo.load(20, 2026, said.append)
    zones = list(Organization.objects.filter(kind="high_tech_zone"))
    assert len(zones) == 7
    last = timezone.localdate().year - 1
    years = set(ZoneYear.objects.values_list("year", flat=True))
    assert years == {last - 2, last - 1, last}
    assert ZoneYear.objects.count() == 21
    for zone in zones:
        rows = list(ZoneYear.objects.filter(zone=zone).order_by("year"))
        assert len(rows) == 3
        assert rows[0].revenue < rows[1].revenue < rows[2].revenue  # growing
        growth = rows[2].revenue / rows[1].revenue
        assert Decimal("1.03") <= growth <= Decimal("1.10"), zone
        for r in rows:
            assert 500 * YI <= r.revenue <= 7000 * YI, zone
            assert Decimal("0.045") <= r.net_profit / r.revenue <= Decimal("0.085")
            assert Decimal("0.04") <= r.taxes / r.revenue <= Decimal("0.06")
            assert r.exports_usd < r.revenue / 7
            assert r.built_area <= r.planned_area and r.high_tech_enterprises <= r.enterprises
            assert r.private_tech_enterprises <= r.enterprises and r.rd_staff <= r.employees
            assert r.updated_by is not None and r.updated_by.organization_id == zone.pk  # its committee
        targets = ZoneTarget.objects.filter(zone=zone)
        assert {t.indicator for t in targets} == {"revenue", "high_tech_enterprises", "rd_spend", "invention_patents"}
        assert all(t.baseline_year == last - 2 and t.target_value > t.baseline_value for t in targets)
        assert {p.status for p in zone_targets(zone_id=zone.pk)} <= {"on_track", "behind", "achieved"}
    big = {z.reference_key: ZoneYear.objects.get(zone=z, year=last).revenue for z in zones}
    assert min(big["zone-shenyang"], big["zone-dalian"], big["zone-changchun"]) > max(
        big["zone-anshan"], big["zone-jilin"]
    )
    assert AuditLog.objects.filter(action="zone_year.created").count() == 21
    assert AuditLog.objects.filter(action="zone_target.set").count() == 28
    assert comparison().year == last and comparison().reported == 7

    again: list[str] = []
    zones_demo.load(20, 2026, again.append)
    assert "zones: figures present, nothing to do" in again
    assert ZoneYear.objects.count() == 21 and ZoneTarget.objects.count() == 28
