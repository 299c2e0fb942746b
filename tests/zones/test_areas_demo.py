"""The demo's area requests: one at every stage that matters (approved in 2025, awaiting the office,
returned by the province, a draft), made through the services so each has its history and the
filer's notifications, every step dated in order and never after now; idempotent."""

import pytest
from django.utils import timezone

from nesta.demo.zones import areas as demo_areas
from nesta.demo.zones.accounts import ZONE_KEYS, ZonesContext
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(reference):
    from nesta.core.models import Region
    from nesta.directory.models import Organization

    by_key = {o.reference_key: o for o in Organization.objects.filter(reference_key__in=ZONE_KEYS)}
    zones = [by_key[k] for k in ZONE_KEYS]
    context = ZonesContext(seed=2026, office=grant(UserFactory(username="office"), "office"), zones=zones)
    for code in ("210000", "220000", "230000"):
        context.provinces[code] = grant(UserFactory(), "province", province=Region.objects.get(code=code))
    for zone in zones:
        context.committee[zone.pk] = grant(UserFactory(organization=zone), "org_admin", organization=zone)
    return context


def test_the_area_requests_demo(ctx):
    from nesta.core.models import AuditLog, Notification
    from nesta.zones.models import AreaRequest

    said = []
    assert demo_areas.load(ctx, said.append) == {"area requests": 4}
    assert said and "4 area requests" in said[0]
    by_zone = {r.zone.reference_key: r for r in AreaRequest.objects.select_related("zone")}
    assert {k: r.status for k, r in by_zone.items()} == {
        "zone-dalian": "approved",
        "zone-changchun": "endorsed",
        "zone-harbin": "returned",
        "zone-shenyang": "draft",
    }
    approved = by_zone["zone-dalian"]
    assert approved.decided_at.year == 2025 and approved.submitted_at.year == 2025
    assert approved.current_area < approved.approved_area <= approved.requested_area
    assert approved.province_supports is True and approved.decision_note
    assert by_zone["zone-harbin"].status_note and by_zone["zone-changchun"].province_opinion
    now = timezone.now()
    for req in by_zone.values():
        assert req.created_by == ctx.committee[req.zone_id]
        assert req.area_innovation + req.area_incubation + req.area_industrialisation == req.requested_area
        rows = list(AuditLog.objects.filter(object_type="zones.arearequest", object_id=str(req.pk)).order_by("id"))
        stamps = [r.created_at for r in rows]
        assert stamps == sorted(stamps) and stamps[-1] <= now and stamps[0] == req.created_at
        for field in ("submitted_at", "endorsed_at", "returned_at", "decided_at"):
            value = getattr(req, field)
            assert value is None or req.created_at <= value <= now, field
    events = list(
        AuditLog.objects.filter(object_type="zones.arearequest", object_id=str(approved.pk))
        .order_by("id")
        .values_list("action", "actor")
    )
    assert events == [
        ("area_request.created", ctx.committee[approved.zone_id].pk),
        ("area_request.submitted", ctx.committee[approved.zone_id].pk),
        ("area_request.endorsed", ctx.provinces["210000"].pk),
        ("area_request.approved", ctx.office.pk),
    ]
    notes = Notification.objects.filter(user=ctx.committee[approved.zone_id]).order_by("created_at")
    assert [n.kind for n in notes] == ["area_request_endorsed", "area_request_decided"]
    assert notes.last().created_at == approved.decided_at
    # idempotent
    assert demo_areas.load(ctx, said.append) == {}
    assert AreaRequest.objects.count() == 4


def test_without_an_office_nothing_is_made(ctx):
    from nesta.zones.models import AreaRequest

    ctx.office = None
    said = []
    assert demo_areas.load(ctx, said.append) == {}
    assert not AreaRequest.objects.exists()
